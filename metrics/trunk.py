"""Trunk lean (side view): the mid-hip to mid-shoulder line's angle from vertical.

The vertical is the world's: a camera's roll measured from the background's
verticals (:mod:`vision.roll`, ``Gait.camera_roll_deg``) is taken out, since a
crooked phone otherwise adds its roll to the lean degree for degree.
"""

from __future__ import annotations

import numpy as np

from metrics.analysis import Reference
from metrics.gait import Gait, StrideTiming
from metrics.geometry import lean_from_vertical, midpoint
from metrics.reference import FOLLAND_2017, TENG_POWERS_2014, VALIDATION
from metrics.spec import Accuracy, MetricSpec, Rule
from vision.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER


def trunk_lean(g: Gait, s: StrideTiming) -> float | None:
    """Mean forward lean over the stride (initial contact to the next one)."""
    if s.end_s is None:
        return None
    xy = g.xy[g.window(s.start_s, s.end_s)]
    lean = lean_from_vertical(midpoint(xy, LEFT_HIP, RIGHT_HIP), midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER),
                              g.forward, g.camera_roll_deg)
    return float(np.nanmean(lean)) if np.isfinite(lean).any() else None


SPECS = [
    MetricSpec("trunk_lean_deg", "deg",
               "Angle of the mid-hip to mid-shoulder line from vertical, averaged over the stride; "
               "positive = leaning forward.",
               ("side",), trunk_lean, (LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER), label="trunk lean",
               reference=Reference(
                   2, 13, "deg", f"{TENG_POWERS_2014}; {FOLLAND_2017}",
                   "Typical forward trunk lean; more lean shifts load from the knee to the hip extensors "
                   "(Teng & Powers 2014)."),
               accuracy=Accuracy(2.0, VALIDATION + ": 1.3 deg"),
               rules=(Rule("below"), Rule("above")), key=True, angle_from_vertical=True, plausible=(-30.0, 60.0)),
]
