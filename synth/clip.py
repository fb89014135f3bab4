"""One synthetic clip end to end: model, frames, mp4 and its ground truth beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from reports.video_writer import H264Writer
from synth.kinematics import RunnerModel
from synth.params import RenderSettings, RunnerParams
from synth.render import Renderer
from synth.truth import ground_truth, write_truth


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
    # One encoder thread, so the same parameters give the same mp4 bytes on any machine.
    with H264Writer(out, settings.fps, crf=settings.crf, preset="medium", threads=1) as writer:
        for i in range(n):
            writer.write(renderer.frame(i))
            if progress:
                progress(i + 1, n)
    truth = ground_truth(model, renderer.camera, asdict(settings))
    write_truth(truth_path(out), truth)
    return truth
