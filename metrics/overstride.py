"""Overstride: how far ahead of the hip the heel lands, and the shank's angle at landing (side view)."""

from __future__ import annotations

import numpy as np

from metrics.analysis import Reference
from metrics.gait import Gait, StrideTiming
from metrics.geometry import angle_from_vertical, level, midpoint
from metrics.legs import LEGS
from metrics.reference import DINGENEN_2018, SOUZA_2016, VALIDATION, WILLE_2014
from metrics.spec import Accuracy, MetricSpec, PublishedChange, Rule
from vision.landmarks import LEFT_HIP, RIGHT_HIP


def heel_ahead_of_hip_px(g: Gait, s: StrideTiming) -> float | None:
    """Horizontal heel-to-mid-hip distance at initial contact, positive = heel ahead; horizontal is the world's
    (the camera's roll taken out: the heel lies a leg length below the hip, so 3 deg of roll would move it
    about 5 cm)."""
    p = g.at(s.contact.initial_contact_s)
    d = g.forward * level(p[LEGS[s.foot].heel] - midpoint(p, LEFT_HIP, RIGHT_HIP), g.camera_roll_deg)[0]
    return float(d) if np.isfinite(d) else None


def overstride_cm(g: Gait, s: StrideTiming) -> float | None:
    return g.to_length(heel_ahead_of_hip_px(g, s))[0]


def overstride_pct_leg(g: Gait, s: StrideTiming) -> float | None:
    return None if g.scale.px_per_m else g.to_length(heel_ahead_of_hip_px(g, s))[1]


def shank_angle_at_contact(g: Gait, s: StrideTiming) -> float | None:
    p = g.at(s.contact.initial_contact_s)
    leg = LEGS[s.foot]
    value = float(angle_from_vertical(p[leg.knee], p[leg.ankle], g.forward, g.camera_roll_deg))
    return value if np.isfinite(value) else None


_LANDMARKS = tuple(j for leg in LEGS.values() for j in (leg.hip, leg.knee, leg.ankle, leg.heel))
_DEFINITION = "Horizontal distance of the heel ahead of the mid-hip at initial contact"
_REACH = Rule("above", "The heel lands ahead of the body: {what} {value}, above the working band of {band}.",
              "notice", "overstride")
_TIBIA = PublishedChange(
    4.8, DINGENEN_2018,
    "Tibia inclination at initial contact, between days: SDD 2.2-4.8 deg (reported together with ankle "
    "dorsiflexion); the upper end is used.")
SPECS = [
    MetricSpec("overstride_cm", "cm", _DEFINITION + ".", ("side",), overstride_cm, _LANDMARKS,
               high_confidence_fps=60, title="Overstride",
               reference=Reference(
                   None, 15.0, "cm", f"{WILLE_2014}; {SOUZA_2016}",
                   "A heel landing further ahead of the hip goes with higher impact and braking loads (Wille 2014). "
                   "The 15 cm upper bound is Stridescope's working band, not a published norm."),
               accuracy=Accuracy(8.0, VALIDATION + ": 7.9 cm long (height scale)"), still="contact", rules=(_REACH,),
               key=True, pixel_scaled=True),
    MetricSpec("overstride_pct_leg", "% leg", _DEFINITION + ", in % of leg length (no scale given).",
               ("side",), overstride_pct_leg, _LANDMARKS, high_confidence_fps=60,
               title="Overstride (% leg length)", label="overstride",
               reference=Reference(
                   None, 18.0, "% leg", f"{WILLE_2014}; {SOUZA_2016}",
                   "As overstride_cm, in % of leg length when no scale is known; 18% is Stridescope's working band."),
               accuracy=Accuracy(8.6, "the overstride_cm floor over a typical 0.93 m leg"), still="contact",
               rules=(_REACH,), key=True),
    MetricSpec("shank_angle_at_contact_deg", "deg",
               "Angle of the shank (knee to ankle) from vertical at initial contact; positive = ankle ahead of knee.",
               ("side",), shank_angle_at_contact, _LANDMARKS, high_confidence_fps=60, label="shank",
               reference=Reference(
                   None, 8.0, "deg", f"{SOUZA_2016}; {WILLE_2014}",
                   "Souza 2016 looks for a near-vertical shank at initial contact; larger angles (ankle ahead of knee) "
                   "mark overstriding. The 8 deg bound is Stridescope's working band."),
               accuracy=Accuracy(_TIBIA.value, f"published detectable change ({DINGENEN_2018})"),
               detectable_change=_TIBIA, still="contact", rules=(_REACH,), angle_from_vertical=True,
               plausible=(-45.0, 45.0)),
]
