"""Rendered runners kept on disk by their parameters, so tests and benchmarks render each once.

The key is the runner's parameters, the render settings and the source of
everything that draws a frame; the ground truth is recomputed from the model
on every load (it is cheap), so a change in a truth definition never needs a
re-render.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from synth.clip import make_clip
from synth.kinematics import RunnerModel
from synth.params import RenderSettings, RunnerParams
from synth.truth import ground_truth

_DRAWING = ("body.py", "camera.py", "kinematics.py", "params.py", "render.py", "clip.py")


def default_dir() -> Path:
    """``$STRIDESCOPE_CACHE/synth`` or ``~/.cache/stridescope/synth``."""
    root = os.environ.get("STRIDESCOPE_CACHE") or Path.home() / ".cache" / "stridescope"
    return Path(root) / "synth"


def key(params: RunnerParams, settings: RenderSettings) -> str:
    """Hex digest naming the clip these parameters render.

    The drawing code enters through its syntax tree, so a comment or a reflowed line
    does not make every cached runner stale.
    """
    h = hashlib.sha256(json.dumps([params.to_dict(), asdict(settings)], sort_keys=True).encode())
    here = Path(__file__).parent
    for path in [here / name for name in _DRAWING] + [here.parent / "reports" / "video_writer.py"]:
        h.update(ast.dump(ast.parse(path.read_text())).encode())
    return h.hexdigest()[:20]


def truth_of(params: RunnerParams, settings: RenderSettings) -> dict:
    """The ground truth of the clip these parameters render (no rendering)."""
    model = RunnerModel(params, settings.duration_s, seed=settings.seed)
    camera = settings.camera()
    return ground_truth(model, camera, asdict(settings))


def rendered(params: RunnerParams, settings: RenderSettings, cache_dir: Path | None = None) -> tuple[Path, dict]:
    """(mp4 path, ground truth) of the runner, rendering it only if not cached yet."""
    folder = cache_dir or default_dir()
    clip = folder / f"{key(params, settings)}.mp4"
    if clip.is_file():
        return clip, truth_of(params, settings)
    return clip, make_clip(clip, params, settings)
