"""Reference ranges: the one place they are written down (docs/metrics.md is generated from here).

Most running measures have *typical values* in the literature, not clinical
norms: a value outside the band is something to look at, not a fault.  Where
no paper gives a band, the band is marked as Stridescope's working band and
the note says so.
"""

from __future__ import annotations

from metrics.analysis import Reference

ALTMAN_DAVIS_2012 = "Altman & Davis 2012, Gait Posture 35(2):298-300"
BRAMAH_2018 = "Bramah et al. 2018, Am J Sports Med 46(12):3023-3031"
DINGENEN_2018 = "Dingenen et al. 2018, Phys Ther Sport 33:40-47"
FOLLAND_2017 = "Folland et al. 2017, Med Sci Sports Exerc 49(7):1412-1423"
HEIDERSCHEIT_2011 = "Heiderscheit et al. 2011, Med Sci Sports Exerc 43(2):296-302"
MOORE_2016 = "Moore 2016, Sports Med 46(6):793-807"
NOVACHECK_1998 = "Novacheck 1998, Gait Posture 7(1):77-95"
SOUZA_2016 = "Souza 2016, Phys Med Rehabil Clin N Am 27(1):217-236"
TENG_POWERS_2014 = "Teng & Powers 2014, J Orthop Sports Phys Ther 44(10):785-792"
WILLE_2014 = "Wille et al. 2014, J Orthop Sports Phys Ther 44(10):825-830"
WILLSON_DAVIS_2008 = "Willson & Davis 2008, J Orthop Sports Phys Ther 38(10):606-615"

REFERENCES: dict[str, Reference] = {
    "cadence_spm": Reference(
        160, 180, "steps/min", f"{HEIDERSCHEIT_2011}; Adams et al. 2018, Int J Sports Phys Ther 13(4):633-642",
        "Typical self-selected cadence of recreational runners; it rises with speed. Raising step rate "
        "5-10% lowers hip and knee loading (Heiderscheit 2011)."),
    "step_time_ms": Reference(None, None, "ms", HEIDERSCHEIT_2011, "60000 / cadence; compare left with right."),
    "stride_time_ms": Reference(None, None, "ms", HEIDERSCHEIT_2011, "Two steps."),
    "ground_contact_time_ms": Reference(
        180, 320, "ms", f"{FOLLAND_2017}; {MOORE_2016}",
        "Typical values for recreational runners at endurance speeds; shorter when faster."),
    "flight_time_ms": Reference(None, None, "ms", MOORE_2016, "Descriptive; no reference band."),
    "duty_factor_pct": Reference(
        25, 48, "%", FOLLAND_2017,
        "Contact time as % of stride time; below 50% by definition of running. Band: typical values."),
    "foot_strike_angle_deg": Reference(
        -1.6, 8.0, "deg", ALTMAN_DAVIS_2012,
        "Classification bands, not a norm: > 8 deg rearfoot, -1.6..8 deg midfoot, < -1.6 deg forefoot strike."),
    "overstride_cm": Reference(
        None, 15.0, "cm", f"{WILLE_2014}; {SOUZA_2016}",
        "A heel landing further ahead of the hip goes with higher impact and braking loads (Wille 2014). "
        "The 15 cm upper bound is Stridescope's working band, not a published norm."),
    "overstride_pct_leg": Reference(
        None, 18.0, "% leg", f"{WILLE_2014}; {SOUZA_2016}",
        "As overstride_cm, in % of leg length when no scale is known; 18% is Stridescope's working band."),
    "shank_angle_at_contact_deg": Reference(
        None, 8.0, "deg", f"{SOUZA_2016}; {WILLE_2014}",
        "Souza 2016 looks for a near-vertical shank at initial contact; larger angles (ankle ahead of knee) "
        "mark overstriding. The 8 deg bound is Stridescope's working band."),
    "trunk_lean_deg": Reference(
        2, 13, "deg", f"{TENG_POWERS_2014}; {FOLLAND_2017}",
        "Typical forward trunk lean; more lean shifts load from the knee to the hip extensors "
        "(Teng & Powers 2014)."),
    "knee_flexion_at_contact_deg": Reference(
        10, 25, "deg", f"{SOUZA_2016}; {BRAMAH_2018}",
        "Typical values; landing with a straighter knee was more common in injured runners (Bramah 2018)."),
    "peak_knee_flexion_stance_deg": Reference(
        35, 50, "deg", NOVACHECK_1998, "Typical peak knee flexion in stance at endurance running speeds."),
    "hip_extension_deg": Reference(
        10, 25, "deg", f"{NOVACHECK_1998}; {FOLLAND_2017}",
        "Thigh angle behind vertical at toe-off, 2D; typical values. Little extension often comes with a "
        "forward trunk lean."),
    "vertical_oscillation_cm": Reference(
        5, 10, "cm", f"{MOORE_2016}; {FOLLAND_2017}",
        "Typical values of the pelvis's vertical travel per stride; lower goes with better economy (Moore 2016)."),
    "vertical_oscillation_pct_leg": Reference(
        None, None, "% leg", MOORE_2016, "As vertical_oscillation_cm when no scale is known."),
    "vertical_ratio_pct": Reference(
        None, 10.0, "%", f"{MOORE_2016}; {FOLLAND_2017}",
        "Vertical oscillation / stride length; the 10% bound is Stridescope's working band."),
    "stride_length_m": Reference(None, None, "m", HEIDERSCHEIT_2011, "Depends on speed and height; descriptive."),
    "stride_length_leg": Reference(None, None, "leg lengths", HEIDERSCHEIT_2011, "Stride length / leg length."),
    "pelvic_drop_deg": Reference(
        None, 5.0, "deg", BRAMAH_2018,
        "Peak contralateral pelvic drop in stance; injured runners ran with more drop than healthy ones "
        "(about 7 vs 4-5 deg) and each extra degree raised the odds of being injured. 2D video; reliability "
        "is moderate (smallest detectable difference ~3 deg, Dingenen 2018)."),
    "knee_collapse_deg": Reference(
        None, 10.0, "deg", f"{WILLSON_DAVIS_2008}; {DINGENEN_2018}",
        "Frontal-plane projection angle (FPPA, positive = knee inward). The 10 deg bound is Stridescope's "
        "working band; Willson & Davis measured FPPA in single-leg tasks, not running."),
    "medial_knee_displacement_pct_leg": Reference(
        None, None, "% leg", DINGENEN_2018, "Knee inward of the hip-ankle line, descriptive."),
    "step_width_pct_leg": Reference(
        None, None, "% leg", DINGENEN_2018,
        "Side-to-side distance between successive foot placements; negative = crossover."),
    "lateral_trunk_sway_deg": Reference(
        None, None, "deg", DINGENEN_2018, "Peak-to-peak side lean of the trunk per stride; descriptive."),
    "heel_whip_deg": Reference(
        None, None, "deg", SOUZA_2016, "Rotation of the heel in early swing seen from behind; low confidence."),
    "rearfoot_eversion_deg": Reference(
        None, None, "deg", SOUZA_2016,
        "Estimate only: the pose model has no landmarks on the calcaneus, so confidence is always low."),
}

STABLE_MEAN_STEPS = 7  # Dingenen 2018: the mean of at least 7 steps is stable.
STABLE_MEAN_SOURCE = DINGENEN_2018


def reference(name: str) -> Reference | None:
    """The reference range of a metric, or None when it has none."""
    return REFERENCES.get(name)
