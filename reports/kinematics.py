"""Names of the per-frame angle curves a report draws and plots.

The curves themselves are computed once, with the gait, by
:mod:`metrics.joint_angles` and read from :attr:`metrics.gait.Gait.angles`.
"""

from __future__ import annotations

from metrics.joint_angles import SIDES
from metrics.legs import LEGS

__all__ = ["ANGLE_LABELS", "SIDES", "joint"]

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
    """Landmark index of a joint of one leg, e.g. ``joint("left", "knee")``.

    >>> joint("left", "knee")
    25
    """
    return getattr(LEGS[side], name)
