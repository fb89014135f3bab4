"""The varied synthetic runners validation uses: many looks, a spread of gaits, with and without drift.

Each run is a gait drawn from a seed (within typical recreational ranges) filmed
with a look drawn from the same seed (:mod:`synth.look`).  Drift runs inject
the fatigue pattern a therapist looks for: in a rear view the pelvis drops and
the knee collapses more as the run goes on; in a side view the trunk leans
further and the foot lands further ahead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from synth.look import with_look
from synth.params import RenderSettings, RunnerParams

# Injected fatigue drifts (start, end over the clip), per view.
DRIFTS = {
    "rear": {"pelvic_drop_deg": (3.0, 9.0), "knee_collapse_deg": (2.0, 8.0)},
    "side": {"trunk_lean_deg": (4.0, 10.0), "overstride_cm": (4.0, 14.0)},
}


@dataclass(frozen=True)
class Run:
    name: str
    params: RunnerParams
    settings: RenderSettings
    drift: dict = field(default_factory=dict)


def gait(seed: int) -> RunnerParams:
    """A recreational runner's gait drawn from ``seed``."""
    rng = np.random.default_rng([seed, 1729])
    drop, collapse = rng.uniform(2.0, 6.0, 2), rng.uniform(1.0, 6.0, 2)
    return RunnerParams(
        cadence_spm=float(rng.uniform(160, 182)), belt_speed_kmh=float(rng.uniform(9, 12)),
        contact_time_ms=float(rng.uniform(230, 280)), trunk_lean_deg=float(rng.uniform(3, 9)),
        overstride_cm=float(rng.uniform(3, 12)), foot_strike_angle_deg=float(rng.choice([15.0, 9.0, 3.0, -5.0])),
        knee_flexion_at_contact_deg=float(rng.uniform(14, 24)), hip_extension_deg=float(rng.uniform(14, 20)),
        pelvic_drop_left_deg=float(drop[0]), pelvic_drop_right_deg=float(drop[1]),
        knee_collapse_left_deg=float(collapse[0]), knee_collapse_right_deg=float(collapse[1]),
    )


def runs(n_looks: int = 20, n_drift: int = 10, duration_s: float = 6.0, drift_duration_s: float = 8.0,
         first_seed: int = 100) -> list[Run]:
    """``n_looks`` looks in each view without drift, then ``n_drift`` per view with the fatigue drift."""
    out = []
    for view in ("side", "rear"):
        for k in range(n_looks + n_drift):
            seed = first_seed + k
            drifting = k >= n_looks
            params = gait(seed)
            if drifting:
                params = RunnerParams(**{**params.to_dict(), "drift": DRIFTS[view]})
            settings = RenderSettings(view=view, seed=seed, duration_s=drift_duration_s if drifting else duration_s)
            params, settings = with_look(params, settings, seed)
            out.append(Run(f"{view}-{seed}{'-drift' if drifting else ''}", params, settings,
                           DRIFTS[view] if drifting else {}))
    return out
