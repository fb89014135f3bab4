"""Many looks for one runner: appearance and filming drawn from a seed.

A look changes how the runner appears and how it is filmed — body proportions,
skin, clothing and shoes, camera height, distance, tilt and roll, motion blur,
sensor noise, a cluttered room, portrait or landscape — never how it runs, so
the ground truth's gait parameters stay those asked for.  Validation over many
looks says whether a figure holds for runners and cameras unlike the default.

>>> from synth.params import RenderSettings, RunnerParams
>>> p, r = with_look(RunnerParams(), RenderSettings(), 3)
>>> p.cadence_spm == RunnerParams().cadence_spm, 0.9 < p.leg_length_scale < 1.1
(True, True)
>>> with_look(RunnerParams(), RenderSettings(), 3) == (p, r)   # same seed, same look
True
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from synth.params import RenderSettings, RunnerParams

# Skin tones from light to dark (sRGB), roughly spanning the Fitzpatrick scale.
SKIN_TONES = ("#f3d3bd", "#e8b998", "#deaa86", "#c68863", "#a86a45", "#7d4c2f", "#5a3422", "#3d2318")
HAIR = ("#1c1410", "#3a2618", "#6b4a2b", "#b08850", "#8a8a8a", "#a03c1e")


def _hex(rng: np.random.Generator, lo: int = 15, hi: int = 240) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in rng.integers(lo, hi, 3))


def with_look(params: RunnerParams, settings: RenderSettings, look_seed: int) -> tuple[RunnerParams, RenderSettings]:
    """``params`` and ``settings`` with the look drawn from ``look_seed`` (gait parameters untouched)."""
    rng = np.random.default_rng([look_seed, 20261129])
    body = {
        "height_m": float(rng.uniform(1.55, 1.95)),
        "leg_length_scale": float(rng.uniform(0.94, 1.06)),
        "hip_width_scale": float(rng.uniform(0.85, 1.2)),
        "shoe_length_scale": float(rng.uniform(0.9, 1.1)),
    }
    portrait = bool(rng.random() < 0.3)
    side = settings.view == "side"
    look = {
        "width": 720 if portrait else 1280, "height": 1280 if portrait else 720,
        # Portrait phones need a wider vertical field to keep the belt in frame.
        "vertical_fov_deg": float(rng.uniform(58, 68) if portrait else rng.uniform(36, 46)),
        "camera_distance_m": float(rng.uniform(3.0, 4.4) if side else rng.uniform(2.9, 4.0)),
        "camera_height_m": float(rng.uniform(0.6, 1.4)),
        "camera_aim_height_m": float(rng.uniform(0.7, 1.0)),
        "camera_roll_deg": float(rng.normal(0.0, 1.5)),
        "motion_blur": int(rng.choice([1, 1, 2, 3])),
        "noise_std": float(rng.choice([0.0, 2.0, 4.0, 6.0])),
        "clutter": int(rng.choice([0, 3, 6, 10])),
        "skin_rgb": str(rng.choice(SKIN_TONES)),
        "hair_rgb": str(rng.choice(HAIR)),
        "shirt_rgb": _hex(rng), "shorts_rgb": _hex(rng, 10, 200), "sock_rgb": _hex(rng, 120, 250),
        "shoe_left_rgb": _hex(rng), "shoe_right_rgb": _hex(rng),
    }
    if rng.random() < 0.4:  # often a pair of shoes of one colour
        look["shoe_right_rgb"] = look["shoe_left_rgb"]
    return replace(params, **body), replace(settings, **look)
