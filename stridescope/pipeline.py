"""One clip in, its analysis on disk out: pose track → gait → metrics → files.

``analyze_clip`` writes ``analysis.json``, ``gait.npz``, ``strides.csv`` and
``pose.npz`` into ``out_dir``, each once.  Each file is written under a
temporary name and renamed, so a failure never leaves a half-written file or
destroys an earlier result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from metrics.event_io import read_events_csv
from metrics.measure import Analysed, analyze, write_strides_csv
from metrics.review import reviewed_analysis
from reports.report import ANALYSIS_FILE, GAIT_FILE, POSE_FILE
from vision.extract import pose_track
from vision.parallel import PosePool
from vision.people import follow_runner

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages: "pose", "people", "metrics", "write"."""

STRIDES_FILE = "strides.csv"
__all__ = ["ANALYSIS_FILE", "GAIT_FILE", "POSE_FILE", "STRIDES_FILE", "Analysed", "analyze_clip"]


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
    clip_sha256: str | None = None,
    recorded_path: str | Path | None = None,
    workers: int = 1,
    events_csv: str | Path | None = None,
    person: int | None = None,
    pool: PosePool | None = None,
) -> Analysed:
    """Analyse ``clip`` and write its files into ``out_dir`` (created if needed); return its gait and analysis.

    ``clip_sha256`` is the clip's content hash if the caller already has it
    (it is hashed once either way); ``recorded_path`` is the path
    ``analysis.json`` names for the clip, when it will live elsewhere (a store).
    ``workers`` > 1 runs the pose model on that many cores (:mod:`vision.parallel`), through
    ``pool`` if given (else the process's shared pool, kept warm between clips).
    With ``events_csv`` (:mod:`metrics.event_io` format) its events are used instead of detected
    ones; a bad file raises :class:`metrics.event_io.EventsError` before anything is written.
    ``person`` measures that person of the people found in view (an index into
    ``track.people["candidates"]``) instead of the one chosen as the runner.
    """
    report = progress or (lambda stage, done, total: None)
    track = pose_track(clip, model=model, capture_fps=capture_fps, sha256=clip_sha256, workers=workers,
                       pool=pool, progress=lambda done, total: report("pose", done, total))
    # Everyone in view is looked for; the runner's frames are kept, followed anew if the model was on someone else.
    track = follow_runner(track, clip, model=model, capture_fps=capture_fps, person=person,
                          progress=lambda done, total: report("people", done, total))
    if recorded_path is not None:
        track.source["path"] = str(recorded_path)
    events = None if events_csv is None else read_events_csv(events_csv, track.time_s)
    report("metrics", 0, 1)
    options = {"view": view, "treadmill_speed_kmh": treadmill_speed_kmh, "height_cm": height_cm}
    result = analyze(track, **options) if events is None else \
        reviewed_analysis(track, events, source=f"file {Path(events_csv).name}", **options)
    report("metrics", 1, 1)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report("write", 0, 4)
    track.save(out / POSE_FILE)
    result.gait.save(out / GAIT_FILE)
    write_strides_csv(result.analysis, out / STRIDES_FILE)
    result.analysis.save(out / ANALYSIS_FILE)
    report("write", 4, 4)
    return result
