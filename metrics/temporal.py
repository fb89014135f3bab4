"""Timing of steps and strides: cadence, step and stride time, contact and flight time, duty factor."""

from __future__ import annotations

from metrics.analysis import Reference
from metrics.gait import Gait, StrideTiming
from metrics.reference import FOLLAND_2017, HEIDERSCHEIT_2011, MOORE_2016, VALIDATION
from metrics.spec import Accuracy, MetricSpec, Rule
from vision.landmarks import LEFT_FOOT_INDEX, LEFT_HEEL, RIGHT_FOOT_INDEX, RIGHT_HEEL

FEET = (LEFT_HEEL, LEFT_FOOT_INDEX, RIGHT_HEEL, RIGHT_FOOT_INDEX)
ALL_VIEWS = ("side", "rear", "front")


def cadence(g: Gait, s: StrideTiming) -> float | None:
    """Steps per minute over the step that starts at this initial contact."""
    return 60.0 / s.step_time_s if s.step_time_s else None


def step_time(g: Gait, s: StrideTiming) -> float | None:
    """Initial contact to the next initial contact, of the other foot, about one step period later
    (a missed contact leaves a gap, never a step as long as a stride: metrics.strides)."""
    return 1000 * s.step_time_s if s.step_time_s else None


def stride_time(g: Gait, s: StrideTiming) -> float | None:
    return 1000 * s.stride_time_s if s.stride_time_s else None


def ground_contact_time(g: Gait, s: StrideTiming) -> float | None:
    return 1000 * s.contact_time_s if s.contact_time_s else None


def flight_time(g: Gait, s: StrideTiming) -> float | None:
    """From this foot's toe-off to the other foot's initial contact (negative would mean double support)."""
    if not (s.contact.complete and s.opposite):
        return None
    return 1000 * (s.opposite.initial_contact_s - s.contact.toe_off_s)


def duty_factor(g: Gait, s: StrideTiming) -> float | None:
    if not (s.contact_time_s and s.stride_time_s):
        return None
    return 100 * s.contact_time_s / s.stride_time_s


# The measures computed from two events' times: what each is, and the intervals it is made of (name, words, the
# sign by which the interval's change moves it): flight = step - contact, duty factor = contact / stride.  A change
# over the clip in one of these is a change in one of its intervals; where none shows it, it is not stated
# (metrics.trend.unconfirmed_by_definition).
DEFINED_BY = {
    "flight_time_ms": ("the step time minus the contact time",
                       (("step_time_ms", "step time", 1), ("ground_contact_time_ms", "contact time", -1))),
    "duty_factor_pct": ("the contact time over the stride time",
                        (("ground_contact_time_ms", "contact time", 1), ("stride_time_ms", "stride time", -1))),
}

_MS_FLOOR = Accuracy(10.0, "working value: initial contacts are found within about a frame (README validation)")
SPECS = [
    MetricSpec("cadence_spm", "steps/min", "Steps per minute of the whole clip: 60 / the step period of the "
               "legs' periodic motion (per step: 60 / step time, initial contact to the other foot's next "
               "initial contact). In video time when the capture rate is unknown.", ALL_VIEWS, cadence, FEET,
               ratio_scale=True, label="cadence",
               reference=Reference(
                   160, 180, "steps/min",
                   f"{HEIDERSCHEIT_2011}; Adams et al. 2018, Int J Sports Phys Ther 13(4):633-642",
                   "Typical self-selected cadence of recreational runners; it rises with speed. Raising step rate "
                   "5-10% lowers hip and knee loading (Heiderscheit 2011)."),
               accuracy=Accuracy(2.5, VALIDATION + ": 2.3 steps/min"), event_timed=True,
               still="contact", rules=(Rule("below"), Rule("above")),
               asymmetry_finding=False, key=True, rate=True),  # per-side cadence restates the step-time asymmetry
    MetricSpec("step_time_ms", "ms", "Initial contact of this foot to initial contact of the other foot.",
               ALL_VIEWS, step_time, FEET, ratio_scale=True, label="step",
               reference=Reference(None, None, "ms", HEIDERSCHEIT_2011, "60000 / cadence; compare left with right."),
               accuracy=_MS_FLOOR, event_timed=True, still="contact"),
    MetricSpec("stride_time_ms", "ms", "Initial contact to the next initial contact of the same foot.",
               ALL_VIEWS, stride_time, FEET, ratio_scale=True, label="stride",
               reference=Reference(None, None, "ms", HEIDERSCHEIT_2011, "Two steps."),
               accuracy=_MS_FLOOR, event_timed=True, still="contact"),
    MetricSpec("ground_contact_time_ms", "ms", "Toe-off minus initial contact of the same foot.",
               ALL_VIEWS, ground_contact_time, FEET, high_confidence_fps=60, ratio_scale=True, label="contact",
               reference=Reference(
                   180, 320, "ms", f"{FOLLAND_2017}; {MOORE_2016}",
                   "Typical values for recreational runners at endurance speeds; shorter when faster."),
               accuracy=Accuracy(45.0, VALIDATION + ": 44 ms short (toe-off found early)"),
               event_timed=True, rules=(Rule("below"), Rule("above")), key=True, uses_toe_off=True),
    MetricSpec("flight_time_ms", "ms", "Toe-off of one foot to initial contact of the other.",
               ALL_VIEWS, flight_time, FEET, high_confidence_fps=60, label="flight",
               reference=Reference(None, None, "ms", MOORE_2016, "Descriptive; no reference band."),
               accuracy=Accuracy(45.0, "as ground contact time: toe-off is the less certain event"), event_timed=True,
               still="toe-off", uses_toe_off=True),
    MetricSpec("duty_factor_pct", "%", "Ground contact time as a percentage of stride time.",
               ALL_VIEWS, duty_factor, FEET, high_confidence_fps=60, ratio_scale=True, label="duty factor",
               reference=Reference(
                   25, 48, "%", FOLLAND_2017,
                   "Contact time as % of stride time; below 50% by definition of running. Band: typical values."),
               accuracy=Accuracy(6.5, "the contact-time floor over a typical 700 ms stride"),
               event_timed=True, uses_toe_off=True),
]
