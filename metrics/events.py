"""Gait events: initial contact and toe-off of each foot.

A foot is on the ground when it moves with the ground.  On a treadmill the
belt carries the stance foot backwards at belt speed; overground (static
camera) the stance foot stands still.  Either way the ground's own image
velocity is measured from the data (the typical velocity of a foot while it
is low), and a foot is in contact while its heel or toe moves at nearly that
velocity and is in the low part of its path.  Initial contact is the first
such instant, timed to a fraction of a frame by interpolating the speed's
crossing of the threshold.  Toe-off is timed on the toe's own take-off
(:func:`take_off_time`): its rise in speed relative to the ground is followed
back from its top to where it began, in units of that rise, so a crisp
sprint take-off is not found early because the derivative window spreads it;
a contact standing out from its foot's median contact time has its take-off
looked for again where that median puts it (:func:`consistent_toe_offs`).

Velocity rather than height is used because with a low camera the foot's
height above the belt spans only a few pixels, while its speed changes
abruptly at contact whatever the camera height.

How early or late (``benchmarks/ic_timing.py``, signed, sub-frame, 2026-11-30): on the
labelled TUNING clips the initial contact lies within the labels' own uncertainty
(zzzhushi -19 ms = -0.6 frame, mhuang24 60 fps +1 / +16 ms).  On the synthetic runners it is
a median 25 ms early at 60 fps (-46 to +19 ms by run and foot), and as early on the renderer's
exact landmarks (-25 ms on after_side), so it comes from the runner, not the pose model: the
synthetic foot reaches the ground at a median 9 % (5-16 % by run) of its swing speed relative to
it, the labelled feet at 16 % (zzzhushi) and 27 % (mhuang24), and contact is read at 20 %.
(Which part of the synthetic landing does it is open: landing its heel at half the belt speed
instead of at belt speed moves the reading by 5 ms, doubling its downward speed at contact by 3 ms.)
A lower threshold fits the synthetic runner and loses mhuang24 (0.15: 78 % within 2 frames; 0.1: 44 %).

Toe-off, the same way (``benchmarks/ic_timing.py --event toe_off``, 2026-11-30): on the TUNING clips the
near foot reads +2 ms (zzzhushi) and +1 ms (mhuang24) from the labels' mid-points, the far foot +36 and +29 ms
(within the far foot's label uncertainty, -1/+2 frames).  On the renderer's exact landmarks it is 20-30 ms
early by run at 60 and 120 fps, 36-40 ms at 30 fps, where the derivative's 5-frame floor widens its window to
0.17 s: the synthetic toe's speed jumps at take-off, which a derivative window spreads backwards; a real toe
accelerates from rest.  Without the floor (a 3-frame derivative at 30 fps) the exact landmarks read alike at
every frame rate, but on zzzhushi both feet's toe-offs came 14-19 ms later, away from the labels, and pose
noise moved them further: a track made in two chunks put a toe-off 2 frames from the serial track's (1 at most
with the floor).  On the synthetic pose tracks a median -12 to -15 ms at 60 fps, about 0 at 120 fps: the
model's toe rises with the heel before the toe leaves (the far foot most, -38 to -53 ms on two looks), the near
toe can stall in the image in late stance while the belt carries the foot on, and the belt speed read from the
feet is 60-89 % of the true image speed.

From behind or in front the belt moves along the camera axis, so the frontal
detector (:mod:`metrics.events_frontal`) times contacts by the foot's vertical image motion instead.

Both views then apply the gait-cycle prior, in units of the clip's step
period (:mod:`metrics.periodicity`), so it holds from 25 to 240 fps and in
slow motion of unknown factor.  In a side view, a contact the pose model broke
in pieces by losing the planted shoe for a while is joined again first
(:func:`rejoined_contacts`): in 10x slow motion the model drew the shoe off the
foot for 16-50 frames (0.15-0.5 step) of most stances of the labelled lab clip,
which halved its contact time (frames 38-56 and 516-560 looked at).  Then the
candidate contacts are reduced to a
left/right alternation at plausible step times (which refuses contacts of a
foot the model has drawn on top of the other one), and where one contact is
missing between two of the other foot it is looked for near where the cycle
puts it, or else bridged there and marked ``interpolated``
(:func:`bridge_gaps`); a toe-off that makes a contact shorter than a quarter
step or longer than 1.6 steps is refused (:func:`plausible_toe_offs`).  What
counts as "low" for a foot is judged over four strides around each frame, not
the whole clip.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy.signal import savgol_filter

from metrics.clean import _close_runs, _runs
from vision.landmarks import LEFT_FOOT_INDEX, LEFT_HEEL, RIGHT_FOOT_INDEX, RIGHT_HEEL

FOOT_POINTS = {"left": (LEFT_HEEL, LEFT_FOOT_INDEX), "right": (RIGHT_HEEL, RIGHT_FOOT_INDEX)}
OTHER_FOOT = {"left": "right", "right": "left"}
# Two contacts of one foot this many steps apart (about a stride) enclose one missed contact of the other.
BRIDGE_RANGE = (1.6, 2.4)
# A contact lasts between these many steps (plausible_toe_offs).
CONTACT_STEPS = (0.25, 1.6)


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
    complete: bool  # False when the clip starts or ends inside this contact, or its toe-off does not fit the cycle
    source: str = "detected"  # "detected" | "interpolated" (a gap bridged by the gait-cycle prior) | "user"


@dataclass
class EventParams:
    """Tunable constants of the detector (speeds in torso lengths per second)."""

    # Contact thresholds as fractions of the foot's swing speed.  Landing is
    # abrupt, push-off gradual (the toe pivots on the ground while the heel
    # rises), so toe-off needs the stricter threshold.
    initial_contact_fraction: float = 0.2
    toe_off_fraction: float = 0.1
    # Toe-off is timed on the toe's own take-off (:func:`take_off_time`): its speed relative to
    # the ground is followed back from its highest within this many steps after the contact
    # to where it was still within ``toe_off_fraction`` of its rise above its late-stance speed.
    take_off_steps: float = 0.5
    # A contact this many steps longer or shorter than the clip's median has its toe-off looked
    # for again where that median puts it (:func:`consistent_toe_offs`).
    contact_spread_steps: float = 0.2
    low_fraction: float = 0.5  # foot must be in the lower part of its vertical range
    min_contact_s: float = 0.06
    # A shorter contact is kept only where the feet's alternation needs it
    # (the model garbled the stance): it counts this much of a contact.
    short_contact_weight: float = 0.4
    merge_gap_s: float = 0.04
    velocity_window_s: float = 0.1
    # The step the time constants above were set for; :meth:`for_step` scales
    # them to a clip's own step (slow motion, sprinting, walking).
    reference_step_s: float = 0.35
    # Where the gait cycle predicts a missed contact, a contact is looked for within this many
    # steps of the prediction, with the initial-contact threshold relaxed to this fraction.
    search_steps: float = 0.25
    search_fraction: float = 0.4
    # A foot's height range is judged over this many steps around each frame (four strides).
    range_steps: float = 8.0
    # Whether :meth:`for_step` has set ``reference_step_s`` to the clip's own step.
    step_known: bool = False

    def range_window(self, fps: float) -> int | None:
        """Frames over which a foot's height range is judged (whole clip when the step is unknown)."""
        return int(round(self.range_steps * self.reference_step_s * fps)) if self.step_known else None

    def for_step(self, step_period_s: float | None) -> EventParams:
        """These constants with every duration scaled from ``reference_step_s`` to ``step_period_s``."""
        if not _known(step_period_s):
            return self
        k = step_period_s / self.reference_step_s
        return replace(self, min_contact_s=k * self.min_contact_s, merge_gap_s=k * self.merge_gap_s,
                       velocity_window_s=k * self.velocity_window_s, reference_step_s=step_period_s,
                       step_known=True)


def ground_velocity(xy: np.ndarray, fps: float, foot: str, low_fraction: float = 0.3,
                    velocity: np.ndarray | None = None, window: int | None = None) -> np.ndarray:
    """Image velocity (px/s, x and y) of the ground under ``foot``: the median
    velocity of its heel and toe while they are in the lowest part of their path.

    On a treadmill this is the belt; overground with a static camera it is ~0.
    ``velocity`` is :func:`foot_velocity` of ``xy`` if already computed;
    ``window`` (frames) judges "lowest" locally (:func:`local_quantiles`).
    """
    vel = foot_velocity(xy, fps) if velocity is None else velocity
    speeds = []
    for j in FOOT_POINTS[foot]:
        y = xy[:, j, 1]
        low = y >= local_quantiles(y, window, (1 - low_fraction,))[0]
        speeds.append(vel[low, j])
    return np.nanmedian(np.concatenate(speeds), axis=0)


def local_quantiles(y: np.ndarray, window: int | None, quantiles: tuple[float, ...] = (0.02, 0.98)
                    ) -> np.ndarray:
    """``[len(quantiles), n]``: quantiles of ``y`` over the ``window`` frames around each frame
    (centred on it, or moved inside the clip near its ends; the whole clip when ``window`` is None
    or longer than the clip).

    A foot's height range is judged over a few strides, not the whole clip:
    a runner crossing the frame, a camera tilting, or a stretch where the
    model follows someone else would otherwise decide what counts as low.
    """
    n = len(y)
    if not np.isfinite(y).any():
        return np.full((len(quantiles), n), np.nan)
    if window is None or window >= n:
        return np.repeat(np.nanquantile(y, quantiles)[:, None], n, axis=1)
    # Near the clip's ends the window keeps its length, moved inside the clip: as much to judge by there.
    first = np.clip(np.arange(n) - window // 2, 0, n - window)
    frames = np.lib.stride_tricks.sliding_window_view(y, window)[first]
    if np.isfinite(frames).all():  # the usual case (cleaned tracks): nanquantile works row by row, 10x slower
        return np.quantile(frames, quantiles, axis=1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing window gives NaN: not low
        return np.nanquantile(frames, quantiles, axis=1)


def foot_velocity(xy: np.ndarray, fps: float, window_s: float = 0.1) -> np.ndarray:
    """[n, 33, 2] velocity in px/s: Savitzky-Golay derivative over ``window_s``.

    Where a landmark is missing (the runner out of frame longer than cleaning
    bridges) its velocity is missing too; the filter runs over the gaps
    filled linearly so that they cannot spread into the frames around them.
    """
    missing = ~np.isfinite(xy)
    filled = _fill_linear(xy) if missing.any() else xy
    win = max(5, int(round(window_s * fps)) | 1)
    if len(xy) <= win:
        vel = np.gradient(filled, axis=0) * fps if len(xy) > 1 else np.zeros_like(filled)
    else:
        vel = savgol_filter(filled, win, 2, deriv=1, axis=0, mode="interp") * fps
    vel[missing] = np.nan
    return vel


def _fill_linear(x: np.ndarray) -> np.ndarray:
    """``x`` with missing samples interpolated linearly along axis 0 (held at the ends; 0 if all missing)."""
    flat = x.reshape(len(x), -1).copy()
    frames = np.arange(len(x))
    for k in range(flat.shape[1]):
        ok = np.isfinite(flat[:, k])
        flat[:, k] = np.interp(frames, frames[ok], flat[ok, k]) if ok.any() else 0.0
    return flat.reshape(x.shape)


def contact_mask(xy: np.ndarray, fps: float, foot: str, params: EventParams = EventParams(),
                 velocity: np.ndarray | None = None, ground: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: is ``foot`` on the ground, and its speed relative to the ground.

    Returns ``(in_contact [n] bool, relative_speed [n] as a fraction of swing speed)``.
    ``velocity`` is :func:`foot_velocity` of ``xy`` and ``ground`` the foot's
    :func:`ground_velocity` if already computed.
    """
    vel = foot_velocity(xy, fps, params.velocity_window_s) if velocity is None else velocity
    window = params.range_window(fps)
    ground = ground_velocity(xy, fps, foot, velocity=vel, window=window) if ground is None else ground
    rel = []
    for j in FOOT_POINTS[foot]:
        speed = np.linalg.norm(vel[:, j] - ground, axis=1)
        y = xy[:, j, 1]
        lo, hi = local_quantiles(y, window)
        low = y >= lo + (1 - params.low_fraction) * (hi - lo)
        rel.append(np.where(low, speed, np.inf))
    relative = np.fmin(*rel)
    swing_speed = np.nanquantile(np.where(np.isfinite(relative), relative, np.nan), 0.95)
    relative = relative / swing_speed if swing_speed > 0 else relative
    return relative < params.initial_contact_fraction, relative


def detect_contacts(xy: np.ndarray, time_s: np.ndarray, params: EventParams = EventParams(),
                    velocity: np.ndarray | None = None, step_period_s: float | None = None) -> list[Contact]:
    """All ground contacts of both feet, in time order, reduced to those that
    alternate left/right at plausible step times (:func:`alternating_landings`):
    a hidden foot the model draws on the stance foot looks planted too.

    ``step_period_s`` (from :mod:`metrics.periodicity`) sets the step the
    alternation expects and stretches the detector's time constants with it
    (:meth:`EventParams.for_step`), so slow motion of unknown factor is read
    in its own time.  A given ``velocity`` must use the stretched window.
    """
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    params = params.for_step(step_period_s)
    if velocity is None:
        velocity = foot_velocity(xy, fps, params.velocity_window_s)  # once for both feet
    ground = {foot: ground_velocity(xy, fps, foot, velocity=velocity, window=params.range_window(fps))
              for foot in FOOT_POINTS}  # once: the contact mask and the toe's take-off both read it
    relative = {foot: contact_mask(xy, fps, foot, params, velocity, ground[foot])[1] for foot in FOOT_POINTS}
    contacts = sorted((c for foot, rel in relative.items()
                       for c in _speed_contacts(foot, rel, time_s, fps, params, params.initial_contact_fraction)),
                      key=lambda c: c.initial_contact_s)
    step = _known(step_period_s) or median_step_interval(contacts)
    if step is None:
        return contacts
    contacts = rejoined_contacts(contacts, xy, time_s, ground, step)
    toe = {foot: toe_speed(velocity, foot, ground[foot]) for foot in FOOT_POINTS}

    def taking_off(c: Contact, last: int | None = None) -> Contact:
        """``c`` with its toe-off timed on the toe's take-off after frame ``last`` (default: where its
        speed first rose), where the clip shows one."""
        last = c.toe_off_frame if last is None else last
        to = take_off_time(toe[c.foot], time_s, c.initial_contact_frame, last, step, params) if c.complete else None
        if to is None:
            return c
        return replace(c, toe_off_s=to, toe_off_frame=max(int(np.searchsorted(time_s, to, "right")) - 1,
                                                          c.initial_contact_frame))

    contacts = [taking_off(c) for c in contacts]
    weights = [1.0 if (c.toe_off_frame - c.initial_contact_frame + 1) / fps >= params.min_contact_s
               else params.short_contact_weight for c in contacts]
    landings = alternating_landings([(c.initial_contact_s, c.foot, i) for i, c in enumerate(contacts)], step, weights)

    def search(foot: str, predicted_s: float) -> Contact | None:
        """A weaker contact of ``foot`` near ``predicted_s``: where the rhythm says a foot must be
        down, a slower-than-swing foot is more likely planted (the model blurred it) than not."""
        near = np.abs(time_s - predicted_s) <= params.search_steps * step
        rel = np.where(near, relative[foot], np.inf)
        found = _speed_contacts(foot, rel, time_s, fps, params, params.search_fraction)
        found = [c for c in found if abs(c.initial_contact_s - predicted_s) <= params.search_steps * step]
        best = min(found, key=lambda c: abs(c.initial_contact_s - predicted_s), default=None)
        return best and taking_off(best)

    chain = bridge_gaps([contacts[i] for _, _, i in landings], step, time_s, search)
    return plausible_toe_offs(consistent_toe_offs(chain, step, fps, taking_off, params.contact_spread_steps), step)


def rejoined_contacts(contacts: list[Contact], xy: np.ndarray, time_s: np.ndarray, ground: dict[str, np.ndarray],
                      step: float) -> list[Contact]:
    """``contacts`` (time order) with each contact the pose model broke in pieces joined again.

    Where the model loses a planted shoe for part of its stance (in heavy slow motion for
    tens of frames: a blurred shoe in front of a cluttered background), its landmarks jump
    off the foot (or onto the other foot) and back, and the contact falls into pieces.  A foot on the ground moves
    with it, so its position less the ground's motion (its ground-fixed place) stays put; a
    foot that really left the ground comes down a stride ahead.  So consecutive contacts of
    one foot are one contact when they stand within a foot length of the same ground-fixed
    place (the median over each piece), together last no longer than the longest contact
    (:data:`CONTACT_STEPS`), and in between the landmarks went further than a foot length
    from that place: the model lost the foot, not the foot the ground.  (A foot that stays
    near its place but moves against the ground, as in the frames before a landing, is not
    on it: the speed threshold decides there, as before.)
    """

    def grounded(foot: str, frames: slice) -> np.ndarray:
        """``[k, 2]``: the foot's position less the ground's motion in ``frames`` (NaN where unseen)."""
        return np.nanmean(xy[frames, list(FOOT_POINTS[foot])], axis=1) - ground[foot] * time_s[frames, None]

    def place(c: Contact) -> np.ndarray:  # a piece never seen: NaN, joined to nothing
        return np.nanmedian(grounded(c.foot, slice(c.initial_contact_frame, c.toe_off_frame + 1)), axis=0)

    def lost_between(a: Contact, b: Contact) -> bool:
        here = place(a)
        if np.linalg.norm(place(b) - here) > foot_px[a.foot]:
            return False
        away = np.linalg.norm(grounded(a.foot, slice(a.toe_off_frame + 1, b.initial_contact_frame)) - here, axis=1)
        return bool(np.any(away > foot_px[a.foot]))

    out: list[Contact] = []
    last: dict[str, int] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # unseen frames are NaN and stay so
        foot_px = {f: float(np.nanmedian(np.linalg.norm(xy[:, h] - xy[:, toe], axis=1)))
                   for f, (h, toe) in FOOT_POINTS.items()}
        for c in contacts:
            k = last.get(c.foot)
            if k is not None and c.toe_off_s - out[k].initial_contact_s <= CONTACT_STEPS[1] * step \
                    and lost_between(out[k], c):
                out[k] = replace(out[k], toe_off_s=c.toe_off_s, toe_off_frame=c.toe_off_frame,
                                 complete=out[k].complete and c.complete)
                continue
            last[c.foot] = len(out)
            out.append(c)
    return out


def consistent_toe_offs(contacts: list[Contact], step: float, fps: float,
                        retime: Callable[[Contact, int], Contact], spread_steps: float) -> list[Contact]:
    """``contacts`` with each toe-off that makes its contact stand out re-timed where the clip's
    own contact time puts it.

    Within a clip a foot's contact time varies by a few per cent from stride to stride, so a
    contact more than ``spread_steps`` steps shorter or longer than the median of that
    foot's detected ones (per foot: a real left/right difference stays) most likely ended at a
    passing speed-up of the toe in mid-stance (or ran on past a blurred take-off).  ``retime(contact, frame)`` times the
    take-off from the clip's typical toe-off frame instead; the new toe-off is kept
    only if it fits the clip's contact time.

    >>> c = [Contact("left", k * 0.35, k * 0.35 + d, round(30 * k * 0.35), round(30 * (k * 0.35 + d)), True)
    ...      for k, d in enumerate((0.2, 0.2, 0.1, 0.2))]
    >>> moved = lambda c, frame: replace(c, toe_off_s=c.initial_contact_s + 0.19, toe_off_frame=frame)
    >>> [round(x.toe_off_s - x.initial_contact_s, 2) for x in consistent_toe_offs(c, 0.35, 30, moved, 0.2)]
    [0.2, 0.2, 0.19, 0.2]
    """
    seen = {foot: [c.toe_off_s - c.initial_contact_s for c in contacts
                   if c.foot == foot and c.complete and c.source == "detected"] for foot in FOOT_POINTS}
    typical = {foot: float(np.median(d)) for foot, d in seen.items() if len(d) >= 3}
    spread = spread_steps * step

    def fits(c: Contact) -> bool:
        return abs(c.toe_off_s - c.initial_contact_s - typical[c.foot]) <= spread

    out = []
    for c in contacts:
        if c.complete and c.source == "detected" and c.foot in typical and not fits(c):
            again = retime(c, c.initial_contact_frame + int(round(typical[c.foot] * fps)) - 1)
            c = again if fits(again) else c
        out.append(c)
    return out


def bridge_gaps(chain: list[Contact], step: float, time_s: np.ndarray,
                search: Callable[[str, float], Contact | None] | None = None) -> list[Contact]:
    """``chain`` (alternating contacts, time order) with each single missing contact restored.

    Where two contacts of one foot are about a stride apart (two steps, to
    within ``BRIDGE_RANGE``), the other foot's contact between them was
    missed.  The gait cycle predicts it half-way; ``search(foot, time)`` may
    find it there (``source`` "detected"), else it is bridged at the
    prediction with ``source="interpolated"`` and that foot's median contact
    time, and said so: interpolated contacts start no step or stride
    (:mod:`metrics.strides`) and lower every timed measure's confidence
    (:mod:`metrics.summary`).  A longer gap stays a gap.

    >>> t = np.arange(0, 2, 1 / 30)
    >>> c = [Contact(f, s, s + 0.2, round(30 * s), round(30 * s) + 6, True)
    ...      for f, s in (("left", 0.1), ("right", 0.45), ("left", 0.8), ("left", 1.5))]
    >>> [(x.foot, round(x.initial_contact_s, 2), x.source) for x in bridge_gaps(c, 0.35, t)][-2:]
    [('right', 1.15, 'interpolated'), ('left', 1.5, 'detected')]
    """
    out = chain[:1]
    for a, b in zip(chain, chain[1:]):
        gap = (b.initial_contact_s - a.initial_contact_s) / step
        if a.foot == b.foot and BRIDGE_RANGE[0] <= gap <= BRIDGE_RANGE[1]:
            foot, predicted = OTHER_FOOT[a.foot], (a.initial_contact_s + b.initial_contact_s) / 2
            found = search(foot, predicted) if search else None
            out.append(found or _interpolated(foot, predicted, chain, time_s))
        out.append(b)
    return out


def plausible_toe_offs(contacts: list[Contact], step: float) -> list[Contact]:
    """``contacts`` with each toe-off that does not fit the gait cycle refused (``complete=False``:
    no contact time, flight or duty factor is computed from it, and it is not reported).

    A running contact lasts from about 0.4 of a step (elite sprinters at top speed: about 90 of
    220 ms) to under one step (there is a flight phase; walking reaches about 1.3).  Outside
    :data:`CONTACT_STEPS` the "contact" is the model losing the foot (a toe-off in the frame of
    the landing) or following something else that stands still.

    >>> c = [Contact("left", 0.0, 0.02, 0, 1, True), Contact("right", 0.35, 0.55, 10, 16, True)]
    >>> [x.complete for x in plausible_toe_offs(c, 0.35)]
    [False, True]
    """
    lo, hi = CONTACT_STEPS[0] * step, CONTACT_STEPS[1] * step
    return [c if not c.complete or lo <= c.toe_off_s - c.initial_contact_s <= hi else replace(c, complete=False)
            for c in contacts]


def _interpolated(foot: str, ic_s: float, contacts: list[Contact], time_s: np.ndarray) -> Contact:
    """A contact of ``foot`` bridged at ``ic_s``, lasting the median of that foot's seen contacts."""
    durations = [c.toe_off_s - c.initial_contact_s for c in contacts if c.foot == foot and c.complete
                 and c.source != "interpolated"] or [c.toe_off_s - c.initial_contact_s for c in contacts if c.complete]
    to_s = ic_s + (float(np.median(durations)) if durations else 0.0)
    first = int(min(np.searchsorted(time_s, ic_s - 1e-9), len(time_s) - 1))
    last = int(max(np.searchsorted(time_s, to_s + 1e-9) - 1, first))
    return Contact(foot, float(ic_s), float(to_s), first, last, True, "interpolated")


def _known(period_s: float | None) -> float | None:
    return float(period_s) if period_s is not None and np.isfinite(period_s) and period_s > 0 else None


def median_step_interval(contacts: list[Contact]) -> float | None:
    """Median interval (s) between consecutive initial contacts of alternating feet, or None.

    The step period when the motion gave none: robust to a minority of
    missed contacts (which make intervals of two steps).
    """
    gaps = [b.initial_contact_s - a.initial_contact_s for a, b in zip(contacts, contacts[1:]) if a.foot != b.foot]
    return float(np.median(gaps)) if gaps else None


def _speed_contacts(foot: str, relative: np.ndarray, time_s: np.ndarray, fps: float, params: EventParams,
                    level: float) -> list[Contact]:
    """Contacts of ``foot`` where its speed relative to the ground (a fraction of its swing speed,
    :func:`contact_mask`) stays below ``level``; initial contact timed where it falls below the
    initial-contact fraction (or ``level``, if it never does), toe-off where it last was below the toe-off one."""
    on = _close_runs(relative < level, int(round(params.merge_gap_s * fps)))
    contacts = []
    for start, stop in _runs(on):
        below = np.flatnonzero(relative[start:stop] < params.initial_contact_fraction)
        first = start + int(below[0]) if len(below) else start
        ic_level = params.initial_contact_fraction if len(below) else level
        pushing = np.flatnonzero(relative[first:stop] < params.toe_off_fraction)
        last = first + int(pushing[-1]) if len(pushing) else stop - 1
        ic = _crossing_time(time_s, relative, first - 1, first, ic_level)
        to = _crossing_time(time_s, relative, last, last + 1, params.toe_off_fraction)
        contacts.append(Contact(foot, ic, to, first, last, start > 0 and stop < len(on)))
    return contacts


def toe_speed(velocity: np.ndarray, foot: str, ground: np.ndarray) -> np.ndarray:
    """Speed (px/s) of ``foot``'s toe relative to the ground under it (:func:`ground_velocity`), in every
    frame (low or not)."""
    return np.linalg.norm(velocity[:, FOOT_POINTS[foot][1]] - ground, axis=1)


def take_off_time(speed: np.ndarray, time_s: np.ndarray, first: int, last: int, step: float,
                  params: EventParams) -> float | None:
    """Sub-frame toe-off of the contact ``first``..``last`` (frames; ``last`` a first guess) from
    the toe's ``speed`` relative to the ground (:func:`toe_speed`), or None if the clip shows no take-off.

    The toe leaves the ground when its speed departs from its stance speed.  A
    threshold on the clip's swing speed puts that instant too early where the
    take-off is abrupt (a sprint, a crisp push-off: the derivative window
    spreads the rise backwards) and a smoothed dip in stance can end the
    contact early.  So the rise is followed back from its top (the toe's
    highest speed within ``take_off_steps`` steps after ``last``) to where it was
    still within ``toe_off_fraction`` of the way up from the late-stance speed
    (median over the last 40 % of the contact): the take-off's own scale, whatever
    the runner's speed, the camera's distance or the frame rate.

    >>> t = np.arange(20) / 30
    >>> v = np.r_[np.full(10, 20.0), 20 + 150 * np.arange(1, 11)]  # rises after frame 9
    >>> round(30 * take_off_time(v, t, 2, 7, 0.35, EventParams()), 2)
    9.3
    """
    n = len(speed)
    reach = last + int(round(params.take_off_steps * step / (time_s[1] - time_s[0])))
    if reach >= n or last <= first:
        return None
    after = speed[last:reach + 1]
    if not np.isfinite(after).any():
        return None
    top = last + int(np.nanargmax(after))
    stance = speed[first + int(0.6 * (last - first)):last + 1]
    base = float(np.nanmedian(stance)) if np.isfinite(stance).any() else 0.0
    level = base + params.toe_off_fraction * (speed[top] - base)
    j = top
    while j > first and speed[j - 1] >= level:
        j -= 1
    if j <= first or speed[top] <= base:
        return None
    return _crossing_time(time_s, speed, j - 1, j, level)


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


def alternating_landings(candidates: list[tuple[float, str, int]], step: float, weights: list[float] | None = None,
                         min_step_fraction: float = 0.6, max_step_fraction: float = 1.5,
                         chain_break_cost: float = 1.5) -> list[tuple[float, str, int]]:
    """The candidates ``(time_s, foot, index)`` (time order) best explained as alternating steps
    of ``step`` seconds.

    Consecutive landings must alternate feet between ``min_step_fraction``
    and ``max_step_fraction`` of a step apart; otherwise the chain is broken,
    which costs ``chain_break_cost`` (in landings), and the next landing must
    still be at least the shortest step later.  Dynamic programming keeps
    the chain of greatest total weight (1 per landing unless ``weights``).

    >>> c = [(0.0, "right", 0), (0.02, "left", 1), (0.35, "left", 21),
    ...      (0.7, "right", 42), (0.72, "left", 43), (1.05, "left", 63)]
    >>> [f for _, f, _ in alternating_landings(c, 0.35)]
    ['right', 'left', 'right', 'left']
    """
    if len(candidates) < 2:
        return candidates
    lo, hi = min_step_fraction * step, max_step_fraction * step
    n = len(candidates)
    gain = np.ones(n) if weights is None else np.asarray(weights, float)
    score, back = gain.copy(), np.full(n, -1)
    for i, (t, foot, _) in enumerate(candidates):
        for j in range(i):
            tj, fj, _ = candidates[j]
            if t - tj < lo:
                continue
            alternates = fj != foot and t - tj <= hi
            total = score[j] + gain[i] - (0 if alternates else chain_break_cost)
            if total > score[i]:
                score[i], back[i] = total, j
    chain, i = [], int(np.argmax(score))
    while i >= 0:
        chain.append(candidates[i])
        i = back[i]
    return chain[::-1]

