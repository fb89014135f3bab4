"""Synthetic runners with exact ground truth: every injected parameter comes back out.

Each sample in ``sample_videos/`` was rendered by ``stridescope synth`` from a
runner with known kinematics; its ``.truth.json`` holds the exact events and
metric values.  A sample in (analysed with the belt speed and height a
therapist would type), the injected value out, within a stated tolerance.

Tolerances were measured, not guessed: each states the largest error seen on
the samples (``benchmarks/validate.py`` prints them all) with a margin, and is
tight enough that a flipped sign or a doubled value fails.  Where the pipeline
does not yet reach a useful tolerance the test is a strict ``xfail`` giving the
target and the error measured, so it turns into a failure (to be tightened)
the day it starts passing.
"""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES

NAMES = ("runner_side", "runner_rear", "before_side", "after_side", "before_rear", "after_rear")
SIDE = ("runner_side", "before_side", "after_side")
REAR = ("runner_rear", "before_rear", "after_rear")


@pytest.fixture(scope="session")
def samples():
    """``{name: (analysis, truth)}`` for every sample, each analysed once (pose from the disk cache)."""
    from metrics.measure import analyze_track
    from vision.extract import pose_track

    out = {}
    for name in NAMES:
        clip = SAMPLES / f"{name}.mp4"
        if not clip.is_file():
            pytest.skip(f"synthetic sample {clip.name} not built (scripts/make_samples)")
        truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
        analysis = analyze_track(pose_track(clip), treadmill_speed_kmh=truth["params"]["belt_speed_kmh"],
                                 height_cm=100 * truth["params"]["height_m"])
        out[name] = analysis, truth
    return out


def error(samples, name: str, metric: str) -> float:
    """Measured minus true clip value of ``metric`` on sample ``name``."""
    analysis, truth = samples[name]
    assert metric in analysis.metrics, f"{name}: {metric} not measured"
    return analysis.metrics[metric].value - truth["metrics"][metric]["value"]


def test_samples_are_analysed_in_the_view_they_were_filmed_in(samples):
    for name, (analysis, truth) in samples.items():
        assert analysis.view["kind"] == truth["render"]["view"], name


# Measured errors (deg): runner -1.25, before -0.91, after -1.32: the pose model's
# shoulders sit a little behind the synthetic figure's.
@pytest.mark.parametrize("name", SIDE)
def test_trunk_lean_is_recovered_within_1_5_deg(samples, name):
    assert abs(error(samples, name, "trunk_lean_deg")) <= 1.5


# Measured errors (deg): runner +2.22, before +0.08, after +2.64 (the peak is taken over
# the whole, correctly long, stance).  A doubled 3 deg would be +3.
@pytest.mark.parametrize("name", REAR)
def test_knee_collapse_is_recovered_within_2_75_deg(samples, name):
    assert abs(error(samples, name, "knee_collapse_deg")) <= 2.75


def test_trunk_lean_change_between_before_and_after_has_the_injected_size(samples):
    """Before 2 deg, after 7 deg: the camera-independent part of the error cancels."""
    change = (samples["after_side"][0].metrics["trunk_lean_deg"].value
              - samples["before_side"][0].metrics["trunk_lean_deg"].value)
    assert change == pytest.approx(5.0, abs=1.0)  # measured +4.59


# Measured errors (spm): side runner +1.35, before -0.13, after +0.23;
# rear runner +2.38, before -0.22, after +0.22.
@pytest.mark.parametrize("name", NAMES)
def test_cadence_is_recovered_within_3_steps_per_minute(samples, name):
    assert abs(error(samples, name, "cadence_spm")) <= 3.0


# Measured errors (ms): rear runner -15.7, before -13.2, after -10.2 (toe-off found about a
# frame early).  Side: -8.0, -16.5, -5.8 while the synthetic foot snapped down before landing;
# since it lands at belt speed (synth kinematics) side toe-off is found ~3 frames early
# (bias -3.1..-3.8 frames) and the side errors are runner -32.3, before -35.1, after -44.3.
SIDE_TOE_OFF_EARLY = pytest.mark.xfail(strict=True, reason="side toe-off ~3 frames early on the belt-speed landing")


@pytest.mark.parametrize("name", [pytest.param(n, marks=SIDE_TOE_OFF_EARLY) if n in SIDE else n for n in NAMES])
def test_ground_contact_time_is_recovered_within_20_ms(samples, name):
    assert abs(error(samples, name, "ground_contact_time_ms")) <= 20.0


# --- Not reached yet: foot strike angle and overstride.  Until the synthetic landing was
# made realistic (heel arriving at belt speed, pitch held over the last 40 ms) the foot
# snapped down just before landing and the clips measured foot strike +24..+29 deg and
# overstride +22..+27 cm too high.  With the realistic landing (measured, pose model):
# foot strike runner +9.5, before -4.0, after +5.7 deg; overstride +9.4, +13.8, +11.8 cm;
# shank angle -3.3, +0.0, -3.2 deg.  The notes below date from the snapping foot: analysed
# from the TRUE landmarks the pipeline
# still reads runner_side 22.2 deg / 31.0 cm (truth 2.7 / 5.8): contacts are detected
# ~2 frames early there.  The pose model adds its own foot error around landing (at the
# true contact instant, pose landmarks read +19..+34 deg, +10..+12 cm).  Measuring the foot
# from the model's own (not re-drawn, metrics.clean.separate_feet) landmarks changes the
# clip values by < 3.5 deg and < 2 cm: the re-drawing is not the cause.

MISSED = "initial contact ~1 frame early and pose-landmark error of the foot at landing (see note above)"


@pytest.mark.xfail(strict=True, reason=f"{MISSED}; measured +9.4..+13.8 cm")
@pytest.mark.parametrize("name", SIDE)
def test_overstride_is_recovered_within_5_cm(samples, name):
    assert abs(error(samples, name, "overstride_cm")) <= 5.0


def test_foot_strike_before_retraining_is_rearfoot(samples):
    # Truth 14.9 deg, measured 10.9 deg: the class is right, the angle 4 deg low (see above).
    assert samples["before_side"][0].metrics["foot_strike_angle_deg"].value > 8


@pytest.mark.xfail(strict=True, reason=f"{MISSED}; after_side measures 8.4 deg (rearfoot) for a true 2.7 deg")
def test_foot_strike_after_retraining_is_midfoot(samples):
    assert -1.6 <= samples["after_side"][0].metrics["foot_strike_angle_deg"].value <= 8


# Measured median errors at the true contact instants, from the true landmarks through
# cleaning and the belt scale (deg, cm, deg): runner -0.8, +0.0, -1.7; before -0.9, +0.1,
# -1.5; after -0.9, +0.0, -1.8; largest single stride 1.2 deg, 0.3 cm, 2.3 deg (with the old
# snapping landing, smeared into the contact frame by the 10 Hz low-pass: up to 5.2 deg, 5.4 cm).
# A flipped sign fails.
@pytest.mark.parametrize("name", SIDE)
def test_contact_metrics_agree_with_the_truth_on_true_landmarks_at_true_contacts(name):
    """The metric code and the synthetic truth share their definitions: given the exact
    landmarks and the exact contact instants, the per-stride values come back."""
    import numpy as np

    from metrics import foot_strike, overstride
    from metrics.events import Contact
    from metrics.gait import StrideTiming, build_gait

    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    xy = np.array(truth["landmarks"]["image_xy_px"], float)
    render, params = truth["render"], truth["params"]
    g = build_gait(xy, np.arange(len(xy)) / render["fps"], np.ones(xy.shape[:2]),
                   (render["width"], render["height"]), "side", params["belt_speed_kmh"], 100 * params["height_m"])
    toe_off = {(e["foot"], e["frame"]): e["time_s_exact"] for e in truth["events"] if e["kind"] == "toe_off"}
    errors = []
    for s in truth["strides"]:
        if s["toe_off_frame"] is None:
            continue
        contact = Contact(s["foot"], s["start_s"], toe_off[s["foot"], s["toe_off_frame"]],
                          s["initial_contact_frame"], s["toe_off_frame"], True)
        stride, v = StrideTiming(0, s["foot"], contact, None, None), s["values"]
        errors.append((foot_strike.foot_strike_angle(g, stride) - v["foot_strike_angle_deg"],
                       overstride.overstride_cm(g, stride) - v["overstride_cm"],
                       overstride.shank_angle_at_contact(g, stride) - v["shank_angle_at_contact_deg"]))
    worst = np.abs(np.array(errors)).max(axis=0)
    assert len(errors) >= 20
    assert worst[0] <= 2.0 and worst[1] <= 1.0 and worst[2] <= 3.0, worst


PELVIS_MISSED = pytest.mark.xfail(strict=True, reason="the hip landmarks' line tilts less than the synthetic pelvis")


# Measured errors (deg): after_rear -0.57 (true 3), runner_rear -2.21 (true 4; -1.69 before the samples
# were regenerated with the new landing), before_rear -3.87 (true 5.8).
@pytest.mark.parametrize("name", ["after_rear", pytest.param("runner_rear", marks=PELVIS_MISSED),
                                  pytest.param("before_rear", marks=PELVIS_MISSED)])
def test_pelvic_drop_is_recovered_within_2_deg(samples, name):
    assert abs(error(samples, name, "pelvic_drop_deg")) <= 2.0


@pytest.mark.xfail(strict=True, reason="pelvic drop is not recovered (see above), so neither is its 3->9 deg drift")
def test_fatigue_drift_of_pelvic_drop_is_found_only_where_it_was_injected(samples):
    before, after = (samples[n][0].metrics["pelvic_drop_deg"].drift or {} for n in ("before_rear", "after_rear"))
    assert before.get("significant") and before["change"] > 0
    assert not after.get("significant")


IC_MISSED = pytest.mark.xfail(strict=True, reason="measured median |IC error| 1.0 frame but only 89% within "
                                                  "2 frames (runner_side), 77% (before_rear)")


# Measured (benchmarks/validate.py) median |IC error| 1.0 frame on every sample; within 2 frames:
# before_side 96%, after_side 96%, runner_rear 93%, after_rear 96%.
@pytest.mark.parametrize("name", [pytest.param("runner_side", marks=IC_MISSED), "runner_rear", "before_side",
                                  "after_side", pytest.param("before_rear", marks=IC_MISSED), "after_rear"])
def test_initial_contact_is_found_within_one_frame_median(samples, name):
    from metrics.validation import event_errors, truth_events

    analysis, truth = samples[name]
    errors = event_errors(analysis.events, truth_events(truth), "initial_contact")
    assert errors.within(2) >= 0.9  # nearly every true contact is found within 2 frames
    assert errors.median_abs <= 1.0
