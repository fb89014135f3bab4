"""From per-stride values to a clip summary: medians, spread, sides, symmetry, drift, confidence."""

from __future__ import annotations

import numpy as np
from scipy.stats import mannwhitneyu

from metrics.analysis import Confidence, Metric
from metrics.gait import Gait
from metrics.reference import STABLE_MEAN_SOURCE, STABLE_MEAN_STEPS, reference
from metrics.spec import MetricSpec
from vision.landmarks import LANDMARK_NAMES

LEVELS = ("low", "medium", "high")


def per_stride_values(g: Gait, spec: MetricSpec) -> list[float | None]:
    """The metric for each stride of ``g`` (None where it cannot be measured)."""
    out = []
    for s in g.strides:
        v = spec.per_stride(g, s)
        out.append(float(v) if v is not None and np.isfinite(v) else None)
    return out


def symmetry_index(left: float | None, right: float | None) -> float | None:
    """SI = 100 x (R - L) / (0.5 x (R + L)), in %; positive = right larger.

    >>> symmetry_index(100.0, 110.0)
    9.52
    """
    if left is None or right is None or left + right <= 0:
        return None
    return round(100 * (right - left) / (0.5 * (right + left)), 2)


def drift(times: np.ndarray, values: np.ndarray, start: float, end: float, min_strides: int = 5) -> dict | None:
    """First third vs last third of the clip.

    Significant only when the change exceeds the stride-to-stride spread (mean
    inter-quartile range within the two thirds) and the two thirds differ by a
    rank test (Mann-Whitney, p < 0.05), so a few odd strides cannot flag it.
    """
    third = (end - start) / 3
    early, late = values[times < start + third], values[times >= end - third]
    if len(early) < min_strides or len(late) < min_strides:
        return None
    e, l_ = float(np.median(early)), float(np.median(late))
    spread = float(np.mean([_iqr(early), _iqr(late)]))
    change = l_ - e
    p = float(mannwhitneyu(early, late).pvalue)
    return {"early": round(e, 3), "late": round(l_, 3), "change": round(change, 3),
            "spread": round(spread, 3), "p_value": round(p, 4), "significant": bool(abs(change) > spread and p < 0.05)}


def _iqr(x: np.ndarray) -> float:
    q1, q3 = np.percentile(x, [25, 75])
    return float(q3 - q1)


def worst_side_visibility(visibility: np.ndarray, landmarks: tuple[int, ...]) -> tuple[str | None, float]:
    """Mean visibility of the landmarks on the worse-seen side (the far leg in a side view)."""
    groups = {side: [j for j in landmarks if LANDMARK_NAMES[j].startswith(side)] for side in ("left", "right")}
    means = {side: float(np.nanmean(visibility[:, js])) for side, js in groups.items() if js}
    if not means:
        return None, float(np.nanmean(visibility[:, list(landmarks)]))
    side = min(means, key=means.get)
    return side, means[side]


def confidence(g: Gait, spec: MetricSpec, n: int) -> Confidence:
    """How far to trust the metric on this clip, with reasons in plain words."""
    score, reasons = 1.0, []
    if n < 3:
        score *= 0.3
        reasons.append(f"only {n} stride(s) measured")
    elif n < STABLE_MEAN_STEPS:
        score *= 0.7
        reasons.append(f"{n} strides; at least {STABLE_MEAN_STEPS} give a stable mean ({STABLE_MEAN_SOURCE})")
    fps = g.fps
    if fps < spec.high_confidence_fps / 2:
        score *= 0.4
        reasons.append(f"{fps:.0f} fps is far below the {spec.high_confidence_fps:.0f} fps this measure needs")
    elif fps < spec.high_confidence_fps:
        score *= 0.7
        reasons.append(f"{fps:.0f} fps: events are timed to +/-{1000 / fps:.0f} ms; "
                       f"{spec.high_confidence_fps:.0f} fps or more is better")
    if spec.landmarks:
        side, vis = worst_side_visibility(g.visibility, spec.landmarks)
        where = f"on the {side} side " if side else ""
        if vis < 0.5:
            score *= 0.5
            reasons.append(f"landmarks {where}poorly visible (mean visibility {vis:.2f})")
        elif vis < 0.8:
            score *= 0.85
            reasons.append(f"landmarks {where}partly hidden (mean visibility {vis:.2f})")
    if spec.unit in ("cm", "m") and g.scale.source == "runner height":
        score *= 0.8
        reasons.append("scale estimated from the runner's height (body proportions)")
    level = "high" if score >= 0.75 else "medium" if score >= 0.45 else "low"
    if LEVELS.index(level) > LEVELS.index(spec.max_confidence):
        level = spec.max_confidence
        score = min(score, 0.44 if level == "low" else 0.74)
        reasons.append("the pose model cannot see this directly")
    return Confidence(level, round(score, 2), reasons)


def summarise(g: Gait, spec: MetricSpec, values: list[float | None]) -> Metric | None:
    """The clip-level :class:`Metric` from per-stride values, or None when no stride had a value."""
    rows = [(s, v) for s, v in zip(g.strides, values) if v is not None]
    if not rows:
        return None
    vals = np.array([v for _, v in rows])
    sides = {foot: np.array([v for s, v in rows if s.foot == foot]) for foot in ("left", "right")}
    if spec.name == "cadence_spm":
        # Cadence is 60 / mean step time, not the median of per-step rates.
        center = lambda x: 60.0 / float(np.mean(60.0 / x)) if len(x) else None  # noqa: E731
    else:
        center = lambda x: float(np.median(x)) if len(x) else None  # noqa: E731
    left, right = center(sides["left"]), center(sides["right"])
    times = np.array([s.start_s for s, _ in rows])
    value = center(vals)
    if spec.name == "cadence_spm" and g.step_period_s:
        # The whole clip's step period (metrics.periodicity): no missed contact can bias it.
        value = 60.0 / g.step_period_s
    return Metric(
        name=spec.name, value=_round(value), unit=spec.unit, definition=spec.definition,
        left=_round(left), right=_round(right), spread=_round(_iqr(vals)), n_strides=len(vals),
        reference=reference(spec.name), confidence=confidence(g, spec, len(vals)),
        symmetry_index_pct=symmetry_index(left, right) if spec.ratio_scale else None,
        drift=drift(times, vals, float(g.time_s[0]), float(g.time_s[-1])),
        side_difference=_round(right - left) if left is not None and right is not None else None,
    )


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), digits)
