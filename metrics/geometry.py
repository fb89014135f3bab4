"""Plane geometry on landmark arrays: midpoints, segment angles, joint angles.

Coordinates are image pixels, x right and y down.  ``forward`` is +1 when the
runner moves towards image-right and -1 towards image-left, so that every
sagittal angle comes out with the same sign whichever way the runner faces.
"""

from __future__ import annotations

import numpy as np


def midpoint(xy: np.ndarray, a: int, b: int) -> np.ndarray:
    """[..., 2] midpoint of landmarks ``a`` and ``b``."""
    return (xy[..., a, :] + xy[..., b, :]) / 2


def level(d: np.ndarray, roll_deg: float) -> np.ndarray:
    """Image vectors ``d`` [..., 2] turned back by the camera's roll (:mod:`vision.roll`, + the scene turned
    clockwise): x along the world's horizontal, y along its vertical.

    >>> level(np.array([10.0, 0.0]), 90.0).round(6).tolist()  # the scene turned a quarter: image-down was right
    [0.0, -10.0]
    """
    c, s = np.cos(np.radians(roll_deg)), np.sin(np.radians(roll_deg))
    return np.stack([c * d[..., 0] + s * d[..., 1], -s * d[..., 0] + c * d[..., 1]], axis=-1)


def angle_from_vertical(top: np.ndarray, bottom: np.ndarray, forward: int, roll_deg: float = 0.0) -> np.ndarray:
    """Angle (deg) of the segment ``top``→``bottom`` from straight down, positive
    when ``bottom`` lies forward of ``top``; ``roll_deg`` is the camera's roll
    (:mod:`vision.roll`, + the scene turned clockwise), taken out so the angle is from the world's vertical.

    >>> float(angle_from_vertical(np.array([0., 0]), np.array([1., 1]), forward=1))
    45.0
    """
    d = bottom - top
    return np.degrees(np.arctan2(forward * d[..., 0], d[..., 1])) + forward * roll_deg


def lean_from_vertical(bottom: np.ndarray, top: np.ndarray, forward: int, roll_deg: float = 0.0) -> np.ndarray:
    """Angle (deg) of the segment ``bottom``→``top`` from straight up, positive
    when ``top`` lies forward of ``bottom`` (a forward lean); ``roll_deg`` as in :func:`angle_from_vertical`.

    >>> float(lean_from_vertical(np.array([0., 10]), np.array([-1., 0]), forward=-1)).__round__(1)
    5.7
    """
    d = top - bottom
    return np.degrees(np.arctan2(forward * d[..., 0], -d[..., 1])) - forward * roll_deg


def interior_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle (deg) at ``b`` between ``b``→``a`` and ``b``→``c``; 180 for a straight line.

    >>> float(interior_angle(np.array([0., 0]), np.array([0., 1]), np.array([1., 1])))
    90.0
    """
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
