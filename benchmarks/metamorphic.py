"""Metamorphic checks: a clip transformed in ways that must not change the gait.

Mirroring, dropping frames (60 -> 30 -> 25 fps), trimming the start,
re-encoding at a low bitrate (x264 CRF 35) and letterboxing leave the runner's events
where they were (in time, after undoing a trim) and the cadence unchanged.
Transformed clips are written with PyAV (libx264) so no other tool is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from metrics.analysis import Analysis
from reports.video_writer import H264Writer


@dataclass(frozen=True)
class Transform:
    """How to rewrite a clip: which source frames to keep, how to change each, at what rate and bitrate."""

    frame: Callable[[np.ndarray], np.ndarray] = lambda rgb: rgb
    fps: float | None = None  # None: the source's rate
    skip_s: float = 0.0  # drop the first frames up to this time
    crf: int = 18  # x264 quality: 18 is visually lossless, 35 a heavily compressed upload
    swaps_feet: bool = False  # a mirror image's left leg is the runner's right one


def _letterbox(rgb: np.ndarray) -> np.ndarray:
    """Black bars above and below: a quarter of the height each (kept even for the encoder)."""
    bar = (rgb.shape[0] // 4) // 2 * 2
    return np.pad(rgb, ((bar, bar), (0, 0), (0, 0)))


TRANSFORMS: dict[str, Transform] = {
    "mirrored": Transform(frame=lambda rgb: np.ascontiguousarray(rgb[:, ::-1]), swaps_feet=True),
    "decimated_30fps": Transform(fps=30.0),
    "decimated_25fps": Transform(fps=25.0),
    "start_trimmed_1s": Transform(skip_s=1.0),
    "low_bitrate": Transform(crf=35),
    "letterboxed": Transform(frame=_letterbox),
}


def transform_clip(src: str | Path, transform: Transform, dst: str | Path) -> Path:
    """Write ``src`` transformed to ``dst`` (H.264, constant rate); returns ``dst``.

    Frames are picked by time: the source frame nearest each output instant
    (exact for 60 -> 30 fps; within a fifth of a source frame for 60 -> 25).
    Two decoding passes (times, then pixels) keep one frame in memory at a time.
    x264 runs on one thread: threaded, each session wrote other bytes for the same frames
    (eight different mirrored clips, 2026-11-30) and the pose model found other contacts.
    One thread varies less but still now and then (two encodings first part in the last,
    partial macroblock column), so a test keeps the clip it made (tests/test_metamorphic.py).
    """
    dst = Path(dst)
    with av.open(str(src)) as inp:
        times = np.array([float(f.time) for f in inp.decode(inp.streams.video[0])])
    times -= times[0]
    src_fps = (len(times) - 1) / times[-1]
    fps = transform.fps or src_fps
    first = int(np.searchsorted(times, transform.skip_s - 0.5 / src_fps))
    out_times = np.arange(times[first], times[-1] + 1e-9, 1 / fps)
    repeats = np.bincount(np.clip(np.searchsorted(times, out_times - 0.5 / src_fps), 0, len(times) - 1),
                          minlength=len(times))
    with av.open(str(src)) as inp, H264Writer(dst, fps, crf=transform.crf, threads=1) as out:
        for i, frame in enumerate(inp.decode(inp.streams.video[0])):
            if not repeats[i]:
                continue
            rgb = transform.frame(frame.to_ndarray(format="rgb24"))
            for _ in range(repeats[i]):
                out.write(rgb)
    return dst


@dataclass
class EventMapping:
    """How the transformed clip's initial contacts map onto the original's."""

    mapped: float  # fraction of the original's initial contacts found again (same foot, or both swapped)
    median_abs_shift: float  # frames at the coarser of the two rates
    cadence: float | None
    base_cadence: float | None

    @property
    def cadence_change_pct(self) -> float:
        if not (self.cadence and self.base_cadence):
            return float("nan")
        return 100 * (self.cadence - self.base_cadence) / self.base_cadence


def compare_events(base: Analysis, changed: Analysis, transform: Transform) -> EventMapping:
    """Match each of ``base``'s initial contacts to ``changed``'s within 1.5 frames (coarser rate)."""
    frame_s = 1 / min(_fps(base), _fps(changed))
    offset = -transform.skip_s  # both clips' times start at 0
    swap = {"left": "right", "right": "left"} if transform.swaps_feet else {"left": "left", "right": "right"}
    theirs = [(e.time_s - offset, e.foot) for e in changed.events if e.kind == "initial_contact"]
    shifts = []
    ours = [e for e in base.events if e.kind == "initial_contact"]
    span = (min((t for t, _ in theirs), default=0.0), max((t for t, _ in theirs), default=0.0))
    ours = [e for e in ours if span[0] - 1.5 * frame_s <= e.time_s <= span[1] + 1.5 * frame_s]
    for e in ours:
        near = [abs(t - e.time_s) for t, foot in theirs if foot == swap[e.foot]]
        if near and min(near) <= 1.5 * frame_s:
            shifts.append(min(near) / frame_s)
    cadence = changed.metrics.get("cadence_spm")
    base_cadence = base.metrics.get("cadence_spm")
    return EventMapping(len(shifts) / max(len(ours), 1), float(np.median(shifts)) if shifts else float("nan"),
                        cadence.value if cadence else None, base_cadence.value if base_cadence else None)


def _fps(a: Analysis) -> float:
    return float(a.clip.get("fps") or a.clip.get("avg_fps"))

