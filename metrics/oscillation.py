"""Vertical oscillation of the pelvis per step, stride length and the vertical ratio.

Vertical oscillation is the centre of mass's rise and fall within one step
(initial contact to the other foot's initial contact), with the mid-hip as its
proxy; the vertical ratio is that oscillation over the *step* length (one
oscillation per step), as running-dynamics sensors report it (Moore 2016).
"""

from __future__ import annotations

import numpy as np

from metrics.analysis import Reference
from metrics.gait import Gait, StrideTiming
from metrics.geometry import midpoint
from metrics.reference import FOLLAND_2017, HEIDERSCHEIT_2011, MOORE_2016, VALIDATION, WORKING
from metrics.spec import Accuracy, MetricSpec, Rule
from vision.landmarks import LEFT_HIP, RIGHT_HIP

_HIPS = (LEFT_HIP, RIGHT_HIP)


def vertical_oscillation_px(g: Gait, s: StrideTiming) -> float | None:
    """Peak-to-peak vertical travel of the mid-hip over the stride's first step, from the positions
    before the low-pass.

    The hip's highest point in flight and lowest in mid-stance are turning points the low-pass rounds
    off (6 Hz at 30 fps, against a step rhythm near 3 Hz): on the 13 varied-look synthetic side runners
    at their true events the filtered positions read 0.6 cm low at the median and up to 1.8 cm at 30 fps
    (median |error| 0.59, 90th percentile 1.68 cm on the plain looks; 0.34 / 1.10 before the low-pass).
    The mid-hip averages two landmarks, so their jitter adds little to the peak-to-peak."""
    if s.opposite is None:
        return None
    xy = g.cleaned.unfiltered(g.time_s)[g.window(s.start_s, s.opposite.initial_contact_s)]
    y = midpoint(xy, LEFT_HIP, RIGHT_HIP)[:, 1]
    return float(np.ptp(y)) if np.isfinite(y).all() and len(y) > 2 else None


def mean_step_time_s(s: StrideTiming) -> float | None:
    """Half the stride time when the stride is whole, else its first step's time.

    A foot whose contacts are found a little late lengthens one step and shortens the next by as
    much; the stride, from a contact to the same foot's next, keeps its length, so half of it is
    the step a treadmill's belt carries the runner on average (the vertical ratio on the synthetic
    side samples read 0.9 point higher from single steps than at the true events)."""
    return s.stride_time_s / 2 if s.stride_time_s else s.step_time_s


def step_length_px(g: Gait, s: StrideTiming) -> float | None:
    """The stride's mean step: treadmill belt speed x :func:`mean_step_time_s`; overground the mid-hip's travel
    over the first step."""
    if s.opposite is None:
        return None
    if g.setting == "treadmill":
        return g.scale.belt_px_per_s * mean_step_time_s(s) if g.scale.belt_px_per_s else None
    hip = midpoint(g.xy[[g.frame_at(s.start_s), g.frame_at(s.opposite.initial_contact_s)]], LEFT_HIP, RIGHT_HIP)
    d = abs(hip[1, 0] - hip[0, 0])
    return float(d) if np.isfinite(d) else None


def stride_length_px(g: Gait, s: StrideTiming) -> float | None:
    """Treadmill: belt speed (px/s) x stride time; overground: the mid-hip's horizontal travel."""
    if s.end_s is None:
        return None
    if g.setting == "treadmill":
        return g.scale.belt_px_per_s * s.stride_time_s if g.scale.belt_px_per_s else None
    hip = midpoint(g.xy[[g.frame_at(s.start_s), g.frame_at(s.end_s)]], LEFT_HIP, RIGHT_HIP)
    d = abs(hip[1, 0] - hip[0, 0])
    return float(d) if np.isfinite(d) else None


def vertical_oscillation_cm(g: Gait, s: StrideTiming) -> float | None:
    return g.to_length(vertical_oscillation_px(g, s))[0]


def vertical_oscillation_pct_leg(g: Gait, s: StrideTiming) -> float | None:
    return None if g.scale.px_per_m else g.to_length(vertical_oscillation_px(g, s))[1]


def stride_length_m(g: Gait, s: StrideTiming) -> float | None:
    if g.setting == "treadmill" and g.scale.belt_speed_m_s and s.stride_time_s:
        return g.scale.belt_speed_m_s * s.stride_time_s
    cm = g.to_length(stride_length_px(g, s))[0]
    return cm / 100 if cm is not None else None


def stride_length_leg(g: Gait, s: StrideTiming) -> float | None:
    pct = g.to_length(stride_length_px(g, s))[1]
    return pct / 100 if pct is not None and not g.scale.px_per_m else None


def vertical_ratio(g: Gait, s: StrideTiming) -> float | None:
    osc = vertical_oscillation_px(g, s)
    if osc is None:
        return None
    if g.setting == "treadmill" and g.scale.belt_speed_m_s and g.scale.px_per_m and mean_step_time_s(s):
        # The belt speed typed in gives the step length exactly; both lengths in metres.
        return 100 * (osc / g.scale.px_per_m) / (g.scale.belt_speed_m_s * mean_step_time_s(s))
    length = step_length_px(g, s)
    return 100 * osc / length if length else None


_ABOVE_BELOW = (Rule("below"), Rule("above"))
SPECS = [
    MetricSpec("vertical_oscillation_cm", "cm", "Peak-to-peak vertical travel of the mid-hip within a step.",
               ("side",), vertical_oscillation_cm, _HIPS, ratio_scale=True, label="oscillation",
               reference=Reference(
                   5, 10, "cm", f"{MOORE_2016}; {FOLLAND_2017}",
                   "Typical values of the pelvis's vertical travel per step; lower goes with better economy "
                   "(Moore 2016)."),
               accuracy=Accuracy(1.5, VALIDATION + ": 1.3 cm (per-step definition, height scale)"),
               rules=_ABOVE_BELOW, key=True, pixel_scaled=True),
    MetricSpec("vertical_oscillation_pct_leg", "% leg",
               "Peak-to-peak vertical travel of the mid-hip within a step, in % of leg length (no scale given).",
               ("side",), vertical_oscillation_pct_leg, _HIPS, ratio_scale=True,
               title="Vertical oscillation (% leg length)", label="oscillation",
               reference=Reference(
                   None, None, "% leg", MOORE_2016, "As vertical_oscillation_cm when no scale is known."),
               accuracy=Accuracy(1.6, "the vertical_oscillation_cm floor over a typical 0.93 m leg")),
    MetricSpec("stride_length_m", "m",
               "Treadmill: belt speed x stride time; overground: the hip's travel over the stride.",
               ("side",), stride_length_m, _HIPS, ratio_scale=True, label="stride length",
               reference=Reference(None, None, "m", HEIDERSCHEIT_2011, "Depends on speed and height; descriptive."),
               accuracy=Accuracy(0.05, WORKING)),
    MetricSpec("stride_length_leg", "leg lengths", "Stride length in leg lengths (no scale given).",
               ("side",), stride_length_leg, _HIPS, ratio_scale=True, title="Stride length (leg lengths)",
               label="stride length",
               reference=Reference(None, None, "leg lengths", HEIDERSCHEIT_2011, "Stride length / leg length."),
               accuracy=Accuracy(0.05, WORKING), pixel_scaled=True),
    MetricSpec("vertical_ratio_pct", "%",
               "Vertical oscillation / step length (one oscillation per step; on a treadmill the step is "
               "the belt speed x half the stride time).",
               ("side",), vertical_ratio, _HIPS, ratio_scale=True, label="vertical ratio",
               reference=Reference(
                   None, 10.0, "%", f"{MOORE_2016}; {FOLLAND_2017}",
                   "Vertical oscillation / step length; the 10% bound is Stridescope's working band."),
               accuracy=Accuracy(1.5, "the vertical_oscillation_cm floor over a typical 1 m step"),
               rules=_ABOVE_BELOW, pixel_scaled=True),
]
