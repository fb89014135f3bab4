"""A pinhole camera looking at the treadmill from the side or from behind.

>>> cam = Camera.for_view("side", 1280, 720, distance=3.6, height_m=1.0, vfov_deg=40)
>>> uv, depth = cam.project(np.array([[0.0, 0.0, 1.0]]))
>>> bool(abs(uv[0, 0] - 640) < 1e-6), round(float(depth[0]), 2)
(True, 3.6)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AIM_HEIGHT = 0.85  # m above the belt: the camera aims at about hip height


@dataclass(frozen=True)
class Camera:
    """World-to-image projection: ``position`` (m), orthonormal ``right``/``down``/``forward`` axes."""

    position: np.ndarray
    right: np.ndarray
    down: np.ndarray
    forward: np.ndarray
    focal_px: float
    centre: tuple[float, float]
    size: tuple[int, int]

    @classmethod
    def for_view(cls, view: str, width: int, height: int, distance: float, height_m: float,
                 vfov_deg: float, aim_height_m: float = AIM_HEIGHT, roll_deg: float = 0.0) -> Camera:
        """Side view: camera on the runner's right (runner heads to image right); rear: behind.

        ``roll_deg`` turns the camera about its optical axis so that the scene appears
        turned clockwise by that angle (a phone held slightly crooked).
        """
        target = np.array([0.0, 0.0, aim_height_m])
        if view == "side":
            position = np.array([0.0, -distance, height_m])
        else:
            position = np.array([-distance, 0.0, height_m])
        forward = target - position
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        down = np.cross(forward, right)
        c, s = np.cos(np.radians(roll_deg)), np.sin(np.radians(roll_deg))
        right, down = c * right - s * down, s * right + c * down
        focal = (height / 2) / np.tan(np.radians(vfov_deg) / 2)
        return cls(position, right, down, forward, float(focal), (width / 2, height / 2), (width, height))

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Image positions [..., 2] (px, x right, y down) and depths [...] (m) of world points [..., 3]."""
        rel = np.asarray(points, float) - self.position
        depth = rel @ self.forward
        u = self.centre[0] + self.focal_px * (rel @ self.right) / depth
        v = self.centre[1] + self.focal_px * (rel @ self.down) / depth
        return np.stack([u, v], -1), depth

    def to_dict(self) -> dict:
        return {"position_m": self.position.tolist(), "forward": self.forward.tolist(),
                "focal_px": self.focal_px, "size_px": list(self.size)}
