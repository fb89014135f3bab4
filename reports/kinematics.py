"""Per-frame angle curves for drawing and for gait-cycle plots.

The numbers a report *states* come from ``analysis.json``; these curves only
shape what is drawn (the arcs on the replay, the curves over the gait cycle).
They use the metrics layer's own geometry and cleaned landmarks, so a curve
and the value measured from it agree.
"""

from __future__ import annotations

import numpy as np

from metrics.clean import clean
from metrics.foot_strike import foot_angle
from metrics.frontal import fppa_series, pelvic_drop_series
from metrics.geometry import angle_from_vertical, lean_from_vertical, midpoint
from metrics.knee import knee_flexion
from metrics.legs import LEGS
from metrics.view import running_direction
from vision.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER
from vision.track import PoseTrack

SIDES = ("left", "right")

ANGLE_LABELS = {
    "knee_flexion": "Knee flexion (deg)",
    "thigh": "Thigh to vertical, + knee ahead (deg)",
    "shank": "Shank to vertical, + ankle ahead (deg)",
    "foot": "Foot to horizontal, + toes up (deg)",
    "trunk_lean": "Trunk lean, + forward (deg)",
    "pelvic_drop": "Pelvis, + other side lower (deg)",
    "knee_fppa": "Knee frontal angle, + valgus (deg)",
}


def joint(side: str, name: str) -> int:
    """Landmark index of a joint of one leg, e.g. ``joint("left", "knee")``."""
    return getattr(LEGS[side], name)


def cleaned_xy(track: PoseTrack, view: dict) -> np.ndarray:
    """The landmarks the metrics measured on: cleaned as :func:`metrics.gait.build_gait` cleans
    for the analysis' view (swap-repaired, feet separated in side view, gap-filled, low-passed)."""
    side_view = view.get("kind") == "side"
    # Replay, stills and curves of one report all ask; cleaning takes ~0.6 s a clip, so keep it
    # with the track (read-only for everyone downstream).
    kept = track.__dict__.setdefault("_cleaned_xy", {})
    if side_view not in kept:
        kept[side_view] = clean(track.image_xy.astype(float), track.time_s, side_view=side_view).xy
        kept[side_view].flags.writeable = False
    return kept[side_view]


def forward_sign(view: dict, xy: np.ndarray) -> int:
    """+1 if the runner runs toward image-right, -1 toward image-left (the analysis' view first)."""
    direction = view.get("direction") or running_direction(xy)
    return -1 if direction == "left" else 1


def side_view_angles(xy: np.ndarray, forward: int) -> dict[str, dict[str, np.ndarray]]:
    """Sagittal angles of every frame, ``{angle: {side: [n]}}``."""
    trunk = lean_from_vertical(midpoint(xy, LEFT_HIP, RIGHT_HIP), midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER),
                               forward)
    out: dict[str, dict[str, np.ndarray]] = {k: {} for k in ("knee_flexion", "thigh", "shank", "foot",
                                                             "trunk_lean")}
    for side in SIDES:
        leg = LEGS[side]
        out["knee_flexion"][side] = knee_flexion(xy, side)
        out["thigh"][side] = angle_from_vertical(xy[:, leg.hip], xy[:, leg.knee], forward)
        out["shank"][side] = angle_from_vertical(xy[:, leg.knee], xy[:, leg.ankle], forward)
        out["foot"][side] = foot_angle(xy, side, forward)
        out["trunk_lean"][side] = trunk
    return out


def rear_view_angles(xy: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Frontal angles of every frame, ``{angle: {side: [n]}}`` (pelvis: side = stance foot)."""
    return {
        "pelvic_drop": {s: pelvic_drop_series(xy, s) for s in SIDES},
        "knee_fppa": {s: fppa_series(xy, s) for s in SIDES},
    }


def view_angles(xy: np.ndarray, view: dict, forward: int) -> dict[str, dict[str, np.ndarray]]:
    """The angle curves that suit the analysis' view."""
    return side_view_angles(xy, forward) if view.get("kind", "side") == "side" else rear_view_angles(xy)
