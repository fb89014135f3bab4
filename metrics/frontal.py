"""Frontal-plane measures (rear or front view): pelvic drop, knee collapse, step width,
lateral trunk sway, heel whip and a rearfoot eversion estimate.

"Medial" is found from the image itself (towards the other hip), so the same
code serves a rear and a front view.

Pelvic drop is the contralateral pelvic obliquity during stance measured from
the runner's own neutral: the hip line's angle while both feet are off the
ground (flight), when the pelvis is level.  Subtracting it removes a camera
held crooked (roll) and any offset of the hip landmarks, which an angle to
the image horizontal would report as drop (Bramah 2018 measure peak
contralateral pelvic drop in stance relative to standing).

Knee collapse is the frontal-plane projection angle (FPPA) of the stance leg:
a 2D angle in the image, not 3D knee abduction ("valgus") — hip rotation and
knee flexion change it too (Dingenen 2018, Phys Ther Sport 33:40-47).
"""

from __future__ import annotations

import numpy as np

from metrics.analysis import Reference
from metrics.gait import OTHER, Gait, StrideTiming
from metrics.geometry import angle_from_vertical, interior_angle, lean_from_vertical, midpoint
from metrics.legs import LEGS
from metrics.reference import BRAMAH_2018, DINGENEN_2018, SOUZA_2016, VALIDATION, WILLSON_DAVIS_2008, WORKING
from metrics.spec import Accuracy, MetricSpec, PublishedChange, Rule
from vision.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

FRONTAL = ("rear", "front")


def _medial_sign(p: np.ndarray, foot: str) -> np.ndarray:
    """+1 where image-x increasing points from this leg's hip towards the other hip."""
    return np.sign(p[..., LEGS[OTHER[foot]].hip, 0] - p[..., LEGS[foot].hip, 0])


def _stance(g: Gait, s: StrideTiming) -> np.ndarray | None:
    if not s.contact.complete:
        return None
    frames = g.window(s.contact.initial_contact_s, s.contact.toe_off_s)
    return g.xy[frames] if len(frames) else None


def pelvic_drop_series(xy: np.ndarray, stance_foot: str) -> np.ndarray:
    """Angle (deg) of the hip line to horizontal, positive when the swing-side hip is lower."""
    stance, swing = xy[..., LEGS[stance_foot].hip, :], xy[..., LEGS[OTHER[stance_foot]].hip, :]
    return np.degrees(np.arctan2(swing[..., 1] - stance[..., 1], np.abs(swing[..., 0] - stance[..., 0])))


def pelvic_neutral(g: Gait) -> float:
    """The left-stance obliquity (deg) of the hip line while no foot is on the ground (median over flight).

    Falls back to the median over the whole clip when there is too little flight.
    """
    on_ground = np.zeros(len(g.time_s), bool)
    for c in g.contacts:
        on_ground[g.window(c.initial_contact_s, c.toe_off_s)] = True
    flight = ~on_ground if (~on_ground).sum() >= 5 else np.ones(len(g.time_s), bool)
    series = pelvic_drop_series(g.xy[flight], "left")
    return float(np.nanmedian(series)) if np.isfinite(series).any() else 0.0


def pelvic_drop(g: Gait, s: StrideTiming) -> float | None:
    """Peak contralateral pelvic drop during this foot's stance, from the runner's neutral."""
    xy = _stance(g, s)
    if xy is None:
        return None
    # The left-stance series is the right-stance one mirrored: the neutral flips sign with the side.
    neutral = pelvic_neutral(g) * (1 if s.foot == "left" else -1)
    return _peak(pelvic_drop_series(xy, s.foot) - neutral)


def knee_medial_offset(xy: np.ndarray, foot: str) -> np.ndarray:
    """Horizontal distance (px) of the knee from the hip-ankle line, positive = medial."""
    leg = LEGS[foot]
    hip, knee, ankle = xy[..., leg.hip, :], xy[..., leg.knee, :], xy[..., leg.ankle, :]
    along = (knee[..., 1] - hip[..., 1]) / (ankle[..., 1] - hip[..., 1])
    line_x = hip[..., 0] + along * (ankle[..., 0] - hip[..., 0])
    return _medial_sign(xy, foot) * (knee[..., 0] - line_x)


def fppa_series(xy: np.ndarray, foot: str) -> np.ndarray:
    """Frontal-plane projection angle: 180 - hip-knee-ankle angle, positive when the knee is medial."""
    leg = LEGS[foot]
    bend = 180.0 - interior_angle(xy[..., leg.hip, :], xy[..., leg.knee, :], xy[..., leg.ankle, :])
    return np.where(knee_medial_offset(xy, foot) >= 0, bend, -bend)


def knee_collapse(g: Gait, s: StrideTiming) -> float | None:
    xy = _stance(g, s)
    return _peak(fppa_series(xy, s.foot)) if xy is not None else None


def medial_knee_displacement(g: Gait, s: StrideTiming) -> float | None:
    xy = _stance(g, s)
    return g.to_length(_peak(knee_medial_offset(xy, s.foot)))[1] if xy is not None else None


def step_width(g: Gait, s: StrideTiming) -> float | None:
    """Side-to-side heel distance between this landing and the other foot's next; negative = crossover."""
    if s.opposite is None:
        return None
    here, there = g.at(s.start_s), g.at(s.opposite.initial_contact_s)
    own_side = -_medial_sign(here, s.foot)
    d = own_side * (here[LEGS[s.foot].heel, 0] - there[LEGS[OTHER[s.foot]].heel, 0])
    return g.to_length(float(d))[1]


def lateral_trunk_sway(g: Gait, s: StrideTiming) -> float | None:
    """Peak-to-peak side lean of the trunk over the stride."""
    if s.end_s is None:
        return None
    xy = g.xy[g.window(s.start_s, s.end_s)]
    lean = lean_from_vertical(midpoint(xy, LEFT_HIP, RIGHT_HIP), midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER), 1)
    return float(np.ptp(lean)) if np.isfinite(lean).all() and len(lean) > 2 else None


def heel_whip(g: Gait, s: StrideTiming) -> float | None:
    """Largest medial turn of the knee→heel line in the first 40% of swing, from its angle at toe-off."""
    if not (s.contact.complete and s.next):
        return None
    to, ic = s.contact.toe_off_s, s.next.initial_contact_s
    xy = g.xy[g.window(to, to + 0.4 * (ic - to))]
    if len(xy) < 2:
        return None
    leg = LEGS[s.foot]
    angle = _medial_sign(xy, s.foot) * angle_from_vertical(xy[:, leg.knee], xy[:, leg.heel], 1)
    return _peak(angle - angle[0])


def rearfoot_eversion(g: Gait, s: StrideTiming) -> float | None:
    """Mid-stance angle between the shank and the ankle→heel line, positive = heel turned outwards."""
    xy = _stance(g, s)
    if xy is None:
        return None
    p = xy[len(xy) // 2]
    leg = LEGS[s.foot]
    lateral = -_medial_sign(p, s.foot)
    shank = angle_from_vertical(p[leg.knee], p[leg.ankle], 1)
    rearfoot = angle_from_vertical(p[leg.ankle], p[leg.heel], 1)
    value = float(lateral * (rearfoot - shank))
    return value if np.isfinite(value) else None


def _peak(series: np.ndarray) -> float | None:
    return float(np.nanmax(series)) if np.isfinite(series).any() else None


_LEG = tuple(j for leg in LEGS.values() for j in (leg.hip, leg.knee, leg.ankle))
_FOOT = tuple(j for leg in LEGS.values() for j in (leg.ankle, leg.heel))
_PELVIC_DROP = PublishedChange(2.8, DINGENEN_2018, "Contralateral pelvic drop, between days: SDD 2.7-2.8 deg.")
_DEG_FLOOR, _LEG_FLOOR = Accuracy(3.0, WORKING), Accuracy(3.0, WORKING)
_COLLAPSE_FLOOR = Accuracy(3.0, VALIDATION + ": 2.5 deg")
SPECS = [
    MetricSpec("pelvic_drop_deg", "deg",
               "Peak contralateral pelvic drop during a foot's stance: the hip line's angle, positive when the "
               "swing-side hip is lower, from its angle in flight (the runner's own neutral; removes camera roll).",
               FRONTAL, pelvic_drop, (LEFT_HIP, RIGHT_HIP),
               title="Contralateral pelvic drop", label="pelvic drop",
               # The pose model hardly sees pelvic obliquity, although the synthetic runner's shorts and shirt
               # visibly tilt with it and this definition on the true landmarks is exact (0.07 deg). On 18
               # synthetic rear runners, in the true stances, its hip line followed the true one frame by frame
               # with a median gain of 0.20 (correlation 0.15; 0.26 with its whole-body side flips undone),
               # and stride by stride within a foot on the 10 drift runs with gain -0.05 (correlation -0.01;
               # benchmarks/synth_landmark_error.py --runs rear): an injected 3 -> 9 deg drift is found in
               # 0/10 (benchmarks/drift.py, 2026-11-30). Nothing else tried recovers it: the shoulder line
               # follows with gain 0.2 (a trunk signal), the model's 3D hips with an inconsistent sign, and the
               # offline bundle's segmentation mask came out empty or striped (rear-120-drift, mid-stance).
               # Low confidence always: never a finding, and a drift is declined with that reason.
               max_confidence="low",
               reference=Reference(
                   None, 5.0, "deg", BRAMAH_2018,
                   "Peak contralateral pelvic drop in stance; injured runners ran with more drop than healthy ones "
                   "(about 7 vs 4-5 deg) and each extra degree raised the odds of being injured. 2D video; "
                   "reliability is moderate (smallest detectable difference ~3 deg, Dingenen 2018)."),
               accuracy=Accuracy(
                   4.0, VALIDATION + f": 3.9 deg low (published detectable change {_PELVIC_DROP.value:g} deg)"),
               detectable_change=_PELVIC_DROP,
               rules=(Rule("above", "The {what} reaches {value}, above {limit}.", "notice"),),
               growing="pelvic drop", key=True, uses_toe_off=True, plausible=(-20.0, 20.0)),
    # Clip values land within 3 deg of the synthetic truth, but the pose model follows the knee's frontal
    # angle only in part: in the true stances of 18 rear runners with a median gain of 0.42 frame by frame
    # (correlation 0.30), 0.48 stride by stride within a foot (correlation 0.62; side flips undone), and
    # through this measure an injected 2 -> 8 deg drift reads gain 0.18 (0.38 at the true events), found in
    # 1/10 runs (4/10 at the true events; benchmarks/drift.py, 2026-11-30). Small true values read about
    # right; a large collapse or a change over the clip reads smaller than it is.
    MetricSpec("knee_collapse_deg", "deg",
               "Peak frontal-plane projection angle (FPPA) of the stance leg (180 deg minus hip-knee-ankle), "
               "positive when the knee is inside the hip-ankle line. A 2D projection, not 3D knee abduction.",
               FRONTAL, knee_collapse, _LEG,
               title="Knee collapse (frontal angle)", label="knee collapse",
               reference=Reference(
                   None, 10.0, "deg", f"{WILLSON_DAVIS_2008}; {DINGENEN_2018}",
                   "Frontal-plane projection angle (FPPA, positive = knee inward). The 10 deg bound is Stridescope's "
                   "working band; Willson & Davis measured FPPA in single-leg tasks, not running."),
               accuracy=_COLLAPSE_FLOOR,
               rules=(Rule("above", "The knee collapse (knee moving inward) reaches {value}, above {limit}.",
                           "notice"),),
               growing="knee collapse (knee moving inward)", key=True, uses_toe_off=True, plausible=(-45.0, 45.0)),
    MetricSpec("medial_knee_displacement_pct_leg", "% leg",
               "Peak distance of the knee inside the hip-ankle line during stance, in % of leg length.",
               FRONTAL, medial_knee_displacement, _LEG,
               reference=Reference(
                   None, None, "% leg", DINGENEN_2018, "Knee inward of the hip-ankle line, descriptive."),
               accuracy=_LEG_FLOOR, uses_toe_off=True),
    MetricSpec("step_width_pct_leg", "% leg",
               "Side-to-side distance between the heels at successive landings, in % of leg length; "
               "negative = the foot lands across the midline (crossover).", FRONTAL, step_width, _FOOT,
               reference=Reference(
                   None, None, "% leg", DINGENEN_2018,
                   "Side-to-side distance between successive foot placements; negative = crossover."),
               accuracy=_LEG_FLOOR, still="contact"),
    MetricSpec("lateral_trunk_sway_deg", "deg",
               "Peak-to-peak side lean of the mid-hip to mid-shoulder line per stride.",
               FRONTAL, lateral_trunk_sway, (LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER),
               reference=Reference(
                   None, None, "deg", DINGENEN_2018, "Peak-to-peak side lean of the trunk per stride; descriptive."),
               accuracy=_DEG_FLOOR),
    MetricSpec("heel_whip_deg", "deg",
               "Largest inward turn of the knee-to-heel line in early swing, relative to toe-off.",
               FRONTAL, heel_whip, _FOOT + _LEG, high_confidence_fps=60, max_confidence="medium",
               reference=Reference(
                   None, None, "deg", SOUZA_2016,
                   "Rotation of the heel in early swing seen from behind; low confidence."),
               accuracy=_DEG_FLOOR, still="toe-off", uses_toe_off=True),
    MetricSpec("rearfoot_eversion_deg", "deg",
               "Estimate: mid-stance angle between shank and ankle-to-heel line, positive = heel outwards. "
               "The pose model has no calcaneus landmarks: low confidence always.",
               FRONTAL, rearfoot_eversion, _FOOT + _LEG, max_confidence="low",
               reference=Reference(
                   None, None, "deg", SOUZA_2016,
                   "Estimate only: the pose model has no landmarks on the calcaneus, so confidence is always low."),
               accuracy=_DEG_FLOOR, uses_toe_off=True),
]
