"""Hip extension at toe-off (side view): the thigh's angle behind vertical, as 2D clinical video measures it."""

from __future__ import annotations

import numpy as np

from metrics.gait import Gait, StrideTiming
from metrics.geometry import angle_from_vertical
from metrics.legs import LEGS
from metrics.spec import MetricSpec


def hip_extension(g: Gait, s: StrideTiming) -> float | None:
    if not s.contact.complete:
        return None
    p = g.at(s.contact.toe_off_s)
    leg = LEGS[s.foot]
    value = -float(angle_from_vertical(p[leg.hip], p[leg.knee], g.forward))
    return value if np.isfinite(value) else None


SPECS = [
    MetricSpec("hip_extension_deg", "deg",
               "Angle of the thigh (hip to knee) behind vertical at toe-off; positive = knee behind hip.",
               ("side",), hip_extension, tuple(j for leg in LEGS.values() for j in (leg.hip, leg.knee)),
               high_confidence_fps=60),
]
