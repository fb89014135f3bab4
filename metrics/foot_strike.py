"""Foot-strike angle and pattern at initial contact (side view).

The heel and toe landmarks do not sit exactly on the sole, so the angle of
the heel→toe line at initial contact is measured relative to the same line
when the foot is flat under the body: a landmark offset cancels out.

That flat-foot reference is taken where mid-stance begins by its classical
definition, the body passing over the foot: the instant the hips pass over
the middle of the foot (heel–toe midpoint), not a share of the detected
stance.  Toe-off does not move it (the initial contact only starts the search),
and it follows each runner's own landing.  Later references overstate a heel
strike: the pose model's heel→toe line does not stay rigid with a flat foot
but turns toes-down as the shank rotates over it (against the synthetic
runners' truth, relative to its offset at contact, median -1.4 deg at a fifth
of the stance, -7.6 at 0.3, -13 at half; real clips show the same).  Over the
13 synthetic side runners of ``benchmarks/validate_synth.py`` (2026-11-30) the
clip value is within 3.6 deg median / 5.0 deg p90 of the truth, against 5.7 / 9.8
with the middle third of the detected stance as the reference.

The definition is right; the pose model's heel and toe of a foot flat under the
body are not.  On the renderer's exact landmarks the same code reads the 20
synthetic side runners within 0.2 deg median / 0.9 p90 (signed -0.0) at the
detected initial contacts, although these are ~25 ms early (the foot's pitch is
held before landing; at the true instant, -1.1, as the landing's first frame
mixes in).  On the pose track the heel→toe line at contact agrees with the one
in late swing to within 4 deg (median over strides), but where the hips pass
over the foot the legs overlap in a side view, and there the near foot's line
reads up to 28 deg toes-down (side-100: its heel landmark 0.7 foot lengths above
the heel) and the far foot's up to 10 deg either way: flat landings read as heel
strikes, 9 deg heel strikes (far foot toes-up) as midfoot
(``benchmarks/foot_strike_error.py``).  No earlier, later or wider reference,
upper quantile, rigid-foot-length filter, other foot line (ankle–toe, the foot
triangle) or angle at the true contact improves the checking runs (|error|
median 4.8, p90 8.2 deg), so a class is stated only where the value lies further
than its uncertainty from a band edge (:func:`strike_class`).
"""

from __future__ import annotations

import numpy as np

from metrics.analysis import Reference
from metrics.events import median_step_interval
from metrics.gait import Gait, StrideTiming
from metrics.legs import LEGS
from metrics.reference import ALTMAN_DAVIS_2012, DINGENEN_2018, VALIDATION
from metrics.spec import Accuracy, MetricSpec, PublishedChange

REARFOOT_ABOVE_DEG, FOREFOOT_BELOW_DEG = 8.0, -1.6  # Altman & Davis 2012
# The hips pass over the foot within this many step periods of contact (0.08-0.75 on 13 synthetic and 3 real
# side clips), and the flat reference is the median angle over this half-width around that instant (a few
# frames, so one bad frame is outvoted).
SEARCH_STEPS, HALF_WIDTH_STEPS = 0.8, 0.05


def foot_angle(xy: np.ndarray, foot: str, forward: int) -> np.ndarray:
    """Angle (deg) of the heel→toe line to the level ground, positive = toes up."""
    leg = LEGS[foot]
    d = xy[..., leg.toe, :] - xy[..., leg.heel, :]
    return np.degrees(np.arctan2(-d[..., 1], forward * d[..., 0]))


def hips_over_foot(xy: np.ndarray, time_s: np.ndarray, foot: str, forward: int) -> float | None:
    """First time (s) the mid-hip passes forward over the middle of ``foot`` in the samples ``xy`` [n, 33, 2]
    taken at ``time_s`` (linearly between samples), or None when the foot is not ahead of the hips at the
    first sample (it landed under or behind the body, as in a sprint start) or the hips never pass it."""
    leg = LEGS[foot]
    hip = xy[:, [LEGS["left"].hip, LEGS["right"].hip], 0].mean(axis=1)
    ahead = forward * (xy[:, [leg.heel, leg.toe], 0].mean(axis=1) - hip)
    passed = np.flatnonzero(ahead <= 0)
    if not len(passed) or passed[0] == 0:
        return None
    j = passed[0]
    t = time_s[j - 1] + (time_s[j] - time_s[j - 1]) * ahead[j - 1] / (ahead[j - 1] - ahead[j])
    return float(t) if np.isfinite(t) else float(time_s[j])  # the sample before unseen: the first one past


def flat_reference(g: Gait, s: StrideTiming) -> tuple[float, np.ndarray] | None:
    """(instant the hips pass over the stride's foot, frames within ``HALF_WIDTH_STEPS`` of it), or None."""
    c = s.contact
    step = g.step_period_s or median_step_interval(g.contacts)
    if step is None:
        return None
    stance = g.window(c.initial_contact_s, c.initial_contact_s + SEARCH_STEPS * step)
    t = hips_over_foot(g.xy[stance], g.time_s[stance], s.foot, g.forward) if len(stance) > 1 else None
    if t is None:
        return None
    return t, g.window(t - HALF_WIDTH_STEPS * step, t + HALF_WIDTH_STEPS * step)


def foot_strike_angle(g: Gait, s: StrideTiming) -> float | None:
    """Heel→toe angle at initial contact minus the same foot's angle when the hips pass over it (deg, + toes up)."""
    c = s.contact
    reference = flat_reference(g, s)
    if reference is None:
        return None
    t, flat = reference
    angles = foot_angle(g.xy[flat], s.foot, g.forward) if len(flat) else foot_angle(g.at(t), s.foot, g.forward)
    if not np.isfinite(angles).any():
        return None
    value = float(foot_angle(g.at(c.initial_contact_s), s.foot, g.forward) - np.nanmedian(angles))
    return value if np.isfinite(value) else None


def strike_pattern(angle_deg: float | None) -> str | None:
    """``rearfoot``, ``midfoot`` or ``forefoot`` (Altman & Davis 2012 bands).

    >>> strike_pattern(12.0), strike_pattern(3.0), strike_pattern(-5.0)
    ('rearfoot', 'midfoot', 'forefoot')
    """
    if angle_deg is None:
        return None
    if angle_deg > REARFOOT_ABOVE_DEG:
        return "rearfoot"
    return "forefoot" if angle_deg < FOREFOOT_BELOW_DEG else "midfoot"


def strike_patterns(angle_deg: float | None, uncertainty_deg: float | None) -> tuple[str, ...]:
    """The strike patterns the clip value allows within its uncertainty, from toes-up to toes-down: one when
    ``angle_deg`` lies further than ``uncertainty_deg`` from every band edge, else the neighbouring ones too
    (the measure cannot tell them apart on this clip).  Without an uncertainty, the value's pattern alone.

    >>> strike_patterns(20.0, 7.7), strike_patterns(10.0, 7.7), strike_patterns(-12.0, 7.7)
    (('rearfoot',), ('rearfoot', 'midfoot'), ('forefoot',))
    >>> strike_patterns(8.5, 13.6)  # wider than the midfoot band: it lies within too
    ('rearfoot', 'midfoot', 'forefoot')
    """
    if angle_deg is None:
        return ()
    u = uncertainty_deg or 0.0
    middle = min(max(angle_deg, FOREFOOT_BELOW_DEG), REARFOOT_ABOVE_DEG)  # the midfoot band's nearest angle
    within = (middle,) if abs(middle - angle_deg) <= u else ()
    return tuple(dict.fromkeys(strike_pattern(a) for a in (angle_deg + u, *within, angle_deg, angle_deg - u)))


def strike_class(angle_deg: float | None, uncertainty_deg: float | None) -> str | None:
    """The foot-strike class a clip may state: "rearfoot", or e.g. "rearfoot or midfoot" when the value lies
    within its uncertainty of the 8 deg edge, never a confident class the measure cannot tell.

    >>> strike_class(10.0, 7.7), strike_class(3.0, 7.7), strike_class(None, 7.7)
    ('rearfoot or midfoot', 'rearfoot, midfoot or forefoot', None)
    """
    patterns = strike_patterns(angle_deg, uncertainty_deg)
    if not patterns:
        return None
    return patterns[0] if len(patterns) == 1 else ", ".join(patterns[:-1]) + " or " + patterns[-1]


PATTERN_SOURCE = ALTMAN_DAVIS_2012

_FOOT_INCLINATION = PublishedChange(
    2.3, DINGENEN_2018,
    "Foot inclination at initial contact, between days: SDD 1.3-2.3 deg across the measures with excellent "
    "reliability; the upper end is used.")
SPECS = [
    MetricSpec("foot_strike_angle_deg", "deg",
               "Angle of the foot (heel to toe) to the ground at initial contact, relative to the flat foot "
               "as the hips pass over it (start of mid-stance); positive = toes up (rearfoot strike).",
               ("side",), foot_strike_angle,
               tuple(j for leg in LEGS.values() for j in (leg.heel, leg.toe)), high_confidence_fps=60,
               label="foot strike", category=strike_class,
               reference=Reference(
                   FOREFOOT_BELOW_DEG, REARFOOT_ABOVE_DEG, "deg", ALTMAN_DAVIS_2012,
                   f"Classification bands, not a norm: > {REARFOOT_ABOVE_DEG:g} deg rearfoot, "
                   f"{FOREFOOT_BELOW_DEG:g}..{REARFOOT_ABOVE_DEG:g} deg midfoot, < {FOREFOOT_BELOW_DEG:g} deg "
                   "forefoot strike."),
               accuracy=Accuracy(
                   7.5, VALIDATION + f": 7.4 deg (published detectable change {_FOOT_INCLINATION.value:g} deg)"),
               detectable_change=_FOOT_INCLINATION, still="contact", key=True,
               plausible=(-45.0, 50.0)),
]
