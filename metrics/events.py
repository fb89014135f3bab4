"""Gait events: initial contact and toe-off of each foot.

A foot is on the ground when it moves with the ground.  On a treadmill the
belt carries the stance foot backwards at belt speed; overground (static
camera) the stance foot stands still.  Either way the ground's own image
velocity is measured from the data (the typical velocity of a foot while it
is low), and a foot is in contact while its heel or toe moves at nearly that
velocity and is in the low part of its path.  Initial contact is the first
such instant, toe-off the last, both timed to a fraction of a frame by
interpolating the speed's crossing of the threshold.

Velocity rather than height is used because with a low camera the foot's
height above the belt spans only a few pixels, while its speed changes
abruptly at contact whatever the camera height.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import savgol_filter

from metrics.clean import _runs
from vision.landmarks import LEFT_FOOT_INDEX, LEFT_HEEL, RIGHT_FOOT_INDEX, RIGHT_HEEL

FOOT_POINTS = {"left": (LEFT_HEEL, LEFT_FOOT_INDEX), "right": (RIGHT_HEEL, RIGHT_FOOT_INDEX)}


@dataclass
class Contact:
    """One ground contact of one foot; times in seconds (sub-frame), frames inclusive.

    ``initial_contact_frame`` is the first frame judged in contact and
    ``toe_off_frame`` the last, matching how contacts are labelled by eye.
    """

    foot: str
    initial_contact_s: float
    toe_off_s: float
    initial_contact_frame: int
    toe_off_frame: int
    complete: bool  # False when the clip starts or ends inside this contact


@dataclass
class EventParams:
    """Tunable constants of the detector (speeds in torso lengths per second)."""

    # Contact thresholds as fractions of the foot's swing speed.  Landing is
    # abrupt, push-off gradual (the toe pivots on the ground while the heel
    # rises), so toe-off needs the stricter threshold.
    initial_contact_fraction: float = 0.2
    toe_off_fraction: float = 0.1
    low_fraction: float = 0.5  # foot must be in the lower part of its vertical range
    min_contact_s: float = 0.06
    merge_gap_s: float = 0.04
    velocity_window_s: float = 0.1


def ground_velocity(xy: np.ndarray, fps: float, foot: str, low_fraction: float = 0.3) -> np.ndarray:
    """Image velocity (px/s, x and y) of the ground under ``foot``: the median
    velocity of its heel and toe while they are in the lowest part of their path.

    On a treadmill this is the belt; overground with a static camera it is ~0.
    """
    vel = foot_velocity(xy, fps)
    speeds = []
    for j in FOOT_POINTS[foot]:
        y = xy[:, j, 1]
        low = y >= np.nanquantile(y, 1 - low_fraction)
        speeds.append(vel[low, j])
    return np.nanmedian(np.concatenate(speeds), axis=0)


def foot_velocity(xy: np.ndarray, fps: float, window_s: float = 0.1) -> np.ndarray:
    """[n, 33, 2] velocity in px/s: Savitzky-Golay derivative over ``window_s``."""
    win = max(5, int(round(window_s * fps)) | 1)
    if len(xy) <= win:
        return np.gradient(xy, axis=0) * fps
    return savgol_filter(xy, win, 2, deriv=1, axis=0, mode="interp") * fps


def contact_mask(xy: np.ndarray, fps: float, foot: str, params: EventParams = EventParams()
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: is ``foot`` on the ground, and its speed relative to the ground.

    Returns ``(in_contact [n] bool, relative_speed [n] as a fraction of swing speed)``.
    """
    vel = foot_velocity(xy, fps, params.velocity_window_s)
    ground = ground_velocity(xy, fps, foot)
    rel = []
    for j in FOOT_POINTS[foot]:
        speed = np.linalg.norm(vel[:, j] - ground, axis=1)
        y = xy[:, j, 1]
        lo, hi = np.nanquantile(y, [0.02, 0.98])
        low = y >= lo + (1 - params.low_fraction) * (hi - lo)
        rel.append(np.where(low, speed, np.inf))
    relative = np.fmin(*rel)
    swing_speed = np.nanquantile(np.where(np.isfinite(relative), relative, np.nan), 0.95)
    relative = relative / swing_speed if swing_speed > 0 else relative
    return relative < params.initial_contact_fraction, relative


def detect_contacts(xy: np.ndarray, time_s: np.ndarray, params: EventParams = EventParams()) -> list[Contact]:
    """All ground contacts of both feet, in time order."""
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    contacts = []
    for foot in ("left", "right"):
        on, relative = contact_mask(xy, fps, foot, params)
        on = _close_gaps(on, int(round(params.merge_gap_s * fps)))
        for start, stop in _runs(on):
            pushing = np.flatnonzero(relative[start:stop] < params.toe_off_fraction)
            last = start + int(pushing[-1]) if len(pushing) else stop - 1
            if time_s[last] - time_s[start] + 1 / fps < params.min_contact_s:
                continue
            ic = _crossing_time(time_s, relative, start - 1, start, params.initial_contact_fraction)
            to = _crossing_time(time_s, relative, last, last + 1, params.toe_off_fraction)
            complete = start > 0 and stop < len(on)
            contacts.append(Contact(foot, ic, to, start, last, complete))
    return sorted(contacts, key=lambda c: c.initial_contact_s)


def _close_gaps(mask: np.ndarray, max_len: int) -> np.ndarray:
    """Fill False runs of at most ``max_len`` frames lying between True runs."""
    mask = mask.copy()
    for start, stop in _runs(~mask):
        if 0 < start and stop < len(mask) and stop - start <= max_len:
            mask[start:stop] = True
    return mask


def _crossing_time(time_s: np.ndarray, value: np.ndarray, i: int, j: int, level: float) -> float:
    """Time at which ``value`` crosses ``level`` between frames i and j (linear);
    half-way when either side is unknown, the frame's time at the clip's ends."""
    if i < 0:
        return float(time_s[j])
    if j >= len(time_s):
        return float(time_s[i])
    a, b = value[i], value[j]
    if not (np.isfinite(a) and np.isfinite(b)) or a == b:
        return float((time_s[i] + time_s[j]) / 2)
    f = float(np.clip((level - a) / (b - a), 0.0, 1.0))
    return float(time_s[i] + f * (time_s[j] - time_s[i]))
