"""One clip in, its analysis on disk out: pose track → metrics → files.

``analyze_clip`` writes ``analysis.json``, ``strides.csv`` and ``pose.npz``
into ``out_dir``.  Each file is written under a temporary name and renamed,
so a failure never leaves a half-written file or destroys an earlier result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from metrics.analysis import Analysis
from metrics.measure import analyze_track, write_strides_csv
from vision.extract import pose_track

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages: "pose", "metrics", "write"."""

ANALYSIS_FILE, STRIDES_FILE, POSE_FILE = "analysis.json", "strides.csv", "pose.npz"


def analyze_clip(
    clip: str | Path,
    out_dir: str | Path,
    *,
    view: str = "auto",
    treadmill_speed_kmh: float | None = None,
    height_cm: float | None = None,
    capture_fps: float | None = None,
    model: str | Path | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Analyse ``clip`` and write its files into ``out_dir`` (created if needed)."""
    report = progress or (lambda stage, done, total: None)
    track = pose_track(clip, model=model, capture_fps=capture_fps,
                       progress=lambda done, total: report("pose", done, total))
    report("metrics", 0, 1)
    analysis = analyze_track(track, view=view, treadmill_speed_kmh=treadmill_speed_kmh, height_cm=height_cm)
    report("metrics", 1, 1)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report("write", 0, 3)
    track.save(out / POSE_FILE)
    write_strides_csv(analysis, out / STRIDES_FILE)
    analysis.save(out / ANALYSIS_FILE)
    report("write", 3, 3)
    return analysis
