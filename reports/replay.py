"""The annotated replay: the runner's own clip with skeleton, angles and contacts drawn on it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from metrics.analysis import Analysis
from metrics.gait import Gait
from reports.annotate import annotated_frame, default_annotators, with_strip
from reports.state import ClipStates
from reports.video_writer import H264Writer
from vision.video import VideoInfo, iter_frames, probe

Progress = Callable[[int, int], None]


@dataclass
class ReplayResult:
    path: Path
    frames: int
    fps: float  # playback rate of the file
    seconds: float  # wall time taken
    @property
    def encode_fps(self) -> float:
        return self.frames / max(self.seconds, 1e-9)


def clip_info(analysis: Analysis, clip: str | Path | None = None) -> VideoInfo:
    """The clip an analysis was made from (``clip`` overrides the recorded path)."""
    path = clip or analysis.clip["path"]
    return probe(path, capture_fps=analysis.clip.get("capture_fps"))


def write_replay(analysis: Analysis, gait: Gait, out: str | Path, clip: str | Path | None = None,
                 slow_motion: float = 1.0, annotators: Sequence | None = None,
                 frames: range | None = None, progress: Progress | None = None) -> ReplayResult:
    """Write the annotated replay of every frame (or of ``frames``) to ``out`` (H.264 MP4).

    Each frame gets a timeline strip below it (see :func:`reports.annotate.with_strip`).

    ``slow_motion`` = 2 plays at half the clip's playback rate; no frame is
    dropped or repeated, so the replay has exactly the clip's frames.
    """
    start = time.monotonic()
    info = clip_info(analysis, clip)
    states = ClipStates(analysis, gait)
    layers = annotators if annotators is not None else default_annotators(states.stance_intervals())
    wanted = frames if frames is not None else range(info.n_frames)
    fps = info.fps / slow_motion
    with H264Writer(out, fps) as writer:
        for index, _, rgb in iter_frames(info):
            if index >= wanted.stop:
                break
            if index not in wanted:
                continue
            writer.write(annotated_frame(rgb, states[index], layers) if index < len(states) else with_strip(rgb))
            if progress:
                progress(writer.frames, len(wanted))
    return ReplayResult(Path(out), writer.frames, fps, time.monotonic() - start)
