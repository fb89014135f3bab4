"""Hip extension at toe-off (side view): the thigh's angle behind vertical, as 2D clinical video measures it."""

from __future__ import annotations

import numpy as np

from metrics.gait import Gait, StrideTiming
from metrics.geometry import angle_from_vertical
from metrics.legs import LEGS
from metrics.analysis import Reference
from metrics.reference import FOLLAND_2017, NOVACHECK_1998, VALIDATION
from metrics.spec import Accuracy, MetricSpec


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
               high_confidence_fps=60, title="Hip extension at toe-off", label="hip extension",
               reference=Reference(
                   10, 25, "deg", f"{NOVACHECK_1998}; {FOLLAND_2017}",
                   "Thigh angle behind vertical at toe-off, 2D; typical values. Little extension often comes with a "
                   "forward trunk lean."),
               accuracy=Accuracy(20.0, VALIDATION + ": 20.2 deg"), still="toe-off", angle_from_vertical=True,
               uses_toe_off=True, plausible=(-30.0, 50.0)),
]
