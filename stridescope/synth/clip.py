"""One synthetic clip end to end: model, frames, mp4 and its ground truth beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from stridescope.synth.encode import write_mp4
from stridescope.synth.kinematics import RunnerModel
from stridescope.synth.params import RenderSettings, RunnerParams
from stridescope.synth.render import Renderer
from stridescope.synth.truth import ground_truth, write_truth


def truth_path(clip: str | Path) -> Path:
    """``runner.mp4`` → ``runner.truth.json`` beside it."""
    clip = Path(clip)
    return clip.with_name(clip.stem + ".truth.json")


def make_clip(out: str | Path, params: RunnerParams, settings: RenderSettings,
              progress: Callable[[int, int], None] | None = None) -> dict:
    """Render the clip to ``out`` and write its ground truth; returns the truth."""
    model = RunnerModel(params, settings.duration_s, seed=settings.seed)
    renderer = Renderer(model, settings)
    n = renderer.n_frames()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_mp4(out, (renderer.frame(i) for i in range(n)), settings.fps, settings.crf, progress, n)
    truth = ground_truth(model, renderer.camera, asdict(settings))
    write_truth(truth_path(out), truth)
    return truth
