"""Gait events seen from behind or in front (rear / frontal view).

With the camera on the running axis the belt carries the stance foot towards
(or away from) the camera, and distance shows as height in the image: a foot
on the belt drifts steadily down the picture (towards a camera behind) at the
belt's image speed.  So a stance is the stretch over which the foot descends
in the image without a break:

* **toe-off** is where the toe leaves that descent and rises quickly (the
  push-off lifts the foot);
* **initial contact** is where the descent began: the last instant before
  the toe-off at which the leg's end (toe and knee together) turned from
  rising in the image (the swing foot reaching forward, away from the camera)
  to descending with the belt, at a fraction of its stance speed.

Neither needs a threshold in pixels or seconds: both are crossings of an
image velocity relative to the clip's own speeds, timed to a fraction of a
frame by interpolating, and every duration is a fraction of the clip's step
period (:mod:`metrics.periodicity`), so the rules hold from 25 to 240 fps and
in slow motion of unknown factor.
The gait-cycle prior of :mod:`metrics.events` then keeps the contacts that
alternate left/right at plausible step times, bridges a single missed one
(marked ``interpolated``) and refuses a contact shorter than a quarter step or
longer than 1.6 steps.

How early or late (``benchmarks/ic_timing.py``, 2026-11-30): on the renderer's exact landmarks this reads
55-60 ms before the heel touches (the swinging leg already turns back towards the camera before it lands); the
pose model's landmarks follow the leg's descent 35-70 ms late from behind, which brings the product's reading
to -40..+38 ms by run and foot (median about 0). Timing is in steps, so the same track read at 120, 60 or 30
fps gives the same milliseconds. Both feet are read alike (left and right within 1 ms on exact landmarks); on
pose tracks the model's left reads earlier than its right on most looks (-26 to +21 ms by look; the same when
the clip is mirrored), which no constant corrects.

The heel's fall, used alone before, is a poor landing mark on a treadmill
seen from behind: the pose model's heel lags the foot in swing, and its fastest
fall came a third of a step before or after the true contact on half the
varied-look synthetic runners (``benchmarks/validate_synth.py``).  It remains
the reading where no belt carries the stance foot down the image (a walk, an
overground runner, one facing the camera): there the descent finds few contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from metrics.events import (
    CONTACT_STEPS,
    FOOT_POINTS,
    Contact,
    _crossing_time,
    _known,
    alternating_landings,
    bridge_gaps,
    foot_velocity,
    median_step_interval,
    plausible_toe_offs,
)
from vision.landmarks import LEFT_KNEE, RIGHT_KNEE

KNEE = {"left": LEFT_KNEE, "right": RIGHT_KNEE}


@dataclass
class FrontalParams:
    """Constants of the rear/front-view detector; durations in steps unless in seconds (``_s``)."""

    # Toe-off: the toe's upward image speed passes this fraction of its swing peak.  The pose
    # model's toe drifts up as the heel rises before toe-off; the push-off is the fast rise.
    lift_fraction: float = 0.5
    # Derivative windows: the push-off is abrupt, so its window is short (0.1 s at a 0.35 s step);
    # the descent begins gradually under the model's frame-to-frame jitter, so its window is longer.
    lift_window_steps: float = 0.28
    descent_window_steps: float = 0.5
    # Initial contact: the leg's end descends at this fraction of its typical speed over the step before
    # the toe-off (the belt's pull, not the swing's reach).  Set on the three bundled rear samples (0 reads
    # them ~24 ms early); the varied-look runners, which check it, scored the same at 0.
    descent_level: float = 0.3
    reference_step_s: float = 0.35  # the step assumed while the motion has shown none
    # The heel's fall (landing_contacts), in seconds: a landing's downward heel speed is at least
    # this fraction of its peak, landings of one foot this far apart, contacts at least this long.
    landing_fraction: float = 0.3
    min_landing_gap_s: float = 0.15
    min_contact_s: float = 0.06
    fall_window_s: float = 0.1


def detect_contacts_frontal(xy: np.ndarray, time_s: np.ndarray, params: FrontalParams = FrontalParams(),
                            step_period_s: float | None = None) -> list[Contact]:
    """All ground contacts of both feet seen from behind or in front, in time order.

    Timed from the leg's descent with the belt (:func:`belt_contacts`), which
    found 94 % and 90 % of the varied-look rear runners' initial contacts within
    2 frames at 30 and 60 fps where the heel's fall found 59 % and 38 %
    (``benchmarks/validate_synth.py``, 2026-11-30).  Where no belt carries the
    stance foot down the image (overground, a runner facing the camera, a walk),
    that reading finds few contacts, and the heel's fall (:func:`landing_contacts`)
    is read instead: when it accounts for more than twice as many contacts.
    """
    by_belt = belt_contacts(xy, time_s, params, step_period_s)
    by_fall = landing_contacts(xy, time_s, params, step_period_s)
    seen = [sum(c.source == "detected" for c in reading) for reading in (by_belt, by_fall)]
    return by_belt if 2 * seen[0] >= seen[1] else by_fall


def belt_contacts(xy: np.ndarray, time_s: np.ndarray, params: FrontalParams = FrontalParams(),
                  step_period_s: float | None = None) -> list[Contact]:
    """Contacts from the leg's descent with the belt, reduced to a left/right alternation.

    ``step_period_s`` (from :mod:`metrics.periodicity`) sets the time scale;
    without it the detector runs at ``reference_step_s`` and the prior then takes
    the step from the contacts found (:func:`metrics.events.median_step_interval`).
    """
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    step = _known(step_period_s) or params.reference_step_s
    lift_vel = foot_velocity(xy, fps, params.lift_window_steps * step)
    descent_vel = foot_velocity(xy, fps, params.descent_window_steps * step)
    found = sorted((c for foot in FOOT_POINTS
                    for c in _foot_contacts(foot, lift_vel, descent_vel, time_s, step, params.lift_fraction,
                                            params.descent_level)),
                   key=lambda c: c[0].initial_contact_s)
    found, weights = [c for c, _ in found], [w for _, w in found]
    step = _known(step_period_s) or median_step_interval(found)
    if not step:
        return found
    landings = alternating_landings([(c.initial_contact_s, c.foot, i) for i, c in enumerate(found)], step, weights)
    return plausible_toe_offs(bridge_gaps([found[i] for _, _, i in landings], step, time_s), step)


def landing_contacts(xy: np.ndarray, time_s: np.ndarray, params: FrontalParams = FrontalParams(),
                     step_period_s: float | None = None) -> list[Contact]:
    """Contacts from the heel's fall: initial contact at a peak of the heel's downward
    speed (where the fall is stopped), toe-off the last frame before the toe's upward
    speed passes ``lift_fraction`` of its peak.

    The model often drags the hidden foot's heel down with the other foot
    as that one lands, so the candidate landings of both feet are reduced to
    the longest sequence that alternates left/right at plausible step times
    (:func:`metrics.events.alternating_landings`), and a single missed one is bridged.
    """
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    vel = foot_velocity(xy, fps, params.fall_window_s)
    down = {foot: vel[:, heel, 1] for foot, (heel, _) in FOOT_POINTS.items()}
    up = {foot: -vel[:, toe, 1] for foot, (_, toe) in FOOT_POINTS.items()}
    candidates = []
    for foot, v in down.items():
        peaks, _ = find_peaks(np.nan_to_num(v, nan=-np.inf), height=params.landing_fraction * np.nanquantile(v, 0.95),
                              distance=max(1, int(round(params.min_landing_gap_s * fps))))
        # Within one derivative window of the clip's ends the speed is extrapolated, not measured.
        margin = params.fall_window_s
        inside = (time_s[peaks] - time_s[0] >= margin) & (time_s[-1] - time_s[peaks] >= margin)
        candidates += [(float(time_s[i]), foot, int(i)) for i in peaks[inside]]
    candidates.sort()
    step = _known(step_period_s) or median_step_interval([Contact(f, t, t, i, i, True) for t, f, i in candidates])
    landings = alternating_landings(candidates, step) if step else candidates
    contacts = []
    for foot in FOOT_POINTS:
        lift = up[foot] - params.lift_fraction * np.nanquantile(up[foot], 0.95)
        starts = [i for _, f, i in landings if f == foot]
        for start, end in zip(starts, starts[1:] + [len(time_s)]):
            rising = np.flatnonzero(lift[start:end] > 0)
            if not len(rising):
                continue
            last = start + int(rising[0]) - 1
            if time_s[last] - time_s[start] + 1 / fps < params.min_contact_s:
                continue
            ic = _peak_time(time_s, down[foot], start)
            to = _crossing_time(time_s, lift, last, last + 1, 0.0)
            contacts.append(Contact(foot, ic, to, start, last, start > 0 and last + 1 < len(time_s) - 1))
    contacts.sort(key=lambda c: c.initial_contact_s)
    return plausible_toe_offs(bridge_gaps(contacts, step, time_s), step) if step else contacts


def _foot_contacts(foot: str, lift_vel: np.ndarray, descent_vel: np.ndarray, time_s: np.ndarray, step: float,
                   lift_fraction: float, descent_level: float) -> list[tuple[Contact, float]]:
    """Contacts of one foot: each push-off, with the start of the descent that led to it, and the
    push-off's strength (the toe's fastest rise over the next half step, in units of its swing peak).

    The strength weighs the contact in the alternation: where the model drags the hidden
    foot's toe up with the other foot's push-off, that echo rises more slowly than a push-off.

    A push-off with no descent starting between one step and a quarter step
    (:data:`metrics.events.CONTACT_STEPS`) before it gives no contact: the foot
    was lost, or the clip starts inside the stance.
    """
    toe = FOOT_POINTS[foot][1]
    rise = -lift_vel[:, toe, 1]  # image y grows downwards
    peak = np.nanquantile(rise, 0.95)
    lift = rise - lift_fraction * peak
    # The leg's end (toe and knee, two landmarks' jitter averaged) descends with the belt where this is positive.
    descent = descent_vel[:, toe, 1] + descent_vel[:, KNEE[foot], 1]
    n = len(time_s)
    contacts = []
    for last in np.flatnonzero((lift[:-1] <= 0) & (lift[1:] > 0)):
        to = _crossing_time(time_s, lift, last, last + 1, 0.0)
        lo = int(np.searchsorted(time_s, to - step))
        hi = int(np.searchsorted(time_s, to - CONTACT_STEPS[0] * step))
        level = descent_level * np.nanmedian(descent[max(lo, 0):last + 1]) if last >= lo else 0.0
        turns = [j for j in range(max(lo, 1), min(hi, n)) if descent[j - 1] < level <= descent[j]]
        if not turns:
            continue
        first = turns[-1]
        ic = _crossing_time(time_s, descent, first - 1, first, level)
        strength = np.nanmax(rise[last:int(np.searchsorted(time_s, to + step / 2)) + 1]) / peak
        contacts.append((Contact(foot, ic, to, first, int(last), lo > 0 and last + 1 < n - 1), float(strength)))
    return contacts


def _peak_time(time_s: np.ndarray, value: np.ndarray, i: int) -> float:
    """Sub-frame time of the peak of ``value`` at frame ``i`` (parabola through three samples)."""
    if i == 0 or i == len(value) - 1:
        return float(time_s[i])
    a, b, c = value[i - 1:i + 2]
    curvature = a - 2 * b + c
    shift = 0.5 * (a - c) / curvature if curvature < 0 else 0.0
    return float(time_s[i] + np.clip(shift, -0.5, 0.5) * (time_s[i + 1] - time_s[i]))
