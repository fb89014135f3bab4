"""Per-frame joint angles of a cleaned track: the curves behind every "at contact" value.

The measures read single instants of these curves (:mod:`metrics.knee`,
:mod:`metrics.foot_strike`, ...); the replay draws them and the gait-cycle
plots average them, so what is drawn and what is stated come from one place.
"""

from __future__ import annotations

import numpy as np

from metrics.foot_strike import foot_angle
from metrics.frontal import fppa_series, pelvic_drop_series
from metrics.geometry import angle_from_vertical, lean_from_vertical, midpoint
from metrics.knee import knee_flexion
from metrics.legs import LEGS
from vision.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

SIDES = ("left", "right")

Angles = dict[str, dict[str, np.ndarray]]
"""``{angle: {side: [n] degrees}}``."""


def side_view_angles(xy: np.ndarray, forward: int, roll_deg: float = 0.0) -> Angles:
    """Sagittal angles of every frame (trunk lean is the same curve for both sides); those from the vertical
    with the camera's ``roll_deg`` taken out."""
    trunk = lean_from_vertical(midpoint(xy, LEFT_HIP, RIGHT_HIP), midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER),
                               forward, roll_deg)
    out: Angles = {k: {} for k in ("knee_flexion", "thigh", "shank", "foot", "trunk_lean")}
    for side in SIDES:
        leg = LEGS[side]
        out["knee_flexion"][side] = knee_flexion(xy, side)
        out["thigh"][side] = angle_from_vertical(xy[:, leg.hip], xy[:, leg.knee], forward, roll_deg)
        out["shank"][side] = angle_from_vertical(xy[:, leg.knee], xy[:, leg.ankle], forward, roll_deg)
        out["foot"][side] = foot_angle(xy, side, forward)
        out["trunk_lean"][side] = trunk
    return out


def rear_view_angles(xy: np.ndarray) -> Angles:
    """Frontal angles of every frame (pelvis: side = stance foot)."""
    return {
        "pelvic_drop": {s: pelvic_drop_series(xy, s) for s in SIDES},
        "knee_fppa": {s: fppa_series(xy, s) for s in SIDES},
    }


def view_angles(xy: np.ndarray, kind: str, forward: int, roll_deg: float = 0.0) -> Angles:
    """The angle curves that suit a view (``kind`` "side", "rear" or "front")."""
    return side_view_angles(xy, forward, roll_deg) if kind == "side" else rear_view_angles(xy)
