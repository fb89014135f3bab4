"""The varied synthetic runners validation uses: many looks, frame rates and gaits, with and without drift.

Each run is a gait drawn from a seed (within typical recreational ranges) filmed
with a look drawn from the same seed (:mod:`synth.look`).  Three kinds of run,
in each view:

* plain looks: the first five at 60 fps (the rate of the committed samples),
  further ones alternating 30 and 120 fps (a phone's normal and slow-motion rates);
* drift runs inject the fatigue pattern a therapist looks for: in a rear view
  the pelvis drops and the knee collapses more as the run goes on; in a side
  view the trunk leans further and the foot lands further ahead;
* asymmetric runs inject a left/right difference a finding should report: one
  foot's contact lasts longer, and (rear) one side's pelvis drops and knee
  collapses more.

>>> [r.name for r in runs(n_looks=1, n_drift=1, n_asymmetric=1)]
['side-100', 'side-120-drift', 'side-140-asym', 'rear-100', 'rear-120-drift', 'rear-140-asym']
>>> [r.settings.fps for r in runs(n_looks=7, n_drift=0) if r.settings.view == "side"]
[60.0, 60.0, 60.0, 60.0, 60.0, 30.0, 120.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from synth.look import with_look
from synth.params import RenderSettings, RunnerParams

# Injected fatigue drifts (start, end over the clip), per view.
DRIFTS = {
    "rear": {"pelvic_drop_deg": (3.0, 9.0), "knee_collapse_deg": (2.0, 8.0)},
    "side": {"trunk_lean_deg": (4.0, 10.0), "overstride_cm": (4.0, 14.0)},
}
# Injected left/right differences (the larger side alternates between runs).
ASYMMETRY = {
    "side": {"contact_time_asymmetry_pct": 14.0},
    "rear": {"contact_time_asymmetry_pct": 14.0, "pelvic_drop_deg": (2.0, 8.0), "knee_collapse_deg": (1.0, 8.0)},
}
FIRST_SEED = {"look": 100, "drift": 120, "asym": 140}
BASE_LOOKS = 5  # plain looks at 60 fps before the frame rates alternate


@dataclass(frozen=True)
class Run:
    name: str
    params: RunnerParams
    settings: RenderSettings
    drift: dict = field(default_factory=dict)
    kind: str = "look"  # "look" (plain), "drift" or "asym"


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


def asymmetric(params: RunnerParams, view: str, k: int) -> RunnerParams:
    """``params`` with the view's injected left/right difference, the larger side alternating with ``k``."""
    sign = 1 if k % 2 == 0 else -1
    changes = {}
    for name, value in ASYMMETRY[view].items():
        if name == "contact_time_asymmetry_pct":
            changes[name] = sign * value
        else:
            small, large = value
            left, right = (small, large) if sign > 0 else (large, small)
            changes[f"{name[:-4]}_left_deg"], changes[f"{name[:-4]}_right_deg"] = left, right
    return replace(params, **changes)


def runs(n_looks: int = 20, n_drift: int = 10, n_asymmetric: int = 0, duration_s: float = 6.0,
         drift_duration_s: float = 8.0) -> list[Run]:
    """Per view: ``n_looks`` plain looks, ``n_drift`` with the fatigue drift, ``n_asymmetric`` asymmetric."""
    out = []
    for view in ("side", "rear"):
        for kind, n in (("look", n_looks), ("drift", n_drift), ("asym", n_asymmetric)):
            for k in range(n):
                seed = FIRST_SEED[kind] + k
                params, injected, fps, duration = gait(seed), {}, 60.0, duration_s
                if kind == "look" and k >= BASE_LOOKS:
                    fps = (30.0, 120.0)[(k - BASE_LOOKS) % 2]
                elif kind == "drift":
                    params, injected, duration = replace(params, drift=DRIFTS[view]), DRIFTS[view], drift_duration_s
                elif kind == "asym":
                    params, fps = asymmetric(params, view, k), (120.0, 30.0, 60.0)[k % 3]
                settings = RenderSettings(view=view, seed=seed, fps=fps, duration_s=duration)
                params, settings = with_look(params, settings, seed)
                suffix = "" if kind == "look" else f"-{kind}"
                out.append(Run(f"{view}-{seed}{suffix}", params, settings, injected, kind))
    return out
