"""From per-stride values to a clip summary: medians, spread, sides, symmetry, drift, confidence, uncertainty.

The uncertainty of a clip value (95 %) combines independent parts by
root-sum-square: the standard error of the median over strides
(1.2533 x robust SD / sqrt(n), robust SD = IQR / 1.349) times 1.96; the
timing error of the frame rate for measures timed between events (half a
frame, which does not average out when the gait period locks to the frame
grid); the measure's error floor (:func:`metrics.accuracy.error_floor`: the
larger of its stated floor and its measured 90th-percentile error on
varied-look synthetic runners); and, for angles to the image's vertical, the
slope of the ground line in the picture.  A left/right difference gets the
same, with both sides' errors combined and the measured error of a difference
as its floor.  A measure whose measured error exceeds its clinically
meaningful change is never of high confidence.
"""

from __future__ import annotations

from dataclasses import astuple

import numpy as np

from metrics.accuracy import change_floor, error_floor, side_difference_floor, too_coarse
from metrics.analysis import Confidence, Metric
from metrics.gait import Gait
from metrics.legs import LEGS
from metrics.reference import STABLE_MEAN_SOURCE, STABLE_MEAN_STEPS
from metrics.spec import MetricSpec
from metrics.trend import drift, iqr, min_drift
from vision.landmarks import LANDMARK_NAMES

LEVELS = ("low", "medium", "high")
FIT_AGREES = 1.25  # a leg's misfit to the fitted body, at most this times the other leg's
IRREGULAR_STEP_CV = 0.10  # robust stride-to-stride variation of step time above which events look irregular
Z95 = 1.96
MAX_SWAPPED_SHARE = 0.05  # legs mixed up in more frames than this: which side is which is in doubt
TILT_DEG = 3.0  # a ground line sloping more than this is worth saying (as the capture check does)
MIN_COVERAGE = 0.75  # fewer contacts than this share of what the rhythm implies: the events are sparse
MAX_RUNNING_DUTY = 0.5  # running has a flight phase: a foot is on the ground for less than half its stride


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


def worst_side_visibility(visibility: np.ndarray, landmarks: tuple[int, ...]) -> tuple[str | None, float]:
    """Mean visibility of the landmarks on the worse-seen side (the far leg in a side view)."""
    groups = {side: [j for j in landmarks if LANDMARK_NAMES[j].startswith(side)] for side in ("left", "right")}
    means = {side: float(np.nanmean(visibility[:, js])) for side, js in groups.items() if js}
    if not means:
        return None, float(np.nanmean(visibility[:, list(landmarks)]))
    side = min(means, key=means.get)
    return side, means[side]


def confidence(g: Gait, spec: MetricSpec, n: int, seen: tuple[float | None, ...] = (),
               misread: str | None = None) -> Confidence:
    """How far to trust the metric on this clip, with reasons in plain words (``seen``: its clip and side values;
    ``misread``: the far leg, when the clip value leaves it out, :func:`far_leg_misread`)."""
    score, reasons = 1.0, []
    if spec.plausible:
        low, high = spec.plausible
        odd = [v for v in seen if v is not None and not low <= v <= high]
        if odd:
            score *= 0.3
            reasons.append(f"{odd[0]:.0f} {spec.unit} is beyond what a running body shows ({low:g} to {high:g}): "
                           "the landmarks or the view are wrong")
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
    irregular = step_time_variation(g)
    if irregular is not None and irregular > IRREGULAR_STEP_CV:
        score *= 0.7
        reasons.append(f"step times vary by {100 * irregular:.0f}% from step to step: the events look irregular")
    for foot, duty in (long_contacts(g) if spec.uses_toe_off else {}).items():
        score *= 0.3
        reasons.append(f"the {foot} foot's contacts last {100 * duty:.0f}% of its stride, longer than running "
                       "allows (it has a flight phase): its toe-offs are probably misplaced")
    coverage = contact_coverage(g)
    if coverage and coverage[0] < MIN_COVERAGE * coverage[1]:
        score *= 0.7
        reasons.append(f"only {coverage[0]} of the about {coverage[1]} contacts the step rhythm implies were found")
    interpolated = interpolated_fraction(g)
    if interpolated > 0:
        score *= 1 - interpolated
        reasons.append(f"{100 * interpolated:.0f}% of the contacts were bridged by the gait rhythm, not seen")
    far = far_leg(g)
    if misread:
        reasons.append(f"the {far} leg is the far one in this side view and reads further from the near leg than "
                       f"this measure's error ({spec.near_leg_tolerance:g} {spec.unit}): the value is the near leg's")
    elif far and set(astuple(LEGS[far])) & set(spec.landmarks):
        # Unless its detections follow the body fitted over the clip (metrics/body_fit.py) as
        # closely as the near leg's do.
        fit = g.notes.get("body_fit", {}).get("agreement", {})
        if len(fit) == 2 and fit[far] <= FIT_AGREES * min(fit.values()):
            reasons.append(f"the {far} leg is the far one in this side view, but its landmarks fit the body "
                           "fitted over the clip as well as the near leg's")
        else:
            score *= 0.85
            reasons.append(f"the {far} leg is the far one in this side view, partly hidden behind the near leg")
    if spec.angle_from_vertical and not g.camera_roll_source and abs(g.ground_tilt_deg) > TILT_DEG:
        score *= 0.85
        reasons.append(f"the ground line slopes {abs(g.ground_tilt_deg):.0f} deg in the picture: a tilted camera "
                       "shifts angles from vertical by up to that")
    if belt_image_speed_used(g, spec):
        # The belt's image speed comes from the feet in stance, which the pose model draws lagging
        # the belt: distances read 25-55 % long on synthetic runners (benchmarks/validate_synth.py).
        score *= 0.4
        reasons.append("lengths from the treadmill belt's speed in the picture, which the pose model's feet under-read "
                       "in stance (distances read 25-55% long on synthetic runners): give the runner's height and the "
                       "treadmill speed")
    if spec.unit in ("cm", "m") and g.scale.source == "runner height":
        score *= 0.8
        reasons.append("scale estimated from the runner's height (body proportions)")
    level = "high" if score >= 0.75 else "medium" if score >= 0.45 else "low"
    for cap, why in ((spec.max_confidence, "the pose model cannot see this directly"),
                     ("medium", too_coarse(spec, g.view.kind))):
        if why and LEVELS.index(level) > LEVELS.index(cap):
            level = cap
            score = min(score, 0.44 if level == "low" else 0.74)
            reasons.append(why)
    return Confidence(level, round(score, 2), reasons)


def belt_image_speed_used(g: Gait, spec: MetricSpec) -> bool:
    """Whether a treadmill measure's value rests on the belt's speed in the image (its scale, or a step length).

    Only a typed belt speed with a scale from the runner's height avoids it for the ratios.
    """
    if not spec.pixel_scaled or g.setting != "treadmill":
        return False
    ratio = spec.unit not in ("cm", "m")  # vertical ratio, stride length in leg lengths
    return g.scale.source == "treadmill belt" or (ratio and not (g.scale.belt_speed_m_s and g.scale.px_per_m))


def step_time_variation(g: Gait) -> float | None:
    """Robust coefficient of variation of step times within each foot, the larger of the two (None: < 4 steps).

    Within a foot, so that steady left/right alternation (a limp) does not count as irregular events.

    >>> from types import SimpleNamespace as S
    >>> steps = [S(foot=f, step_time_s=t) for f, t in zip("lrlrlrlr", (0.31, 0.39, 0.31, 0.39, 0.32, 0.38, 0.31, 0.39))]
    >>> round(step_time_variation(S(strides=steps)), 3)  # 20% alternation, 1 frame of jitter
    0.006
    """
    cv = []
    for foot in {s.foot for s in g.strides}:
        steps = np.array([s.step_time_s for s in g.strides if s.foot == foot and s.step_time_s])
        if len(steps) >= 4:
            cv.append(iqr(steps) / 1.349 / float(np.median(steps)))
    return max(cv) if cv else None


def long_contacts(g: Gait) -> dict[str, float]:
    """Feet whose median contact lasts half their stride or more (their median duty factor), which running cannot do.

    >>> from types import SimpleNamespace as S
    >>> strides = [S(foot="left", contact_time_s=0.25, stride_time_s=0.7)] * 3 + [
    ...            S(foot="right", contact_time_s=0.45, stride_time_s=0.7)] * 3
    >>> long_contacts(S(strides=strides))
    {'right': 0.643}
    """
    out = {}
    for foot in ("left", "right"):
        duty = [s.contact_time_s / s.stride_time_s for s in g.strides
                if s.foot == foot and s.contact_time_s and s.stride_time_s]
        if len(duty) >= 3 and np.median(duty) >= MAX_RUNNING_DUTY:
            out[foot] = round(float(np.median(duty)), 3)
    return out


def contact_coverage(g: Gait) -> tuple[int, int] | None:
    """(contacts found, contacts the gait rhythm says the clip holds), or None without a step time.

    >>> from types import SimpleNamespace as S
    >>> g = S(strides=[S(step_time_s=0.35)] * 6, contacts=[None] * 6, time_s=[0.0, 7.0])
    >>> contact_coverage(g)
    (6, 20)
    """
    steps = [s.step_time_s for s in g.strides if s.step_time_s]
    if not steps:
        return None
    expected = int((g.time_s[-1] - g.time_s[0]) / float(np.median(steps)))
    return len(g.contacts), expected


def interpolated_fraction(g: Gait) -> float:
    """Share of contacts bridged by the gait-cycle prior rather than seen (``Contact.source``)."""
    if not g.contacts:
        return 0.0
    return float(np.mean([getattr(c, "source", "detected") == "interpolated" for c in g.contacts]))


def own_leg_measure(g: Gait, spec: MetricSpec) -> bool:
    """Whether, in this side view, each stride's value comes from that stride's own leg below the hip (the far
    leg's strides then carry its pose noise: a finding must hold on the near leg, :attr:`Metric.near_side`)."""
    far = far_leg(g)
    return bool(far) and bool({LEGS[far].knee, LEGS[far].ankle, LEGS[far].heel, LEGS[far].toe} & set(spec.landmarks))


def far_leg(g: Gait) -> str | None:
    """The leg further from the camera in a side view (None in other views or when unknown)."""
    if g.view.kind != "side" or g.view.near_side not in ("left", "right"):
        return None
    return "right" if g.view.near_side == "left" else "left"


def far_leg_misread(g: Gait, spec: MetricSpec, left: float | None, right: float | None) -> str | None:
    """The far leg when, in this side view, its median is further from the near leg's than the measure's
    :attr:`MetricSpec.near_leg_tolerance` (its stated error): the clip value is then the near leg's.  None otherwise.

    >>> from types import SimpleNamespace as S
    >>> g, spec = S(view=S(kind="side", near_side="left")), S(near_leg_tolerance=5.0)
    >>> far_leg_misread(g, spec, 26.0, 17.5), far_leg_misread(g, spec, 42.8, 40.0)
    ('right', None)
    """
    far = far_leg(g)
    if far is None or spec.near_leg_tolerance is None or left is None or right is None:
        return None
    return far if abs(right - left) > spec.near_leg_tolerance else None


def standard_error(values: np.ndarray) -> float:
    """Standard error of the median of ``values`` from their robust spread (IQR / 1.349).

    >>> round(standard_error(np.array([10., 11, 12, 13, 14, 15, 16, 17, 18])), 3)
    1.239
    """
    if len(values) < 2:
        return float("inf")
    return 1.2533 * iqr(values) / 1.349 / float(np.sqrt(len(values)))


def timing_error(spec: MetricSpec, value: float, fps: float, stride_s: float | None) -> float:
    """Half a frame, in the measure's unit, for measures timed between events; 0 for the others.

    >>> spec = MetricSpec("x_ms", "ms", "", ("side",), None, event_timed=True)
    >>> round(timing_error(spec, 250.0, 60.0, 0.7), 2)
    8.33
    """
    if not spec.event_timed or not fps:
        return 0.0
    half_frame_s = 0.5 / fps
    if spec.unit == "steps/min":  # cadence = 60 / step time
        return value * value * half_frame_s / 60.0
    if spec.unit == "%":  # a duration as % of the stride
        return 100 * half_frame_s / stride_s if stride_s else 0.0
    return 1000 * half_frame_s


def combined(*parts: float) -> float:
    """Root-sum-square of independent error parts.

    >>> combined(3.0, 4.0)
    5.0
    """
    return float(np.sqrt(sum(p * p for p in parts)))


def pooled_standard_error(values: np.ndarray, left: np.ndarray, right: np.ndarray) -> float:
    """Standard error of a value pooled over both sides, from the spread within each side.

    A steady left/right difference is not stride-to-stride noise (left and right steps of a limping
    runner alternate), so with both sides measured the two sides' errors are combined as for their mean.
    """
    if len(left) >= 2 and len(right) >= 2:
        return 0.5 * combined(standard_error(left), standard_error(right))
    return standard_error(values)


def uncertainty(spec: MetricSpec, values: np.ndarray, left: np.ndarray, right: np.ndarray, value: float,
                fps: float, stride_s: float | None, vertical_doubt_deg: float = 0.0, view: str | None = None) -> float:
    """95% uncertainty of the clip value: standard error, frame timing, error floor and, for angles to the
    image's vertical, what the camera may put them off by (:attr:`metrics.gait.Gait.vertical_doubt_deg`)."""
    floor = error_floor(spec, view)
    se = pooled_standard_error(values, left, right)
    tilt = abs(vertical_doubt_deg) if spec.angle_from_vertical else 0.0
    return combined(Z95 * se, timing_error(spec, value, fps, stride_s), floor, tilt)


def side_difference_uncertainty(spec: MetricSpec, left: np.ndarray, right: np.ndarray, value: float, fps: float,
                                stride_s: float | None) -> float:
    """95% uncertainty of right minus left: both sides' standard errors and timing errors, and the difference's
    error floor (:func:`metrics.accuracy.side_difference_floor`)."""
    se = combined(standard_error(left), standard_error(right))
    return combined(Z95 * se, np.sqrt(2) * timing_error(spec, value, fps, stride_s), side_difference_floor(spec))


def change_uncertainty(spec: MetricSpec, early: np.ndarray, late: np.ndarray, value: float, fps: float,
                       stride_s: float | None) -> float | None:
    """95% uncertainty of the change between the first and last thirds of the clip (None: a third is empty).

    Both thirds' standard errors, both thirds' frame timing, and the measured error of a change over the clip
    (:func:`metrics.accuracy.change_floor`; a bias constant over the clip cancels in a change), root-sum-square.
    A change finding also needs the change to exceed the measure's meaningful change by this much
    (:mod:`metrics.findings`).
    """
    if len(early) < 2 or len(late) < 2:
        return None
    return combined(Z95 * combined(standard_error(early), standard_error(late)),
                    np.sqrt(2) * timing_error(spec, value, fps, stride_s), change_floor(spec))


def swapped_share(g: Gait) -> float:
    """Share of frames where the pose model mixed up the legs (repaired by cleaning)."""
    return float(g.cleaned.swapped.any(axis=1).mean())


def side_comparison_caveat(g: Gait) -> str | None:
    """Why left and right cannot be compared on this clip, or None when they can."""
    if g.view.kind == "side":
        far = far_leg(g)
        leg = f"the {far} leg" if far else "one leg"
        return (f"in a side view {leg} is the far one all clip long, partly hidden and further from the camera, "
                "so a left/right difference cannot be told apart from a near/far difference; film from behind, "
                "or film the other side too")
    swapped = swapped_share(g)
    if swapped > MAX_SWAPPED_SHARE:
        return (f"the pose model mixed up left and right legs in {100 * swapped:.0f}% of frames; they were "
                "repaired, but not surely enough to compare the sides")
    return None


def summarise(g: Gait, spec: MetricSpec, values: list[float | None]) -> Metric | None:
    """The clip-level :class:`Metric` from per-stride values, or None when no stride had a value."""
    rows = [(s, v) for s, v in zip(g.strides, values) if v is not None]
    if not rows:
        return None
    vals = np.array([v for _, v in rows])
    sides = {foot: np.array([v for s, v in rows if s.foot == foot]) for foot in ("left", "right")}
    if spec.rate:
        # Cadence is 60 / mean step time, not the median of per-step rates.
        center = lambda x: 60.0 / float(np.mean(60.0 / x)) if len(x) else None  # noqa: E731
    else:
        center = lambda x: float(np.median(x)) if len(x) else None  # noqa: E731
    left, right = center(sides["left"]), center(sides["right"])
    times = np.array([s.start_s for s, _ in rows])
    strides = [s.stride_time_s for s in g.strides if s.stride_time_s]
    stride_s = float(np.median(strides)) if strides else None
    value = center(vals)
    if spec.rate and g.step_period_s:
        # The whole clip's step period (metrics.periodicity): no missed contact can bias it.
        value = 60.0 / g.step_period_s
    both = left is not None and right is not None
    near = g.view.near_side if own_leg_measure(g, spec) else None
    # Each leg keeps its own per-stride values (the drift and the sides read them); the clip value does not mix
    # in a far leg that misreads the measure.
    misread = far_leg_misread(g, spec, left, right)
    valued = sides[g.view.near_side] if misread else vals
    value_sides = (valued[:0], valued[:0]) if misread else (sides["left"], sides["right"])
    if misread:
        value = center(valued)
    start, end = float(g.time_s[0]), float(g.time_s[-1])
    third = (end - start) / 3
    clip_uncertainty = uncertainty(spec, valued, *value_sides, value, g.fps, stride_s, g.vertical_doubt_deg,
                                   g.view.kind)
    return Metric(
        name=spec.name, value=_round(value), unit=spec.unit, definition=spec.definition,
        left=_round(left), right=_round(right), spread=_round(iqr(vals)), n_strides=len(vals),
        reference=spec.reference, confidence=confidence(g, spec, len(vals), (value, left, right), misread),
        symmetry_index_pct=symmetry_index(left, right) if spec.ratio_scale else None,
        drift=drift(times, vals, start, end, np.array([s.foot for s, _ in rows]), min_change=min_drift(spec),
                    near=near),
        side_difference=_round(right - left) if both else None,
        uncertainty=_round(clip_uncertainty),
        side_difference_uncertainty=_round(side_difference_uncertainty(
            spec, sides["left"], sides["right"], value, g.fps, stride_s)) if both else None,
        side_comparison_caveat=side_comparison_caveat(g) if both else None,
        change_uncertainty=_round(change_uncertainty(
            spec, vals[times < start + third], vals[times >= end - third], value, g.fps, stride_s)),
        near_side=near,
        category=spec.category(_round(value), _round(clip_uncertainty)) if spec.category else None,
    )


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), digits)
