"""The gait of one clip: cleaned landmarks, contacts, strides and scale.

A :class:`Gait` is what every metric function reads.  Building it does the
work shared by all of them: cleaning, event detection, the ground line's
slant (for the capture check), and the pixel-to-metre scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from metrics.clean import CleanTrack, clean
from metrics.events import (
    FOOT_POINTS,
    Contact,
    EventParams,
    detect_contacts,
    detect_contacts_frontal,
    ground_velocity,
)
from metrics.geometry import midpoint
from metrics.view import View, detect_view
from vision.landmarks import (
    LEFT_ANKLE,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    RIGHT_ANKLE,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
)

OTHER = {"left": "right", "right": "left"}

# Segment lengths as fractions of standing height (Winter, Biomechanics and
# Motor Control of Human Movement, 4th ed., 2009, fig. 4.1).
THIGH_PER_HEIGHT, SHANK_PER_HEIGHT, TORSO_PER_HEIGHT = 0.245, 0.246, 0.288


@dataclass
class StrideTiming:
    """One stride of one foot: its contact, the next contact of the other foot, and its own next one."""

    index: int
    foot: str
    contact: Contact
    opposite: Contact | None  # next contact of the other foot (ends the step)
    next: Contact | None  # next contact of the same foot (ends the stride)

    @property
    def start_s(self) -> float:
        return self.contact.initial_contact_s

    @property
    def end_s(self) -> float | None:
        return self.next.initial_contact_s if self.next else None

    @property
    def stride_time_s(self) -> float | None:
        return self.end_s - self.start_s if self.next else None

    @property
    def step_time_s(self) -> float | None:
        return self.opposite.initial_contact_s - self.start_s if self.opposite else None

    @property
    def contact_time_s(self) -> float | None:
        return self.contact.toe_off_s - self.start_s if self.contact.complete else None


@dataclass
class Scale:
    """How pixels turn into metres, and the leg length used when they cannot."""

    leg_length_px: float
    px_per_m: float | None = None
    source: str | None = None  # "treadmill belt" | "runner height"
    height_cm: float | None = None
    treadmill_speed_kmh: float | None = None
    belt_px_per_s: float | None = None

    @property
    def belt_speed_m_s(self) -> float | None:
        return self.treadmill_speed_kmh / 3.6 if self.treadmill_speed_kmh else None

    def to_dict(self) -> dict:
        return {"height_cm": self.height_cm, "treadmill_speed_kmh": self.treadmill_speed_kmh,
                "px_per_m": self.px_per_m, "source": self.source, "leg_length_px": self.leg_length_px}


@dataclass
class Gait:
    """Everything the metrics read. ``xy`` is the cleaned landmark positions (image pixels)."""

    xy: np.ndarray
    time_s: np.ndarray
    visibility: np.ndarray
    view: View
    contacts: list[Contact]
    strides: list[StrideTiming]
    scale: Scale
    setting: str  # "treadmill" | "overground"
    ground_tilt_deg: float
    cleaned: CleanTrack
    frame_size: tuple[int, int] = (0, 0)
    notes: dict = field(default_factory=dict)

    @property
    def fps(self) -> float:
        return float((len(self.time_s) - 1) / (self.time_s[-1] - self.time_s[0]))

    @property
    def forward(self) -> int:
        return self.view.forward

    def frame_at(self, t: float) -> int:
        """The frame nearest to time ``t``."""
        return int(np.clip(np.searchsorted(self.time_s, t), 0, len(self.time_s) - 1))

    def at(self, t: float) -> np.ndarray:
        """[33, 2] positions at time ``t``, linearly interpolated between frames."""
        i = int(np.clip(np.searchsorted(self.time_s, t) - 1, 0, len(self.time_s) - 2))
        f = float(np.clip((t - self.time_s[i]) / (self.time_s[i + 1] - self.time_s[i]), 0, 1))
        return (1 - f) * self.xy[i] + f * self.xy[i + 1]

    def window(self, t0: float, t1: float) -> np.ndarray:
        """Frame indices with ``t0 <= time <= t1``."""
        return np.flatnonzero((self.time_s >= t0 - 1e-9) & (self.time_s <= t1 + 1e-9))

    def to_length(self, px: float | None) -> tuple[float | None, float | None]:
        """A pixel distance as (cm or None, % leg length)."""
        if px is None or not np.isfinite(px):
            return None, None
        cm = 100 * px / self.scale.px_per_m if self.scale.px_per_m else None
        return cm, 100 * px / self.scale.leg_length_px


def strides_from_contacts(contacts: list[Contact]) -> list[StrideTiming]:
    """A stride for every contact whose initial contact was seen (not cut by the clip's start)."""
    strides = []
    for c in contacts:
        if c.initial_contact_frame == 0:
            continue
        later = [d for d in contacts if d.initial_contact_s > c.initial_contact_s]
        same = next((d for d in later if d.foot == c.foot), None)
        other = next((d for d in later if d.foot != c.foot), None)
        strides.append(StrideTiming(len(strides), c.foot, c, other, same))
    return strides


def ground_line_tilt(xy: np.ndarray, contacts: list[Contact]) -> float:
    """Slant (deg, clockwise positive) of the line through stance-foot positions.

    Each foot gets its own offset (the far foot lands higher in the image) but
    the slope is shared.  Returns 0 when the feet were not seen moving along the ground.
    """
    xs, ys, groups = [], [], []
    for c in contacts:
        heel, toe = FOOT_POINTS[c.foot]
        frames = np.arange(c.initial_contact_frame, c.toe_off_frame + 1)
        low = np.nanmax(xy[frames][:, [heel, toe], 1], axis=1)
        x = np.nanmean(xy[frames][:, [heel, toe], 0], axis=1)
        ok = np.isfinite(low) & np.isfinite(x)
        xs += list(x[ok])
        ys += list(low[ok])
        groups += [c.foot == "left"] * int(ok.sum())
    if len(xs) < 6 or np.ptp(xs) < 1:
        return 0.0
    g = np.array(groups, float)
    design = np.column_stack([xs, g, 1 - g])
    (slope, _, _), *_ = np.linalg.lstsq(design, np.array(ys), rcond=None)
    return float(np.degrees(np.arctan(slope)))


def leg_length_px(xy: np.ndarray) -> float:
    """Hip-to-ankle length of the straighter leg: 90th percentile over frames, larger side."""
    lengths = [np.nanquantile(np.linalg.norm(xy[:, h] - xy[:, a], axis=-1), 0.9)
               for h, a in ((LEFT_HIP, LEFT_ANKLE), (RIGHT_HIP, RIGHT_ANKLE))]
    return float(np.nanmax(lengths))


def height_px(xy: np.ndarray) -> float:
    """Standing height in pixels estimated from thigh, shank and torso lengths (median of three)."""
    def seg(a, b):
        return np.nanquantile(np.linalg.norm(xy[:, a] - xy[:, b], axis=-1), 0.9)
    thigh = max(seg(LEFT_HIP, LEFT_KNEE), seg(RIGHT_HIP, RIGHT_KNEE))
    shank = max(seg(LEFT_KNEE, LEFT_ANKLE), seg(RIGHT_KNEE, RIGHT_ANKLE))
    torso = np.nanquantile(np.linalg.norm(midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER)
                                          - midpoint(xy, LEFT_HIP, RIGHT_HIP), axis=-1), 0.9)
    return float(np.median([thigh / THIGH_PER_HEIGHT, shank / SHANK_PER_HEIGHT, torso / TORSO_PER_HEIGHT]))


def build_gait(image_xy: np.ndarray, time_s: np.ndarray, visibility: np.ndarray,
               frame_size: tuple[int, int], view: str | None = "auto",
               treadmill_speed_kmh: float | None = None, height_cm: float | None = None,
               params: EventParams = EventParams()) -> Gait:
    """Clean, detect view and events, level the ground and fix the scale."""
    time_s = np.asarray(time_s, float)
    cleaned = clean(image_xy, time_s)
    the_view = detect_view(cleaned.xy, visibility, view)
    if the_view.kind == "side":
        cleaned = clean(image_xy, time_s, side_view=True)
        contacts = detect_contacts(cleaned.xy, time_s, params)
    else:
        contacts = detect_contacts_frontal(cleaned.xy, time_s)
    # The ground line's slant is reported, not undone: a camera looking at the
    # belt at an angle slants it by perspective while verticals stay vertical,
    # so rotating the picture would bias every angle measured from vertical.
    tilt = ground_line_tilt(cleaned.xy, contacts) if the_view.kind == "side" else 0.0
    xy = cleaned.xy
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    belt = np.nanmean([np.linalg.norm(ground_velocity(xy, fps, f)) for f in ("left", "right")])
    hip_speed = abs(np.nanmedian(np.gradient(midpoint(xy, LEFT_HIP, RIGHT_HIP)[:, 0]) * fps))
    setting = "treadmill" if treadmill_speed_kmh or belt > 2 * hip_speed else "overground"
    scale = Scale(leg_length_px(xy), height_cm=height_cm, treadmill_speed_kmh=treadmill_speed_kmh,
                  belt_px_per_s=float(belt) if setting == "treadmill" else None)
    if treadmill_speed_kmh and setting == "treadmill" and the_view.kind == "side":
        scale.px_per_m, scale.source = float(belt / scale.belt_speed_m_s), "treadmill belt"
    elif height_cm:
        scale.px_per_m, scale.source = height_px(xy) / (height_cm / 100), "runner height"
    return Gait(xy, time_s, visibility, the_view, contacts, strides_from_contacts(contacts), scale,
                setting, tilt, cleaned, tuple(frame_size))
