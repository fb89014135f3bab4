"""Foot-strike angle and pattern at initial contact (side view).

The heel and toe landmarks do not sit exactly on the sole, so the angle of
the heel→toe line at initial contact is measured relative to the same line
when the foot has just come flat on the ground: a landmark offset cancels out.

The flat reference is taken early in stance, 0.2-0.3 step periods after the
initial contact, not at mid-stance: the pose model's heel→toe line turns
toes-down as the stance goes on while the foot stays flat (against the
synthetic runners' truth, relative to its offset at contact, median -1.4 deg
at a fifth of the stance, -7.6 at 0.3, -13 at half of it; real clips show the
same slide), so the later the reference, the more a heel strike is overstated.
It is timed from the initial contact in step periods, so where toe-off is
found does not move it.
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
# When the foot lies flat, in step periods after initial contact: after a heel strike has rolled down
# (foot flat comes at ~15 % of stance, ~0.1 step periods) and before the pose model's heel->toe line has
# slid far toes-down.  Chosen over 13 synthetic side runners (benchmarks/validate_synth.py) and checked
# on the labelled real clips; see the module docstring.
FLAT_AFTER_CONTACT_STEPS = (0.2, 0.3)


def foot_angle(xy: np.ndarray, foot: str, forward: int) -> np.ndarray:
    """Angle (deg) of the heel→toe line to the level ground, positive = toes up."""
    leg = LEGS[foot]
    d = xy[..., leg.toe, :] - xy[..., leg.heel, :]
    return np.degrees(np.arctan2(-d[..., 1], forward * d[..., 0]))


def flat_foot_angle(angle_deg: np.ndarray, time_s: np.ndarray, initial_contact_s: float,
                    step_s: float) -> float | None:
    """Median foot angle (deg) over the flat-foot window after an initial contact (``FLAT_AFTER_CONTACT_STEPS``
    step periods of ``step_s`` later); the nearest sample when no frame falls inside (low frame rates),
    None when the window lies beyond the clip or the foot is unseen there."""
    t0, t1 = (initial_contact_s + f * step_s for f in FLAT_AFTER_CONTACT_STEPS)
    if t1 > time_s[-1] + 1e-9:
        return None
    inside = (time_s >= t0 - 1e-9) & (time_s <= t1 + 1e-9)
    frames = np.flatnonzero(inside) if inside.any() else [int(np.argmin(np.abs(time_s - (t0 + t1) / 2)))]
    angles = angle_deg[frames]
    return float(np.nanmedian(angles)) if np.isfinite(angles).any() else None


def foot_strike_angle(g: Gait, s: StrideTiming) -> float | None:
    """Heel→toe angle at initial contact minus the same foot's flat-foot angle just after it (deg, + toes up)."""
    c = s.contact
    step = g.step_period_s or median_step_interval(g.contacts)
    if step is None:
        return None
    near = g.window(c.initial_contact_s, c.initial_contact_s + step)
    flat = flat_foot_angle(foot_angle(g.xy[near], s.foot, g.forward), g.time_s[near], c.initial_contact_s, step) \
        if len(near) else None
    if flat is None:
        return None
    value = float(foot_angle(g.at(c.initial_contact_s), s.foot, g.forward)) - flat
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


PATTERN_SOURCE = ALTMAN_DAVIS_2012

_FOOT_INCLINATION = PublishedChange(
    2.3, DINGENEN_2018,
    "Foot inclination at initial contact, between days: SDD 1.3-2.3 deg across the measures with excellent "
    "reliability; the upper end is used.")
SPECS = [
    MetricSpec("foot_strike_angle_deg", "deg",
               "Angle of the foot (heel to toe) to the ground at initial contact, relative to the flat foot "
               "just after it (0.2-0.3 step periods later); positive = toes up (rearfoot strike).",
               ("side",), foot_strike_angle,
               tuple(j for leg in LEGS.values() for j in (leg.heel, leg.toe)), high_confidence_fps=60,
               label="foot strike",
               reference=Reference(
                   FOREFOOT_BELOW_DEG, REARFOOT_ABOVE_DEG, "deg", ALTMAN_DAVIS_2012,
                   f"Classification bands, not a norm: > {REARFOOT_ABOVE_DEG:g} deg rearfoot, "
                   f"{FOREFOOT_BELOW_DEG:g}..{REARFOOT_ABOVE_DEG:g} deg midfoot, < {FOREFOOT_BELOW_DEG:g} deg "
                   "forefoot strike."),
               accuracy=Accuracy(
                   7.5, VALIDATION + f": 7.3 deg (published detectable change {_FOOT_INCLINATION.value:g} deg)"),
               detectable_change=_FOOT_INCLINATION, still="contact", key=True,
               plausible=(-45.0, 50.0)),
]
