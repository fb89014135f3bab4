"""Overstride: how far ahead of the hip the heel lands, and the shank's angle at landing (side view)."""

from __future__ import annotations

import numpy as np

from metrics.gait import Gait, StrideTiming
from metrics.geometry import angle_from_vertical, midpoint
from metrics.legs import LEGS
from metrics.spec import MetricSpec
from vision.landmarks import LEFT_HIP, RIGHT_HIP


def heel_ahead_of_hip_px(g: Gait, s: StrideTiming) -> float | None:
    """Horizontal heel-to-mid-hip distance at initial contact, positive = heel ahead."""
    p = g.at(s.contact.initial_contact_s)
    d = g.forward * (p[LEGS[s.foot].heel, 0] - midpoint(p, LEFT_HIP, RIGHT_HIP)[0])
    return float(d) if np.isfinite(d) else None


def overstride_cm(g: Gait, s: StrideTiming) -> float | None:
    return g.to_length(heel_ahead_of_hip_px(g, s))[0]


def overstride_pct_leg(g: Gait, s: StrideTiming) -> float | None:
    return None if g.scale.px_per_m else g.to_length(heel_ahead_of_hip_px(g, s))[1]


def shank_angle_at_contact(g: Gait, s: StrideTiming) -> float | None:
    p = g.at(s.contact.initial_contact_s)
    leg = LEGS[s.foot]
    value = float(angle_from_vertical(p[leg.knee], p[leg.ankle], g.forward))
    return value if np.isfinite(value) else None


_LANDMARKS = tuple(j for leg in LEGS.values() for j in (leg.hip, leg.knee, leg.ankle, leg.heel))
_DEFINITION = "Horizontal distance of the heel ahead of the mid-hip at initial contact"
SPECS = [
    MetricSpec("overstride_cm", "cm", _DEFINITION + ".", ("side",), overstride_cm, _LANDMARKS,
               high_confidence_fps=60),
    MetricSpec("overstride_pct_leg", "% leg", _DEFINITION + ", in % of leg length (no scale given).",
               ("side",), overstride_pct_leg, _LANDMARKS, high_confidence_fps=60),
    MetricSpec("shank_angle_at_contact_deg", "deg",
               "Angle of the shank (knee to ankle) from vertical at initial contact; positive = ankle ahead of knee.",
               ("side",), shank_angle_at_contact, _LANDMARKS, high_confidence_fps=60),
]
