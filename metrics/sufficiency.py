"""Is there enough running in a track to measure anything?  Checked before any measure is tried.

A footfall can only be found where both legs are seen moving for a while: a
running step lasts about 0.3 s, so less than half a second of legs in view
cannot hold one initial contact and the toe-off that ends it.  Shorter clips
get one message saying so, not measures made up from a fragment.
"""

from __future__ import annotations

import numpy as np

from vision.errors import InputError, NotEnoughRunningError
from vision.landmarks import LEFT_ANKLE, LEFT_HIP, LEFT_KNEE, RIGHT_ANKLE, RIGHT_HIP, RIGHT_KNEE

LEGS = (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE)
MIN_LEGS_SPAN_S = 0.5
MIN_LEGS_FRAMES = 6
EDGE_MARGIN = 0.02  # of the frame's size: a joint this close outside the edge may still be judged


def legs_in_view(image_xy: np.ndarray, frame_size: tuple[int, int] | None = None) -> np.ndarray:
    """[n] True where hips, knees and ankles of both legs were found inside the picture.

    The pose model also guesses joints beyond the frame's edge (legs cut off by
    the framing); guesses are not measurements.
    """
    legs = image_xy[:, LEGS]
    seen = np.isfinite(legs).all(axis=(1, 2))
    if frame_size and all(frame_size):
        w, h = frame_size
        x, y = legs[..., 0], legs[..., 1]
        with np.errstate(invalid="ignore"):
            inside = ((x >= -EDGE_MARGIN * w) & (x <= (1 + EDGE_MARGIN) * w)
                      & (y >= -EDGE_MARGIN * h) & (y <= (1 + EDGE_MARGIN) * h)).all(axis=1)
        seen &= inside
    return seen


def check_enough_running(image_xy: np.ndarray, time_s: np.ndarray, clip_name: str = "",
                         frame_size: tuple[int, int] | None = None) -> None:
    """Raise :class:`NotEnoughRunningError` (or :class:`InputError` for broken frame times) with a
    one-line message (naming ``clip_name``) unless the legs are in view for at least ``MIN_LEGS_SPAN_S``
    and ``MIN_LEGS_FRAMES``."""
    named = f"{clip_name}: " if clip_name else ""
    time_s = np.asarray(time_s, float)
    n = len(time_s)
    if n and not (np.isfinite(time_s).all() and (np.diff(time_s) > 0).all()):
        raise InputError(f"{named}the clip's frame times do not increase steadily, so no timing can be measured")
    duration = float(time_s[-1] - time_s[0]) if n else 0.0
    if n < MIN_LEGS_FRAMES or duration < MIN_LEGS_SPAN_S:
        raise NotEnoughRunningError(
            f"{named}the clip has only {n} frame{'s' * (n != 1)} ({duration:.2f} s); at least {MIN_LEGS_SPAN_S} s of "
            "running is needed to find a single footfall")
    seen = legs_in_view(image_xy, frame_size)
    span = float(np.ptp(time_s[seen])) if seen.any() else 0.0
    if seen.sum() < MIN_LEGS_FRAMES or span < MIN_LEGS_SPAN_S:
        what = "in no frame" if not seen.any() else f"in only {int(seen.sum())} of {n} frames ({span:.2f} s)"
        raise NotEnoughRunningError(
            f"{named}both legs (hips, knees, ankles) are in the picture {what}; at least {MIN_LEGS_SPAN_S} s of "
            "running with the whole body in the picture is needed to find a single footfall")
