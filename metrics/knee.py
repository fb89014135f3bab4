"""Knee flexion (side view): at initial contact and its peak during stance."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter

from metrics.analysis import Reference
from metrics.gait import Gait, StrideTiming
from metrics.geometry import interior_angle
from metrics.legs import LEGS
from metrics.reference import BRAMAH_2018, DAMSTED_2015, NOVACHECK_1998, SOUZA_2016, VALIDATION
from metrics.spec import Accuracy, MetricSpec, PublishedChange, Rule


def knee_flexion(xy: np.ndarray, foot: str) -> np.ndarray:
    """180 - hip-knee-ankle interior angle (0 = straight knee)."""
    leg = LEGS[foot]
    return 180.0 - interior_angle(xy[..., leg.hip, :], xy[..., leg.knee, :], xy[..., leg.ankle, :])


def knee_flexion_at_contact(g: Gait, s: StrideTiming) -> float | None:
    """Knee flexion at initial contact, from the positions before the low-pass and the body fit.

    At landing the knee stops extending and starts flexing; the low-pass rounds that turning point
    off and read about 1 deg more flexion (eight synthetic side runners at their true contacts:
    median clip error +4.6 deg filtered and fitted, +3.9 unfiltered; about 2 of it is the 2D
    projection of a 3D angle, which the exact landmarks show too)."""
    series = knee_flexion(g.cleaned.unfiltered(g.time_s), s.foot)
    value = float(np.interp(s.contact.initial_contact_s, g.time_s, series))
    return value if np.isfinite(value) else None


PEAK_ERROR_DEG = 5.0  # the peak's stated error (its Accuracy below)
HELD_WINDOW = 0.2  # of the stance: the running median's width (a flexion held under half of it is dropped)


def peak_knee_flexion_stance(g: Gait, s: StrideTiming) -> float | None:
    """The largest knee flexion between initial contact and toe-off that holds for a tenth of the stance, from the
    low-passed positions before the body fit.

    Held, because as the legs cross the pose model pulls the stance knee for a few frames toward the swinging
    one (read 51-63 deg on a synthetic runner flexing 43): a running median over a fifth of the stance drops a
    flexion held for less than a tenth of it, while the stance's broad peak stays.  Before the body fit, because
    the fit's smoothing lets the knee trail that crossing.  Clip error over the eight plain synthetic side looks
    (TUNING), median / p90: 3.73 / 6.81 deg as the plain maximum of the fitted body, 3.02 / 6.46 from the
    low-passed positions, 2.84 / 4.30 held (with the far leg left out where it misreads, :mod:`metrics.summary`);
    over the drift and asymmetric runs (CHECKING) 1.04 / 5.20, 0.96 / 4.47 and 1.32 / 4.20."""
    if not s.contact.complete:
        return None
    flexion = knee_flexion(g.cleaned.xy[g.window(s.contact.initial_contact_s, s.contact.toe_off_s)], s.foot)
    flexion = flexion[np.isfinite(flexion)]
    if not len(flexion):
        return None
    held = max(1, round(HELD_WINDOW * len(flexion))) | 1  # odd: a centred window
    return float(median_filter(flexion, held, mode="nearest").max())


_LANDMARKS = tuple(j for leg in LEGS.values() for j in (leg.hip, leg.knee, leg.ankle))
_KNEE_AT_STRIKE = PublishedChange(
    7.0, DAMSTED_2015,
    "Knee angle at foot strike, between days: the 95% prediction interval spanned 9-14 deg; half the widest "
    "span is used.")
SPECS = [
    MetricSpec("knee_flexion_at_contact_deg", "deg",
               "180 deg minus the hip-knee-ankle angle at initial contact (0 = straight knee).",
               ("side",), knee_flexion_at_contact, _LANDMARKS, high_confidence_fps=60, ratio_scale=True,
               label="knee at contact",
               reference=Reference(
                   10, 25, "deg", f"{SOUZA_2016}; {BRAMAH_2018}",
                   "Typical values; landing with a straighter knee was more common in injured runners (Bramah 2018)."),
               accuracy=Accuracy(
                   13.0, VALIDATION + f": 12.9 deg high (published detectable change {_KNEE_AT_STRIKE.value:g} deg)"),
               detectable_change=_KNEE_AT_STRIKE, still="contact",
               rules=(Rule("below", "The knee is fairly straight at landing: {value} of flexion (typical {band}).",
                           "notice", "straight_knee_at_contact"),), key=True, plausible=(-10.0, 70.0)),
    MetricSpec("peak_knee_flexion_stance_deg", "deg", "Largest knee flexion between initial contact and toe-off.",
               ("side",), peak_knee_flexion_stance, _LANDMARKS, ratio_scale=True,
               title="Peak knee flexion in stance", label="peak knee",
               reference=Reference(
                   35, 50, "deg", NOVACHECK_1998, "Typical peak knee flexion in stance at endurance running speeds."),
               accuracy=Accuracy(PEAK_ERROR_DEG, VALIDATION + ": 4.5 deg"), uses_toe_off=True,
               near_leg_tolerance=PEAK_ERROR_DEG,
               # A stance knee bends to about 45 deg (Novacheck 1998), a swinging one past 100: a leg's value
               # above 70 is the model's label carried onto the other, swinging leg after the legs crossed
               # (seen on a synthetic runner: 75-100 deg on the near leg in 6 of 14 strides).
               plausible=(0.0, 70.0)),
]
