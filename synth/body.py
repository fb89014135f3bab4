"""The synthetic runner's body: segment lengths and landmark offsets, scaled by height.

Proportions follow Winter's anthropometric table (Biomechanics and Motor
Control of Human Movement, 4th ed., table 4.1), rounded; the foot includes a
running shoe (sole 3 cm).  World axes: x forward (running direction), y to the
runner's left, z up; the belt is the plane z = 0.

>>> b = Body.from_height(1.75)
>>> round(b.thigh, 3), round(b.foot_length, 3)
(0.43, 0.27)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Body:
    """Lengths in metres of one runner."""

    height: float
    thigh: float  # hip joint centre to knee joint centre
    shank: float  # knee to ankle joint centre
    hip_half_width: float  # mid-hip to each hip joint centre
    heel: tuple[float, float]  # heel landmark (back of the shoe's sole) from the ankle, foot flat: (x, z)
    toe: tuple[float, float]  # foot_index landmark (toe of the sole) from the ankle, foot flat
    trunk: float  # mid-hip to mid-shoulder
    shoulder_half_width: float
    upper_arm: float
    forearm: float
    head_centre: tuple[float, float]  # from mid-shoulder, (forward, up), head upright
    head_radii: tuple[float, float, float]  # ellipsoid (forward, lateral, up)

    @classmethod
    def from_height(cls, height: float, leg: float = 1.0, hips: float = 1.0, shoe: float = 1.0) -> Body:
        """Winter's proportions scaled to ``height``; ``leg``, ``hips`` and ``shoe`` scale the
        leg segments, the pelvis width and the shoe's length (1 = Winter's average runner)."""
        s = height / 1.75
        return cls(
            height=height, thigh=0.43 * s * leg, shank=0.43 * s * leg, hip_half_width=0.095 * s * hips,
            heel=(-0.07 * s * shoe, -0.085 * s), toe=(0.20 * s * shoe, -0.085 * s),
            trunk=0.50 * s, shoulder_half_width=0.175 * s, upper_arm=0.29 * s, forearm=0.25 * s,
            head_centre=(0.03 * s, 0.26 * s), head_radii=(0.100 * s, 0.078 * s, 0.115 * s),
        )

    @property
    def scale(self) -> float:
        return self.height / 1.75

    @property
    def foot_length(self) -> float:
        """Heel landmark to toe landmark (the sole's contact length)."""
        return self.toe[0] - self.heel[0]

    def reach(self) -> float:
        """Longest hip-to-ankle distance the leg allows (knee straight, with a hair of slack)."""
        return (self.thigh + self.shank) * 0.9999

    def knee_span(self, flexion_deg: float | np.ndarray) -> float | np.ndarray:
        """Hip-to-ankle distance when the knee is flexed by ``flexion_deg``."""
        k = np.radians(flexion_deg)
        return np.sqrt(self.thigh ** 2 + self.shank ** 2 + 2 * self.thigh * self.shank * np.cos(k))

    def face(self) -> dict[str, tuple[float, float, float]]:
        """Face landmarks from the head centre, facing +x: (forward, left, up) in metres."""
        s = self.scale
        f = {
            "nose": (0.112, 0.0, -0.012),
            "left_eye_inner": (0.088, 0.016, 0.022), "left_eye": (0.082, 0.032, 0.024),
            "left_eye_outer": (0.072, 0.047, 0.022),
            "left_ear": (-0.005, 0.080, 0.005),
            "mouth_left": (0.085, 0.022, -0.055),
        }
        for name in list(f):
            if name.startswith(("left", "mouth_left")):
                x, y, z = f[name]
                f[name.replace("left", "right")] = (x, -y, z)
        return {k: (x * s, y * s, z * s) for k, (x, y, z) in f.items()}
