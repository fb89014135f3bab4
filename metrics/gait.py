"""The gait of one clip: cleaned landmarks, contacts, strides and scale.

A :class:`Gait` is what every metric function reads.  Building it does the
work shared by all of them: cleaning, event detection, the ground line's
slant (for the capture check), and the pixel-to-metre scale.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from metrics.body_fit import fit_body
from metrics.clean import CleanTrack, clean, even_grid, resample
from metrics.events import (
    FOOT_POINTS,
    Contact,
    EventParams,
    detect_contacts,
    foot_velocity,
    ground_velocity,
)
from metrics.events_frontal import detect_contacts_frontal
from metrics.geometry import midpoint
from metrics.periodicity import step_period
from metrics.strides import StrideTiming, strides_from_contacts
from metrics.view import View, detect_setting, detect_view
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
from vision.npz import read_npz, write_npz

OTHER = {"left": "right", "right": "left"}
GAIT_FILE_VERSION = 1

# Segment lengths as fractions of standing height (Winter, Biomechanics and Motor Control of Human
# Movement, 4th ed., 2009, fig. 4.1): greater trochanter to knee, knee to lateral malleolus, shoulder
# to greater trochanter.  Together 0.779 of the height; the rest (ankle height, neck and head) is not
# seen as a segment.  Population means: a person's own proportions differ by a few per cent.
THIGH_PER_HEIGHT, SHANK_PER_HEIGHT, TORSO_PER_HEIGHT = 0.245, 0.246, 0.288
SEGMENT_QUANTILE = 0.9  # a segment's length: its longest projections, the pose model's shortened frames left out


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
    """The gait of one clip: what every measure, table, plot and annotator reads.

    Built once by :func:`build_gait` (cleaning, events, view, scale, angles)
    and saved beside ``analysis.json`` as ``gait.npz`` (:meth:`save`,
    :meth:`load`), so nothing downstream cleans or detects again.

    Samples lie on an even time grid ``time_s``: a variable-frame-rate clip
    is resampled onto one (``frame_time_s`` keeps the clip's own frame times,
    equal to ``time_s`` otherwise).  Contact frames index the grid; times are
    seconds of real (capture) time either way.

    Attributes:
        xy: [n, 33, 2] cleaned landmark positions (image pixels; NaN where unseen).
        time_s: [n] the even time grid.
        visibility: [n, 33] the model's visibility on the grid.
        view: how the runner is seen: kind, running direction, near side.
        contacts: ground contacts in time order, each with its ``source``.
        strides: contacts paired into strides.
        scale: pixels to metres and the leg length.
        setting: "treadmill" | "overground".
        ground_tilt_deg: slant of the ground line (reported, not undone).
        cleaned: what cleaning did (raw positions, swaps, fills, rejections).
        frame_size: (width, height) of the clip's frames.
        angles: per-frame joint angles ``{angle: {side: [n] deg}}`` (:mod:`metrics.joint_angles`).
        frame_time_s: [m] real times of the clip's decoded frames.
        step_period_s: the clip's step period from the legs' periodic motion (:mod:`metrics.periodicity`),
            in clip time; None when the motion shows none.
    """

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
    angles: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    frame_time_s: np.ndarray | None = None
    step_period_s: float | None = None
    camera_roll_deg: float = 0.0  # taken out of angles to the vertical (vision/roll.py), when measured confidently
    camera_roll_source: str | None = None
    camera_roll_uncertainty_deg: float = 0.0  # 95 %

    def __post_init__(self):
        if self.frame_time_s is None:
            self.frame_time_s = self.time_s

    @property
    def fps(self) -> float:
        return float((len(self.time_s) - 1) / (self.time_s[-1] - self.time_s[0]))

    @property
    def vertical_doubt_deg(self) -> float:
        """How far the camera may put angles to the vertical off: the measured roll's 95 % uncertainty when the
        picture's verticals gave it, else the ground line's slope (a crooked camera and a belt seen at an angle
        slope it alike)."""
        return self.camera_roll_uncertainty_deg if self.camera_roll_source else abs(self.ground_tilt_deg)

    @property
    def forward(self) -> int:
        return self.view.forward

    @property
    def direction(self) -> str | None:
        """Side view: where the runner runs in the image ("left" | "right")."""
        return self.view.direction

    @property
    def near_side(self) -> str | None:
        """Side view: the leg nearer the camera."""
        return self.view.near_side

    @property
    def resampled(self) -> bool:
        """True when the clip's frames were not evenly spaced and the grid differs from them."""
        return self.frame_time_s is not self.time_s and not np.array_equal(self.frame_time_s, self.time_s)

    def frame_at(self, t: float) -> int:
        """The grid sample nearest to time ``t``."""
        return int(np.clip(np.searchsorted(self.time_s, t), 0, len(self.time_s) - 1))

    def clip_frame(self, index: int, t: float, first_after: bool) -> int:
        """The clip's own frame of an event at grid sample ``index`` and time ``t``: ``index`` itself
        unless resampled, else the first frame at or after ``t`` (``first_after``, an initial
        contact: the first frame in contact) or the last one at or before it (a toe-off)."""
        if not self.resampled:
            return int(index)
        if first_after:
            return int(min(np.searchsorted(self.frame_time_s, t - 1e-9), len(self.frame_time_s) - 1))
        return int(max(np.searchsorted(self.frame_time_s, t + 1e-9) - 1, 0))

    def on_frames(self, values: np.ndarray) -> np.ndarray:
        """Grid samples ``values`` [n, ...] at the clip's own frame times (as is unless resampled)."""
        return values if not self.resampled else resample(values, self.time_s, self.frame_time_s)

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

    def stance_intervals(self) -> dict[str, list[tuple[float, float]]]:
        """Each foot's ground contacts seen whole as ``(initial_contact_s, toe_off_s)``, in time order."""
        out: dict[str, list[tuple[float, float]]] = {"left": [], "right": []}
        for c in self.contacts:
            if c.complete:
                out[c.foot].append((c.initial_contact_s, c.toe_off_s))
        return out

    def save(self, path: str | Path) -> Path:
        """Write to ``path`` (``.npz``; written whole, then renamed).

        Arrays are stored as arrays, everything else as JSON; a field added
        to :class:`Gait` with a plain value (number, text, dict) is kept
        without a change here.  Strides are rebuilt from the contacts."""
        arrays = {"raw_xy": self.cleaned.raw_xy, "swapped": self.cleaned.swapped, "filled": self.cleaned.filled,
                  "rejected": self.cleaned.rejected, "cleaned_xy": self.cleaned.xy,  # xy is the fitted body's
                  **{f"angle/{name}/{side}": v for name, sides in self.angles.items() for side, v in sides.items()}}
        meta = {"version": GAIT_FILE_VERSION, "cutoff_hz": self.cleaned.cutoff_hz,
                "max_gap_s": self.cleaned.max_gap_s, "view": self.view.to_dict(),
                "scale": asdict(self.scale), "contacts": [asdict(c) for c in self.contacts]}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _STORED_APART:
                continue
            if isinstance(value, np.ndarray):
                arrays[f.name] = value
            else:
                meta[f.name] = value
        return write_npz(path, meta, arrays)

    @classmethod
    def load(cls, path: str | Path) -> Gait:
        """Read what :meth:`save` wrote."""
        meta, a = read_npz(path)
        angles: dict[str, dict[str, np.ndarray]] = {}
        for key in [k for k in a if k.startswith("angle/")]:
            _, name, side = key.split("/")
            angles.setdefault(name, {})[side] = a.pop(key)
        contacts = [Contact(**c) for c in meta["contacts"]]
        plain = {f.name: a[f.name] if f.name in a else meta[f.name] for f in fields(cls)
                 if f.name not in _STORED_APART and (f.name in a or f.name in meta)}
        plain["frame_size"] = tuple(plain["frame_size"])
        if np.array_equal(plain["frame_time_s"], plain["time_s"]):
            plain["frame_time_s"] = plain["time_s"]
        cleaned = CleanTrack(a.get("cleaned_xy", plain["xy"]), a["raw_xy"], a["swapped"], a["filled"], a["rejected"],
                             meta["cutoff_hz"], meta.get("max_gap_s", CleanTrack.max_gap_s))
        strides = strides_from_contacts(contacts, plain.get("step_period_s"))
        return cls(**plain, view=View(**meta["view"]), contacts=contacts, strides=strides,
                   scale=Scale(**meta["scale"]), cleaned=cleaned, angles=angles)


_STORED_APART = {"view", "scale", "contacts", "strides", "cleaned", "angles"}


def ground_line_tilt(xy: np.ndarray, contacts: list[Contact]) -> float:
    """Slant (deg, clockwise positive) of the line through stance-foot positions.

    Each foot gets its own offset (the far foot lands higher in the image) but
    the slope is shared.  Returns 0 when the feet were not seen moving along the ground.
    """
    xs, ys, groups = [], [], []
    for c in contacts:
        heel, toe = FOOT_POINTS[c.foot]
        frames = np.arange(c.initial_contact_frame, c.toe_off_frame + 1)
        frames = frames[np.isfinite(xy[frames][:, [heel, toe]]).all(axis=2).any(axis=1)]  # the foot unseen: no point
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


def segment_lengths_px(xy: np.ndarray) -> dict[str, float]:
    """Thigh, shank and torso lengths (px) of one clip, NaN where never seen.

    Each segment is measured on its own (hip-knee, knee-ankle), so a bent knee cannot shorten the leg,
    and averaged over the two sides: in a side view the near leg looks a few per cent longer than the
    far one by perspective, and their mean is the length in the body's mid-plane, where the scale
    applies.  A segment's length is its 90th percentile over frames (:data:`SEGMENT_QUANTILE`): in a
    rear view the thigh and shank shorten as they swing, and the pose model's landmarks shorten them
    in some phases.  On the synthetic runners' exact landmarks the leg comes out within -2.8 to +0.7 %
    of the true thigh + shank (the hip-to-ankle distance read 0.8-6.4 % short).

    >>> xy = np.full((3, 33, 2), np.nan)
    >>> xy[:, LEFT_HIP], xy[:, LEFT_KNEE], xy[:, LEFT_ANKLE] = (0, 0), (30, 40), (0, 80)  # a bent knee
    >>> {k: float(v) for k, v in segment_lengths_px(xy).items() if np.isfinite(v)}
    {'thigh': 50.0, 'shank': 50.0}
    """
    def seg(a: int, b: int) -> float:
        d = np.linalg.norm(xy[:, a] - xy[:, b], axis=-1)
        return float(np.nanquantile(d, SEGMENT_QUANTILE)) if np.isfinite(d).any() else float("nan")

    def mean_of_sides(pairs) -> float:
        found = [v for v in (seg(a, b) for a, b in pairs) if np.isfinite(v)]
        return float(np.mean(found)) if found else float("nan")

    trunk = np.linalg.norm(midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER) - midpoint(xy, LEFT_HIP, RIGHT_HIP), axis=-1)
    return {"thigh": mean_of_sides(((LEFT_HIP, LEFT_KNEE), (RIGHT_HIP, RIGHT_KNEE))),
            "shank": mean_of_sides(((LEFT_KNEE, LEFT_ANKLE), (RIGHT_KNEE, RIGHT_ANKLE))),
            "torso": float(np.nanquantile(trunk, SEGMENT_QUANTILE)) if np.isfinite(trunk).any() else float("nan")}


def leg_length_px(xy: np.ndarray) -> float:
    """Leg length (px): thigh + shank, hip to ankle joint centre with the knee straight.

    The definition of the synthetic truth's "% leg" measures, and of Winter's segments (greater
    trochanter to lateral malleolus, :data:`metrics.reference.LEG_LENGTH_SOURCE`).
    """
    s = segment_lengths_px(xy)
    return s["thigh"] + s["shank"]


def height_px(xy: np.ndarray) -> float:
    """Standing height (px) from the segments seen: their summed length over the summed share of the
    height Winter's proportions give them (legs and torso: 0.779).

    A sum, not a median of per-segment estimates: the thigh and shank of one person are long or short
    together, so a median of three let the legs decide alone; in the sum a leg 6 % longer than the
    average moves the height by 4 %, not 6 %.  NaN when no segment was seen.
    """
    s = segment_lengths_px(xy)
    share = {"thigh": THIGH_PER_HEIGHT, "shank": SHANK_PER_HEIGHT, "torso": TORSO_PER_HEIGHT}
    seen = [k for k, v in s.items() if np.isfinite(v)]  # e.g. no shoulder ever seen: the legs decide
    return sum(s[k] for k in seen) / sum(share[k] for k in seen) if seen else float("nan")


def landings_seen(contacts: list[Contact], seen_s: tuple[float, float], margin_s: float) -> list[Contact]:
    """``contacts`` without those already under way when the feet came into view, and with those still under
    way when the feet left it marked incomplete.

    A foot's speed within ``margin_s`` (half the speed's window) of the first or last frame it was seen in is an
    edge estimate: a foot found planted there may have landed long before, so its "initial contact" would be
    a mid-stance frame with a mid-stance foot angle (the synthetic sample's first contact read -15 deg
    against +26 deg for the rest), and a toe-off there may come later.

    >>> c = [Contact("right", 0.017, 0.17, 1, 10, True), Contact("left", 0.32, 0.53, 20, 32, True)]
    >>> [(x.initial_contact_frame, x.complete) for x in landings_seen(c, (0.0, 0.6), 0.05)]
    [(20, True)]
    >>> [x.complete for x in landings_seen(c, (0.0, 0.55), 0.05)]  # the feet left the view in its push-off
    [False]
    """
    first, last = seen_s
    return [c if c.toe_off_s < last - margin_s else replace(c, complete=False)
            for c in contacts if c.initial_contact_s > first + margin_s]


def build_gait(image_xy: np.ndarray, time_s: np.ndarray, visibility: np.ndarray,
               frame_size: tuple[int, int], view: str | None = "auto",
               treadmill_speed_kmh: float | None = None, height_cm: float | None = None,
               params: EventParams = EventParams(), contacts: list[Contact] | None = None,
               background_px_s: float | None = None, camera_roll: dict | None = None,
               slow_motion: float = 1.0) -> Gait:
    """Resample onto an even grid if needed, detect the view, clean once, find (or take) the
    contacts, level the ground, fix the scale and compute the per-frame angles.

    ``contacts`` given (frames of the clip, e.g. events a person corrected)
    replace detection; on a resampled clip their frames move to the grid by time.
    ``background_px_s`` (the background's image speed, :mod:`vision.camera`) tells a camera
    following an overground runner from a treadmill.  ``camera_roll`` (:class:`vision.roll.Roll` as a dict)
    is taken out of angles to the vertical when it is confident.  ``slow_motion`` (capture rate over stored
    rate) has the positions cleaned in the stored video's time (:func:`metrics.clean.clean`).
    """
    frame_time_s = np.asarray(time_s, float)
    grid = even_grid(frame_time_s)
    if grid is not frame_time_s:
        image_xy = resample(image_xy, frame_time_s, grid)
        visibility = np.nan_to_num(resample(visibility, frame_time_s, grid))  # a gap is unseen
    time_s = grid
    # The view is judged on the raw positions: medians of body widths and toe
    # directions, which neither swaps of knees/feet nor filtering change
    # (same view, direction and near side as on cleaned positions on all 17 clips tried).
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    the_view = detect_view(np.asarray(image_xy, float), visibility, view, fps)
    cleaned = clean(image_xy, time_s, view=the_view.kind, slow_motion=slow_motion)
    xy = cleaned.xy
    found = step_period(xy, time_s)
    period = found.period_s if found.found else None
    params = params.for_step(period)  # the detector's durations in this clip's own time
    velocity = foot_velocity(xy, fps, params.velocity_window_s)
    if contacts is not None and grid is not frame_time_s:
        contacts = [replace(c, initial_contact_frame=int(np.searchsorted(grid, c.initial_contact_s - 1e-9)),
                            toe_off_frame=int(np.searchsorted(grid, c.toe_off_s + 1e-9)) - 1) for c in contacts]
    if contacts is None:
        contacts = detect_contacts(xy, time_s, params, velocity, period) if the_view.kind == "side" else \
            detect_contacts_frontal(xy, time_s, step_period_s=period)
        feet = np.isfinite(np.asarray(image_xy, float)[:, [j for f in FOOT_POINTS for j in FOOT_POINTS[f]]])
        seen = time_s[feet.all(axis=(1, 2))]
        if len(seen):
            contacts = landings_seen(contacts, (seen[0], seen[-1]), params.velocity_window_s / 2)
    # The ground line's slant is reported, not undone: a camera looking at the
    # belt at an angle slants it by perspective while verticals stay vertical,
    # so rotating the picture would bias every angle measured from vertical.
    tilt = ground_line_tilt(xy, contacts) if the_view.kind == "side" else 0.0
    belt = np.nanmean([np.linalg.norm(ground_velocity(xy, fps, f, velocity=velocity)) for f in ("left", "right")])
    leg = leg_length_px(xy)
    setting = detect_setting(xy, fps, belt, leg, treadmill_speed_kmh, background_px_s=background_px_s)
    scale = Scale(leg, height_cm=height_cm, treadmill_speed_kmh=treadmill_speed_kmh,
                  belt_px_per_s=float(belt) if setting == "treadmill" else None)
    # The runner's height scales better than the belt: the pose model's feet lag the belt in
    # stance, so their speed read 20-36 % low on synthetic runners (benchmarks/validate_synth.py),
    # while segment lengths from the height were within 5 %.
    standing_px = height_px(xy) if height_cm else float("nan")
    if standing_px > 0:
        scale.px_per_m, scale.source = standing_px / (height_cm / 100), "runner height"
    elif treadmill_speed_kmh and setting == "treadmill" and the_view.kind == "side":
        scale.px_per_m, scale.source = float(belt / scale.belt_speed_m_s), "treadmill belt"
    notes = {}
    if the_view.kind == "side":  # constant segment lengths, one bad frame outvoted (metrics/body_fit.py)
        fit = fit_body(xy, visibility, time_s)
        xy, notes["body_fit"] = fit.xy, {"segments_px": {f: list(v) for f, v in fit.segments_px.items()},
                                         "agreement": fit.agreement}
    from metrics.joint_angles import view_angles  # here: the angle modules import this one

    trusted = camera_roll if camera_roll and camera_roll.get("confident") else None
    roll = float(trusted["deg"]) if trusted else 0.0
    return Gait(xy, time_s, visibility, the_view, contacts, strides_from_contacts(contacts, period), scale,
                setting, tilt, cleaned, tuple(frame_size), notes=notes,
                angles=view_angles(xy, the_view.kind, the_view.forward, roll), frame_time_s=frame_time_s,
                step_period_s=period, camera_roll_deg=roll, camera_roll_source=trusted and trusted.get("source"),
                camera_roll_uncertainty_deg=1.96 * float(trusted["standard_error_deg"]) if trusted else 0.0)


def with_contacts(g: Gait, contacts: list[Contact]) -> Gait:
    """``g`` on other contacts (e.g. a person's, frames of the clip): its cleaning, view, scale and
    angles kept, so no work per frame.  On a resampled clip the frames move to the grid by time."""
    if g.resampled:
        contacts = [replace(c, initial_contact_frame=int(np.searchsorted(g.time_s, c.initial_contact_s - 1e-9)),
                            toe_off_frame=int(np.searchsorted(g.time_s, c.toe_off_s + 1e-9)) - 1) for c in contacts]
    tilt = ground_line_tilt(g.xy, contacts) if g.view.kind == "side" else 0.0
    return on_given_contacts(replace(g, contacts=contacts, ground_tilt_deg=tilt))


def on_given_contacts(g: Gait) -> Gait:
    """A person's contacts set the rhythm: steps pair by their own intervals and cadence comes from
    their steps, not from the track's periodicity estimate (which they were given to overrule)."""
    return replace(g, step_period_s=None, strides=strides_from_contacts(g.contacts))
