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


def legs_in_view(image_xy: np.ndarray) -> np.ndarray:
    """[n] True where hips, knees and ankles of both legs were found."""
    return np.isfinite(image_xy[:, LEGS]).all(axis=(1, 2))


def check_enough_running(image_xy: np.ndarray, time_s: np.ndarray, clip_name: str = "") -> None:
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
    seen = legs_in_view(image_xy)
    span = float(np.ptp(time_s[seen])) if seen.any() else 0.0
    if seen.sum() < MIN_LEGS_FRAMES or span < MIN_LEGS_SPAN_S:
        what = "nowhere" if not seen.any() else f"in only {int(seen.sum())} of {n} frames ({span:.2f} s)"
        raise NotEnoughRunningError(
            f"{named}both legs (hips, knees, ankles) are in view {what}; at least {MIN_LEGS_SPAN_S} s of running "
            "with the legs in the picture is needed to find a single footfall")
