"""A measure's change over the clip (fatigue drift): a robust trend of its per-stride values, and whether it is real.

A drift is a clinical claim, so it must not depend on pose noise that a few
strides, one leg or the direction the runner faces carries.  The trend is
Theil-Sen's (the median of pairwise slopes: a few odd strides cannot make it),
its interval is widened for strides that wander together, and in a side view a
measure of the stride's own leg needs the near leg's own strides to confirm
the change: the far leg is partly hidden behind the near one, and its pose
noise can carry a trend by itself (measured on
zzzhushi_treadmill_side_portrait_30fps, the video and its mirror image,
2026-11-30: the far leg's hip extension rose +7.6 deg in one and +4.3 deg in
the other, the near leg's +2.8 (one-sided p 0.18) and +4.9; with toe-offs timed
on the take-off the near leg read +2.8 and +7.7 (p 0.016), so the near leg
confirms the change in the mirror image only).  A confirmation, not a second
discovery: with half the strides a near leg alone misses real
drifts (injected overstride drifts on synthetic runners: near legs +3.5 and
+3.7 cm at p 0.01-0.03, found by both legs together).

How large a change must be to be stated also depends on how differently the
same run reads when filmed differently: :func:`filming_floor`, measured on real
clips and their mirrored, re-timed, trimmed, compressed and letterboxed versions
(benchmarks/filming_change.py), which the change's uncertainty takes in beside
the synthetic runners' error of a change (:func:`metrics.accuracy.change_floor`).
With it no version of zzzhushi states its +4.3 to +5.4 deg hip-extension change
any more: where the near leg confirms it (mirrored, letterboxed), it is within the
meaningful 2 deg plus +/-3.5-3.7 deg (see tests/test_metrics_symmetry.py).

A change in flight time or duty factor, which are made of the contact, step and
stride times, is stated only when one of those shows it too
(:func:`unconfirmed_by_definition`): a run of mistimed initial contacts can move
the derived measures past every test above while no interval changes detectably.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau, theilslopes

from metrics.spec import MetricSpec, words
from metrics.temporal import DEFINED_BY

DRIFT_ALPHA = 0.01  # a drift is a clinical claim: one clip in a hundred may show a false one by chance
# The near leg confirms the direction of a change both legs' strides found (it need not find it alone, with half
# the strides): one-sided, at this level.
NEAR_ALPHA = 0.05
MIN_STRIDES = 8  # fewer strides than this cannot show a trend
FILMING_PATH = Path(__file__).with_name("filming_change.json")


@cache
def _filming() -> dict:
    return json.loads(FILMING_PATH.read_text()) if FILMING_PATH.is_file() else {}


# What a filming floor is of: its table in metrics/filming_change.json, and its words in a decline.
_FILMED = {"change": ("measures", "a change"), "value": ("values", "its value")}


def filming_floor(name: str, of: str = "change") -> float:
    """How far (90th percentile) measure ``name``'s change over the clip (``of="change"``), or its clip value
    (``of="value"``), reads from the same run's other versions.

    The versions are real side running clips and their metamorphic transforms (mirrored, 30/25 fps, start trimmed,
    CRF 35, letterboxed; benchmarks/filming_change.py); 0 where unmeasured.  The pose model's error on real video,
    which the synthetic runners under-state: zzzhushi's near leg read its hip-extension change +2.8 deg in the video
    and +7.7 in its mirror image; mhuang24's overstride read 25.3-31.0 % leg over its versions.

    >>> filming_floor("no_such_measure"), filming_floor("no_such_measure", of="value")
    (0.0, 0.0)
    """
    return float((_filming().get(_FILMED[of][0], {}).get(name) or {}).get("p90_abs") or 0.0)


def filming_note(name: str, unit: str, of: str = "change") -> str:
    """The clause saying an uncertainty covers the real-video floor of measure ``name`` ("" when none)."""
    f = filming_floor(name, of)
    return (f", which covers the +/-{f:.1f} {unit} by which {_FILMED[of][1]} reads differently when the same run is "
            "filmed differently" if f else "")


def min_drift(spec: MetricSpec) -> float:
    """The smallest change over a clip :func:`drift` may call a drift (:meth:`MetricSpec.meaningful_change`)."""
    return spec.meaningful_change()


def drift(times: np.ndarray, values: np.ndarray, start: float, end: float,
          feet: np.ndarray | None = None, min_strides: int = MIN_STRIDES, min_change: float = 0.0,
          near: str | None = None) -> dict | None:
    """The measure's linear trend over the clip (fatigue drift), with its size and the detectable change.

    Each foot's own median is taken out first, so a steady left/right difference
    is not mistaken for noise.  The trend is Theil-Sen's with its 99 % interval;
    ``change`` is the trend over the whole clip, ``detectable_change`` the
    largest of the interval's half-width (widened for strides that wander
    together), the stride-to-stride spread (the inter-quartile range of the
    strides around the trend) and ``min_change``.  Significant only when the
    change exceeds the detectable change and Kendall's rank correlation with
    time has p < 0.01.  ``early`` and ``late`` are the medians of the clip's
    first and last thirds.

    ``near`` (a side view's near foot, for a measure of the stride's own leg): that
    foot's strides alone must confirm the direction (Kendall's one-sided p < 0.05,
    ``near_p_value``; ``near_change`` its own Theil-Sen change); ``far_leg_only``
    says when both legs' strides together showed a change the near leg does not.

    >>> t = np.arange(20.0)
    >>> d = drift(t, 3 + 0.3 * t + np.tile([0.2, -0.2], 10), 0.0, 20.0)
    >>> d["change"], d["significant"]
    (6.0, True)
    >>> drift(t, 3 + np.tile([0.2, -0.2], 10), 0.0, 20.0)["significant"]
    False
    >>> t, feet = np.arange(24.0), np.tile(["left", "right"], 12)
    >>> far_rises = 3 + np.where(feet == "right", 0.4 * t, 0.05 * t) + np.tile([0.6, 0.6, -0.6, -0.6], 6)
    >>> d = drift(t, far_rises, 0.0, 24.0, feet, near="left")
    >>> d["change"], d["near_change"], d["significant"], d["far_leg_only"]
    (5.164, 1.2, False, True)
    """
    times, values = np.asarray(times, float), np.asarray(values, float)
    d = _trend(times, values, start, end, feet, min_strides, min_change)
    if d is None or near is None or feet is None or not np.any(feet != near):
        return d
    mine = feet == near
    near_change, near_p = _confirmation(times[mine], values[mine], end - start, d["change"])
    near_significant = near_p < NEAR_ALPHA
    return d | {"near": near, "near_change": near_change, "near_p_value": near_p,
                "near_significant": near_significant, "far_leg_only": d["significant"] and not near_significant,
                "significant": d["significant"] and near_significant}


def unconfirmed_by_definition(name: str, change: float, drifts: dict[str, dict | None]) -> str | None:
    """Why a change over the clip in a measure computed from two events' times is not stated, or None.

    Flight time is the step time minus the contact time, duty factor the contact time over the stride time
    (:data:`metrics.temporal.DEFINED_BY`): a change in one of them is a change in one of its intervals, so one of
    those, judged by :func:`drift` on its own strides (``drifts``, by measure), must show it in the matching
    direction.  A derived change with none of its intervals changing is what a run of mistimed events makes; a
    real one shows in the contact time (or, with the cadence, in the step or stride time), which is stated by
    itself.

    Why it is needed (the synthetic CHECKING run side-126-drift, whose pose track finds the last initial contacts
    75-131 ms late as the injected overstride grows; 2026-11-30): flight time +96 ms and duty factor -11.8 % over
    the clip passed every check of :func:`drift` (true +1.8 ms and -0.5 %).  The error grows over the last third,
    so Theil-Sen and Kendall see a consistent trend, not a few odd strides.  The AR(1) widening, which keeps the
    contact time's -83 ms within its +/-133 ms (residual lag-1 autocorrelation 0.52), hardly widens the derived
    measures (0.09 flight time, 0.00 duty factor): each mixes the errors of several events (a late initial contact
    lengthens the flight before it, shortens its own contact and lengthens the stride before it), which breaks up
    the persistence.  And the error of a change measured on the synthetic runners (p90 16.8 ms, 3.8 %) is far
    below a run of 75-131 ms errors.

    >>> contact = {"change": -83.0, "detectable_change": 133.0, "significant": False}
    >>> step = {"change": 21.0, "detectable_change": 49.0, "significant": False}
    >>> why = unconfirmed_by_definition("flight_time_ms", 96.0, {"ground_contact_time_ms": contact,
    ...                                                          "step_time_ms": step})
    >>> why.startswith("the flight time is the step time minus the contact time, and neither shows this change")
    True
    >>> unconfirmed_by_definition("flight_time_ms", 96.0, {"ground_contact_time_ms": contact | {"significant": True},
    ...                                                    "step_time_ms": step}) is None
    True
    >>> rising = contact | {"change": 83.0, "significant": True}  # a longer contact cannot make a longer flight
    >>> unconfirmed_by_definition("flight_time_ms", 96.0, {"ground_contact_time_ms": rising}) is None
    False
    >>> unconfirmed_by_definition("trunk_lean_deg", 5.0, {}) is None
    True
    """
    if name not in DEFINED_BY:
        return None
    what, parts = DEFINED_BY[name]
    for other, _, sign in parts:
        d = drifts.get(other)
        if d and d["significant"] and np.sign(d["change"]) == sign * np.sign(change):
            return None
    seen = "; ".join(f"{said}: no trend could be judged" if not (d := drifts.get(other)) else
                     f"{said} {d['change']:+.0f} ms over the clip, detectable +/-{d['detectable_change']:.0f} ms"
                     for other, said, _ in parts)
    return (f"the {words(name).lower()} is {what}, and neither shows this change in the matching direction "
            f"({seen}), so the change may come from mistimed initial contacts or toe-offs rather than from the "
            "runner")


def _confirmation(times: np.ndarray, values: np.ndarray, span: float, change: float) -> tuple[float | None, float]:
    """The near leg's own change over the clip and the one-sided p of a trend in ``change``'s direction."""
    if len(values) < MIN_STRIDES // 2 or np.ptp(times) == 0:
        return None, 1.0
    own = float(theilslopes(values, times)[0]) * span
    p = float(kendalltau(times, values, alternative="greater" if change > 0 else "less").pvalue)
    return round(own, 3), round(p, 4) if np.isfinite(p) else 1.0


def _trend(times: np.ndarray, values: np.ndarray, start: float, end: float, feet: np.ndarray | None,
           min_strides: int, min_change: float) -> dict | None:
    if len(values) < min_strides:
        return None
    v = values.copy()
    if feet is not None:
        for foot in set(feet):
            v[feet == foot] -= np.median(v[feet == foot])
    slope, _, lo, hi = (float(x) for x in theilslopes(v, times, alpha=1 - DRIFT_ALPHA))
    span = end - start
    tm = float(np.median(times))
    residual = v - slope * (times - tm)
    spread = iqr(residual)
    change = slope * span
    # Stride values wander together (a pose error lasts a few strides), which a trend
    # interval for independent strides would understate: widen it by the residuals'
    # lag-1 autocorrelation (the usual AR(1) variance inflation).
    r = residual[np.argsort(times)] - residual.mean()
    rho = min(max(float(np.sum(r[1:] * r[:-1]) / max(np.sum(r * r), 1e-12)), 0.0), 0.9)
    inflation = float(np.sqrt((1 + rho) / (1 - rho)))
    detectable = max(spread, (hi - lo) / 2 * span * inflation, min_change)
    p = float(kendalltau(times, v).pvalue)
    if not np.isfinite(p):
        p = 1.0  # no ranking at all (every value equal): no evidence of a trend
    third = span / 3
    thirds = (values[times < start + third], values[times >= end - third])
    if not (all(len(x) for x in thirds) and np.isfinite(change) and np.isfinite(detectable)):
        return None  # strides in one third only, or no spread in time: a trend cannot be judged
    early, late = (float(np.median(x)) for x in thirds)
    return {"early": round(early, 3), "late": round(late, 3),
            "change": round(change, 3), "detectable_change": round(detectable, 3),
            "spread": round(spread, 3), "p_value": round(p, 4),
            "significant": bool(abs(change) > detectable and p < DRIFT_ALPHA)}


def iqr(x: np.ndarray) -> float:
    """Inter-quartile range of ``x``."""
    q1, q3 = np.percentile(x, [25, 75])
    return float(q3 - q1)
