"""Foot-strike angle and pattern at initial contact (side view).

The heel and toe landmarks do not sit exactly on the sole, so the angle of
the heel→toe line is measured relative to the same line at mid-stance, when
the foot is flat on the ground: a landmark offset cancels out.
"""

from __future__ import annotations

import numpy as np

from metrics.analysis import Reference
from metrics.gait import Gait, StrideTiming
from metrics.legs import LEGS
from metrics.reference import ALTMAN_DAVIS_2012, DINGENEN_2018, VALIDATION
from metrics.spec import Accuracy, MetricSpec, PublishedChange

REARFOOT_ABOVE_DEG, FOREFOOT_BELOW_DEG = 8.0, -1.6  # Altman & Davis 2012


def foot_angle(xy: np.ndarray, foot: str, forward: int) -> np.ndarray:
    """Angle (deg) of the heel→toe line to the level ground, positive = toes up."""
    leg = LEGS[foot]
    d = xy[..., leg.toe, :] - xy[..., leg.heel, :]
    return np.degrees(np.arctan2(-d[..., 1], forward * d[..., 0]))


def foot_strike_angle(g: Gait, s: StrideTiming) -> float | None:
    c = s.contact
    if not c.complete:
        return None
    stance = g.window(c.initial_contact_s, c.toe_off_s)
    middle = stance[len(stance) // 3: max(len(stance) // 3 + 1, 2 * len(stance) // 3)]
    flat = np.nanmedian(foot_angle(g.xy[middle], s.foot, g.forward))
    value = float(foot_angle(g.at(c.initial_contact_s), s.foot, g.forward) - flat)
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
               "at mid-stance; positive = toes up (rearfoot strike).",
               ("side",), foot_strike_angle,
               tuple(j for leg in LEGS.values() for j in (leg.heel, leg.toe)), high_confidence_fps=60,
               label="foot strike",
               reference=Reference(
                   FOREFOOT_BELOW_DEG, REARFOOT_ABOVE_DEG, "deg", ALTMAN_DAVIS_2012,
                   f"Classification bands, not a norm: > {REARFOOT_ABOVE_DEG:g} deg rearfoot, "
                   f"{FOREFOOT_BELOW_DEG:g}..{REARFOOT_ABOVE_DEG:g} deg midfoot, < {FOREFOOT_BELOW_DEG:g} deg "
                   "forefoot strike."),
               accuracy=Accuracy(
                   10.0, VALIDATION + f": 9.5 deg (published detectable change {_FOOT_INCLINATION.value:g} deg)"),
               detectable_change=_FOOT_INCLINATION, still="contact", key=True, uses_toe_off=True,
               plausible=(-45.0, 50.0)),
]
