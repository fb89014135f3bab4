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


# Measured errors (deg): runner +2.11, before -0.05, after +2.83 (the peak is taken over
# the whole, correctly long, stance).  A doubled 3 deg would be +3.
KNEE_COLLAPSE_HIGH = pytest.mark.xfail(strict=True, reason="measured +2.83 deg on after_rear (true 3.0): its rear "
                                                           "contacts begin ~17 ms early on this look (2026-11-30; "
                                                           "+2.64 with the heel-fall contacts)")


@pytest.mark.parametrize("name", ["runner_rear", "before_rear", pytest.param("after_rear", marks=KNEE_COLLAPSE_HIGH)])
def test_knee_collapse_is_recovered_within_2_75_deg(samples, name):
    assert abs(error(samples, name, "knee_collapse_deg")) <= 2.75


def test_trunk_lean_change_between_before_and_after_has_the_injected_size(samples):
    """Before 2 deg, after 7 deg: the camera-independent part of the error cancels."""
    change = (samples["after_side"][0].metrics["trunk_lean_deg"].value
              - samples["before_side"][0].metrics["trunk_lean_deg"].value)
    assert change == pytest.approx(5.0, abs=1.0)  # measured +4.59


# Vertical ratio = oscillation / step length, the step being half the stride (the truth's stride length).
# Measured errors (points): runner +0.89, before -1.13 (its oscillation reads 1.2 cm low), after +0.60 (+0.62,
# -1.25, +0.42 with the oscillation from low-passed positions); from each stride's first step instead of half
# the stride they were +1.42, -1.13, +1.43.
@pytest.mark.parametrize("name", SIDE)
def test_vertical_ratio_is_recovered_within_1_5_points(samples, name):
    import numpy as np

    analysis, truth = samples[name]
    step_m = np.median([s["values"]["stride_length_m"] for s in truth["strides"]]) / 2
    true_ratio = truth["metrics"]["vertical_oscillation_cm"]["value"] / step_m
    assert abs(analysis.metrics["vertical_ratio_pct"].value - true_ratio) <= 1.5


# Measured errors (spm): side runner +1.35, before -0.13, after +0.23;
# rear runner +2.38, before -0.22, after +0.22.
@pytest.mark.parametrize("name", NAMES)
def test_cadence_is_recovered_within_3_steps_per_minute(samples, name):
    assert abs(error(samples, name, "cadence_spm")) <= 3.0


# Measured errors (ms): rear runner -15.7, before -13.2, after -10.2 (toe-off found about a
# frame early).  Side (2026-11-30, toe-off timed on the toe's own take-off, metrics.events.take_off_time):
# runner -16.7, before -13.3, after -25.3; side toe-off bias -2.1..-2.6 frames against the truth's last frame in
# contact (-2.6..-2.9 against the nearest frame; -3.2..-3.8 and the errors -26.9, -33.1, -39.7 with a threshold on
# the clip's swing speed).
SIDE_TOE_OFF_EARLY = pytest.mark.xfail(strict=True, reason="after_side -25.3 ms: its toe-offs are still found "
                                                           "2.6 frames early (52 % within 2 frames)")


@pytest.mark.parametrize("name", [pytest.param(n, marks=SIDE_TOE_OFF_EARLY) if n == "after_side" else n
                                  for n in NAMES])
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
# Foot strike measured 2026-11-30 with the flat-foot reference where the hips pass over the foot
# (metrics/foot_strike.py): runner 10.1, before 18.8, after 6.3 deg for true 2.7, 14.9, 2.7 (with the
# middle third of the detected stance as the reference: 15.8, 18.6, 14.4).

MISSED = "initial contact ~1 frame early and pose-landmark error of the foot at landing (see note above)"


@pytest.mark.xfail(strict=True, reason=f"{MISSED}; measured +5.1, +6.8, +8.0 cm with the height scale "
                                        "(+9.4..+13.8 with the belt scale)")
@pytest.mark.parametrize("name", SIDE)
def test_overstride_is_recovered_within_5_cm(samples, name):
    assert abs(error(samples, name, "overstride_cm")) <= 5.0


def test_foot_strike_before_retraining_is_rearfoot(samples):
    # Truth 14.9 deg, measured 18.8 deg (see above).
    assert samples["before_side"][0].metrics["foot_strike_angle_deg"].value > 8


def test_foot_strike_after_retraining_is_midfoot(samples):
    # Truth 2.7 deg, measured 6.3 deg (see above).
    assert -1.6 <= samples["after_side"][0].metrics["foot_strike_angle_deg"].value <= 8


def _true_contacts(truth: dict) -> dict:
    """``{initial-contact frame: Contact}`` at the exact event times of a synthetic clip."""
    from synth.evaluate import true_contacts

    return {c.initial_contact_frame: c for c in true_contacts(truth)}


def _gait_on_true_landmarks(truth: dict, rotate_deg: float = 0.0, camera_roll: dict | None = None):
    """The gait of a sample's exact image landmarks (optionally turned clockwise about the image centre, with
    the ``camera_roll`` measured from the picture, :mod:`vision.roll`)."""
    import numpy as np

    from metrics.gait import build_gait

    xy = np.array(truth["landmarks"]["image_xy_px"], float)
    render, params = truth["render"], truth["params"]
    if rotate_deg:
        a = np.radians(rotate_deg)
        centre = np.array([render["width"], render["height"]]) / 2
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        xy = (xy - centre) @ rot.T + centre
    g = build_gait(xy, np.arange(len(xy)) / render["fps"], np.ones(xy.shape[:2]), (render["width"], render["height"]),
                   render["view"], params["belt_speed_kmh"], 100 * params["height_m"], camera_roll=camera_roll)
    g.contacts = sorted(_true_contacts(truth).values(), key=lambda c: c.initial_contact_s)
    return g


def _stride_errors(truth: dict, g, measures: dict) -> dict:
    """Per measure, per-stride (measured - true) at the true events."""
    from metrics.gait import StrideTiming

    contacts = _true_contacts(truth)
    errors = {name: [] for name in measures}
    for s in truth["strides"]:
        c = contacts[s["initial_contact_frame"]]
        opposite = next((d for d in g.contacts if d.foot != c.foot and d.initial_contact_s > c.initial_contact_s), None)
        stride = StrideTiming(0, c.foot, c, opposite, contacts.get(s["next_initial_contact_frame"]))
        for name, per_stride in measures.items():
            v = per_stride(g, stride)
            if v is not None:
                errors[name].append(v - s["values"][name])
    return errors


# Largest single-stride error measured on the three side samples from their exact landmarks at the
# exact events, through cleaning, the body fit and the height scale (deg, cm): foot strike 1.16,
# overstride 0.54, shank 2.19, hip extension 2.11, knee flexion at contact 3.52 (median +2.0..+2.4:
# the 2D projection of the 3D knee angle; read from the positions before the low-pass, which added
# ~1 deg more at this turning point of the knee angle: 4.47 before), peak knee flexion 0.56,
# vertical oscillation 0.53, trunk lean 0.02.
# Rear: pelvic drop 0.07, knee FPPA 1.06.  A flipped sign or a doubled value fails.
DEFINITION_TOLERANCE = {
    "foot_strike_angle_deg": 1.5, "overstride_cm": 1.0, "shank_angle_at_contact_deg": 3.0,
    "hip_extension_deg": 2.5, "knee_flexion_at_contact_deg": 4.0, "peak_knee_flexion_stance_deg": 1.0,
    "vertical_oscillation_cm": 0.75, "trunk_lean_deg": 0.1, "pelvic_drop_deg": 0.25, "knee_collapse_deg": 1.5,
}


@pytest.mark.parametrize("name", NAMES)
def test_measures_agree_with_the_truth_on_true_landmarks_at_true_events(name):
    """The metric code and the synthetic truth share their definitions: given the exact
    landmarks and the exact event instants, every per-stride value comes back."""
    import numpy as np

    from metrics import foot_strike, frontal, hip, knee, oscillation, overstride, trunk

    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    measures = {"side": {"foot_strike_angle_deg": foot_strike.foot_strike_angle,
                         "overstride_cm": overstride.overstride_cm,
                         "shank_angle_at_contact_deg": overstride.shank_angle_at_contact,
                         "hip_extension_deg": hip.hip_extension,
                         "knee_flexion_at_contact_deg": knee.knee_flexion_at_contact,
                         "peak_knee_flexion_stance_deg": knee.peak_knee_flexion_stance,
                         "vertical_oscillation_cm": oscillation.vertical_oscillation_cm,
                         "trunk_lean_deg": trunk.trunk_lean},
                "rear": {"pelvic_drop_deg": frontal.pelvic_drop, "knee_collapse_deg": frontal.knee_collapse}}
    errors = _stride_errors(truth, _gait_on_true_landmarks(truth), measures[truth["render"]["view"]])
    for measure, e in errors.items():
        assert len(e) >= 20, measure
        assert np.abs(e).max() <= DEFINITION_TOLERANCE[measure], (measure, np.abs(e).max())


@pytest.mark.parametrize("name", SIDE)
def test_vertical_oscillation_of_a_30_fps_clip_is_not_rounded_off_by_the_low_pass(name):
    """A phone's 30 fps: every other frame of a sample's exact landmarks, at the exact events; the per-step
    oscillation reads within 0.4 cm at the median (measured -0.30, -0.27, -0.31 cm, the frames missing the
    exact top and bottom; from the low-passed positions, 6 Hz at 30 fps, it read -0.43, -0.60, -0.48)."""
    from dataclasses import replace

    import numpy as np

    from metrics.gait import build_gait, with_contacts
    from metrics.oscillation import vertical_oscillation_cm
    from synth.evaluate import true_contacts
    from synth.truth import event_frame

    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    render, params = truth["render"], truth["params"]
    fps = render["fps"] / 2
    xy = np.array(truth["landmarks"]["image_xy_px"], float)[::2]
    contacts = [replace(c, initial_contact_frame=event_frame("initial_contact", c.initial_contact_s, fps),
                        toe_off_frame=event_frame("toe_off", c.toe_off_s, fps)) for c in true_contacts(truth)]
    g = with_contacts(build_gait(xy, np.arange(len(xy)) / fps, np.ones(xy.shape[:2]),
                                 (render["width"], render["height"]), "side", params["belt_speed_kmh"],
                                 100 * params["height_m"]), contacts)
    true = {round(s["start_s"], 6): s["values"]["vertical_oscillation_cm"] for s in truth["strides"]}
    errors = [v - true[round(s.start_s, 6)] for s in g.strides
              if round(s.start_s, 6) in true and (v := vertical_oscillation_cm(g, s)) is not None]
    assert len(errors) >= 20 and abs(np.median(errors)) <= 0.4, np.round(np.median(errors), 2)


@pytest.mark.parametrize("name", REAR)
def test_pelvic_drop_is_measured_from_the_runners_neutral_not_the_camera(name):
    """A phone held 3 deg crooked changes the hip line's angle to the image by 3 deg but not the
    pelvic drop, which is measured from the hip line's own angle in flight (measured change < 0.05 deg)."""
    import numpy as np

    from metrics.frontal import pelvic_drop

    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    level, crooked = _gait_on_true_landmarks(truth), _gait_on_true_landmarks(truth, rotate_deg=3.0)
    from metrics.gait import strides_from_contacts

    a = [pelvic_drop(level, s) for s in strides_from_contacts(level.contacts)]
    b = [pelvic_drop(crooked, s) for s in strides_from_contacts(crooked.contacts)]
    change = np.array([x - y for x, y in zip(a, b) if x is not None and y is not None])
    assert len(change) >= 20 and np.abs(change).max() < 0.3


# Camera roll is the trunk-lean tail over the varied looks (synth.look draws roll ~ N(0, 1.5 deg)): on the exact
# landmarks of the 13 side runners of benchmarks/validate_synth.py at the true events the trunk-lean error equals
# the roll within 0.1 deg (side-106: roll -4.60, error -4.59; side-107: +3.19, +3.20).  The ground line cannot
# undo it (real treadmill clips slope +7.2, -4.1 and -13.3 deg while their rooms' verticals stand upright); the
# roll read from the background's verticals can (vision/roll.py, tested on drawn rooms in tests/test_roll.py).
# Without a measured roll the lean still moves by the full +3.00 deg.
@pytest.mark.parametrize("name", SIDE)
def test_angles_to_the_vertical_are_unchanged_by_a_camera_held_3_deg_crooked_once_its_roll_is_measured(name):
    """Trunk lean and shank angle within 0.2 deg, overstride within 0.5 cm of the level camera's on every stride."""
    import numpy as np

    from metrics.gait import strides_from_contacts
    from metrics.overstride import overstride_cm, shank_angle_at_contact
    from metrics.trunk import trunk_lean

    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    measured = {"deg": 3.0, "confident": True, "source": "background verticals", "standard_error_deg": 0.1}
    level, crooked = _gait_on_true_landmarks(truth), _gait_on_true_landmarks(truth, 3.0, measured)
    for measure, tolerance in ((trunk_lean, 0.2), (shank_angle_at_contact, 0.2), (overstride_cm, 0.5)):
        a = [measure(level, s) for s in strides_from_contacts(level.contacts)]
        b = [measure(crooked, s) for s in strides_from_contacts(crooked.contacts)]
        change = np.array([y - x for x, y in zip(a, b) if x is not None and y is not None])
        assert len(change) >= 20 and np.abs(change).max() < tolerance, (measure.__name__, np.abs(change).max())
    assert crooked.camera_roll_deg == 3.0 and crooked.camera_roll_source == "background verticals"
    assert crooked.vertical_doubt_deg == pytest.approx(0.196)  # the roll's own uncertainty, not the ground's slope
    doubtful = _gait_on_true_landmarks(truth, 3.0, measured | {"confident": False})
    assert doubtful.camera_roll_deg == 0.0  # an untrusted roll is not applied
    assert doubtful.vertical_doubt_deg == abs(doubtful.ground_tilt_deg)  # the ground line's slope, as before


def test_one_misplaced_knee_cannot_bend_the_fitted_knee_by_much():
    """A knee detected 25 px off (14 deg of raw knee angle) moves the fitted knee by < 7 deg (measured
    5.5); on exact landmarks the fit changes the knee angle by < 2 deg anywhere (measured 1.6)."""
    import numpy as np

    from metrics.body_fit import fit_body
    from metrics.knee import knee_flexion
    from metrics.legs import LEGS

    truth = json.loads((SAMPLES / "runner_side.truth.json").read_text())
    xy = np.array(truth["landmarks"]["image_xy_px"], float)
    t, vis = np.arange(len(xy)) / truth["render"]["fps"], np.ones(xy.shape[:2])
    exact = fit_body(xy, vis, t)
    for foot in ("left", "right"):
        assert np.abs(knee_flexion(exact.xy, foot) - knee_flexion(xy, foot)).max() < 2.0
    bad = xy.copy()
    bad[200, LEGS["right"].knee] += [25.0, 0.0]
    assert abs(knee_flexion(bad[200], "right") - knee_flexion(xy[200], "right")) > 10
    fitted = fit_body(bad, vis, t)
    assert abs(knee_flexion(fitted.xy[200], "right") - knee_flexion(exact.xy[200], "right")) < 7.0
    thigh, shank = fitted.segments_px["right"]
    assert np.linalg.norm(fitted.xy[:, LEGS["right"].knee] - fitted.xy[:, LEGS["right"].hip], axis=-1) \
        == pytest.approx(thigh, rel=1e-6)


def test_drift_is_found_when_injected_and_not_when_absent():
    """Per-stride values with stride-to-stride noise (SD 1) and a steady left/right offset, 30 strides
    (a 10 s clip): a drift of 4 SD over the clip is found in >= 90 % of clips (measured 97.5 %), one is
    reported in <= 5 % of clips without any, also when the noise wanders (lag-1 autocorrelation 0.5;
    measured 1 % and 3 %)."""
    import numpy as np

    from metrics.summary import drift

    rng = np.random.default_rng(0)

    def significant(change: float, wander: float = 0.0) -> bool:
        t = np.sort(rng.uniform(0, 10, 30))
        feet = np.array(["left", "right"] * 15)
        noise = rng.normal(0, 1, 30)
        for i in range(1, 30):
            noise[i] += wander * noise[i - 1]
        v = 5 + change * t / 10 + np.where(feet == "left", 0.8, -0.8) + noise
        return drift(t, v, 0, 10, feet)["significant"]

    assert np.mean([significant(4.0) for _ in range(300)]) >= 0.9
    assert np.mean([significant(0.0) for _ in range(300)]) <= 0.05
    assert np.mean([significant(0.0, wander=0.5) for _ in range(300)]) <= 0.05


PELVIS_MISSED = pytest.mark.xfail(strict=True, reason="the pose model's hip line hardly follows the synthetic "
                                                       "pelvis: on before_rear its stance obliquity follows the true "
                                                       "one with gain 0.04 (correlation 0.05) frame by frame "
                                                       "(benchmarks/synth_landmark_error.py)")


# Measured errors (deg), from the flight neutral (2026-11-30, rear contacts from the leg's descent): after_rear
# -1.05 (true 3), runner_rear -1.77 (true 4), before_rear -3.91 (true 5.8): the measure reads about 2 deg whatever
# the truth.
@pytest.mark.parametrize("name", ["after_rear", "runner_rear", pytest.param("before_rear", marks=PELVIS_MISSED)])
def test_pelvic_drop_is_recovered_within_2_deg(samples, name):
    assert abs(error(samples, name, "pelvic_drop_deg")) <= 2.0


@pytest.mark.xfail(strict=True, reason="pelvic drop is not recovered (see above), so neither is its 3->9 deg "
                                        "drift: measured change +0.02 deg on before_rear")
def test_fatigue_drift_of_pelvic_drop_is_found_only_where_it_was_injected(samples):
    before, after = (samples[n][0].metrics["pelvic_drop_deg"].drift or {} for n in ("before_rear", "after_rear"))
    assert before.get("significant") and before["change"] > 0
    assert not after.get("significant")


def test_a_drift_the_pose_model_cannot_see_is_called_not_assessable_rather_than_left_unsaid(samples):
    """Pelvic drop's confidence is always low (the pose model's hips do not follow the pelvis), so the report
    must say its growth cannot be judged on this clip; saying nothing reads as "no drift", a false reassurance."""
    analysis, _ = samples["before_rear"]
    said = {f.id for f in analysis.findings} | {n.id for n in analysis.not_assessable}
    assert "pelvic_drop_deg_growing" in said


def _track_of(xy, frame_size):
    from vision.track import PoseTrack

    track = PoseTrack.empty(len(xy), frame_size=tuple(frame_size))
    track.image_xy[:] = xy
    return track


def test_frontal_following_reads_gain_1_on_the_truth_and_sees_through_side_flips():
    """The yardstick of benchmarks/synth_landmark_error.py: before_rear's own true landmarks follow the truth with
    gain and correlation 1 frame by frame, and stride by stride (within a foot, in the image against the 3D truth:
    measured 1.00 for pelvic drop); with the whole body's sides exchanged on every third frame (a rear view read as a
    front one) the labelled figures fall apart and undoing the flips against the truth restores them."""
    import numpy as np

    from synth.accuracy import frontal_following
    from vision.landmarks import MIRROR

    truth = json.loads((SAMPLES / "before_rear.truth.json").read_text())
    xy = np.array(truth["landmarks"]["image_xy_px"], float)
    size = truth["camera"]["size_px"]
    exact = frontal_following(_track_of(xy, size), truth)
    for name in ("pelvic_drop_deg", "knee_collapse_deg"):
        for label in ("frames as labelled", "frames, flips undone"):
            assert exact[name][label] == pytest.approx((1.0, 1.0), abs=1e-6)
    assert exact["pelvic_drop_deg"]["strides, flips undone"] == pytest.approx((1.0, 1.0), abs=0.1)
    flipped = xy.copy()
    flipped[::3] = xy[::3][:, MIRROR]
    seen = frontal_following(_track_of(flipped, size), truth)
    assert seen["pelvic_drop_deg"]["frames as labelled"][1] < 0.5
    assert seen["pelvic_drop_deg"]["frames, flips undone"] == pytest.approx((1.0, 1.0), abs=1e-6)


# Measured (benchmarks/validate.py, 2026-11-30) against the truth's first frame in contact, the frame a person
# labels: runner_rear 96 % within 2 frames, after_rear 100 %, median |IC error| 1.0 frame.  The nearest-frame
# truth read every sample half a frame early, which hid the detector's early initial contacts on the synthetic
# runner (mean error -0.7 to -1.6 frames at 60 fps): against it runner_side 93 %, before_side 100 %,
# after_side 96 %, before_rear 96 %, all median 1.0 frame.
def _early_contacts(figures: str):
    return pytest.mark.xfail(strict=True, reason=f"initial contacts found early on the synthetic runner: {figures}")


@pytest.mark.parametrize("name", [
    pytest.param("runner_side", marks=_early_contacts("82 % within 2 frames, bias -1.2 frames")), "runner_rear",
    pytest.param("before_side", marks=_early_contacts("median |error| 2.0 frames, bias -1.6 frames (92 % within 2)")),
    pytest.param("after_side", marks=_early_contacts("82 % within 2 frames, bias -1.2 frames")),
    pytest.param("before_rear", marks=_early_contacts("88 % within 2 frames, bias -1.2 frames")), "after_rear"])
def test_initial_contact_is_found_within_one_frame_median(samples, name):
    from metrics.validation import event_errors, truth_events

    analysis, truth = samples[name]
    errors = event_errors(analysis.events, truth_events(truth), "initial_contact")
    assert errors.within(2) >= 0.9  # nearly every true contact is found within 2 frames
    assert errors.median_abs <= 1.0


# --- Varied looks: a small slice of benchmarks/validate_synth.py's runners (gait and look drawn
# from one seed; rendered once and cached by their parameters under ~/.cache/stridescope/synth).
# Targets of issue 10, at the detected events and at the true ones (what the measure adds beyond
# event timing).  Measured errors on the slice are in each reason; the benchmark prints the spread
# over all runs.
LOOKS = ("side-100", "rear-100")


@pytest.fixture(scope="session")
def looks():
    """``{run name: measure_run result}`` for the slice (renders on first use, about 1-2 min each)."""
    from synth.evaluate import measure_run
    from synth.runs import runs

    return {r.name: measure_run(r) for r in runs(n_looks=1, n_drift=0) if r.name in LOOKS}


def _missed(figure: str):
    return pytest.mark.xfail(strict=True, reason=figure)


LOOK_TARGETS = [
    # (run, measure, tolerance, at true events?)
    ("side-100", "trunk_lean_deg", 2.0, False),  # -1.31
    ("side-100", "hip_extension_deg", 5.0, False),  # -0.38
    ("side-100", "vertical_oscillation_cm", 1.5, False),  # -1.05
    ("side-100", "peak_knee_flexion_stance_deg", 5.0, False),  # -3.77 (-4.66 as the plain maximum of the fitted body)
    ("side-100", "stride_length_m", 0.05, False),  # +0.02
    pytest.param("side-100", "knee_flexion_at_contact_deg", 4.0, False,
                 marks=_missed("+13.7 deg: initial contact found 2.5 frames early while the knee moves fast")),
    ("side-100", "knee_flexion_at_contact_deg", 4.0, True),  # +1.58 (+2.81 from the low-passed positions)
    pytest.param("side-100", "overstride_cm", 3.0, False, marks=_missed("+8.6 cm at the detected contacts")),
    ("side-100", "overstride_cm", 3.0, True),  # +2.46
    ("side-100", "foot_strike_angle_deg", 4.0, False),  # +2.10 (+5.60 with the mid-stance reference)
    pytest.param("side-100", "foot_strike_angle_deg", 4.0, True,
                 marks=_missed("+10.4 deg: the pose model's heel-to-toe line is not rigid with the foot: while "
                               "the foot lies flat it slides toes-down (on the 13 side runners, relative to its "
                               "offset at the true contact, median -1.4 deg at 0.2 of the stance, -7.6 at 0.3, -13 "
                               "at half); on this runner the right foot's line is 9 and 17 deg toes-down of its "
                               "contact offset at 0.1 and 0.2 of the stance")),
    ("rear-100", "knee_collapse_deg", 3.0, False),  # +0.54
    # -0.37 since the torso's left/right swaps (14 % of frames) are repaired; it read -2.58 with them.  The pose
    # model's hip line still hardly follows the pelvis (gain 0.04 on before_rear): its drift goes unseen.
    ("rear-100", "pelvic_drop_deg", 1.5, False),
]


@pytest.mark.model
@pytest.mark.parametrize("run,measure,tolerance,true_events", LOOK_TARGETS)
def test_measure_on_a_varied_look_is_within_its_target(looks, run, measure, tolerance, true_events):
    errors = looks[run]["errors_true_events" if true_events else "errors"]
    assert measure in errors, f"{run}: {measure} not measured"
    assert abs(errors[measure]) <= tolerance, errors[measure]


# Events on the varied looks (issue 9 targets: toe-off >= 85 % within 2 frames at >= 60 fps, contact time
# within 10 %).  Measured 2026-11-30 against the truth's last frame in contact: side-100 75 % / +10.6 % (initial
# contacts 2.0 frames early make its contacts long); side-120-drift 91 % / +6.4 %.  Over the 13 side runners of
# benchmarks/validate_synth.py toe-off is within 2 frames for 83 % of all toe-offs (77 % against the nearest frame,
# 54 % with a threshold on the clip's swing speed).
EVENT_LOOKS = [pytest.param("side-100", marks=_missed("75 % of toe-offs within 2 frames, contact time +10.6 %")),
               "side-120-drift"]


@pytest.mark.model
@pytest.mark.parametrize("run", EVENT_LOOKS)
def test_toe_off_and_contact_time_on_a_varied_look(looks, drift_looks, run):
    """A varied-look side runner at 60 fps in; toe-off within 2 frames for >= 85 % of the true ones and the
    clip's contact time within 10 % of the true one out."""
    result = {**looks, **drift_looks}[run]
    assert result["events"]["toe_off"].within(2) >= 0.85
    contact = "ground_contact_time_ms"
    assert abs(result["values"][contact] - result["truth"][contact]) <= 0.1 * result["truth"][contact]


# --- Fatigue drift through the pose model: a slice of benchmarks/drift.py's runs.  Injected over 8 s
# (synth.runs.DRIFTS): side trunk lean 4 -> 10 deg and overstride 4 -> 14 cm; rear pelvic drop 3 -> 9 deg
# and knee collapse 2 -> 8 deg.  Measured change (detected events) in each comment.  Over the ten rear drift runs
# (benchmarks/drift.py, 2026-11-30) pelvic drop's drift was found in 0/10 and knee collapse's in 1/10 (4/10 at the
# true events), none reported in 8 runs without drift; on the truth's exact values both are found in 10/10, so the
# drift rule and the definitions hold and the pose model's landmarks lose the change.
DRIFT_LOOKS = ("side-120-drift", "rear-120-drift")
POSE_BLIND = ("the pose model's landmarks follow the synthetic {what} with a gain of about {gain} "
              "(benchmarks/drift.py), so an injected 6 deg change reads {read}")


@pytest.fixture(scope="session")
def drift_looks():
    """``{run name: measure_run result}`` for the drift slice (renders on first use, about 2-3 min each)."""
    from synth.evaluate import measure_run
    from synth.runs import runs

    return {r.name: measure_run(r) for r in runs(n_looks=20, n_drift=1) if r.name in DRIFT_LOOKS}


DRIFT_TARGETS = [
    # (run, measure, drift injected?)
    ("side-120-drift", "trunk_lean_deg", True),  # +5.05 (injected +6)
    ("side-120-drift", "overstride_cm", True),  # +9.56 (injected +10)
    # +2.45 deg (injected +6): the pose model follows the knee's frontal angle with a gain of about 0.25
    # (benchmarks/drift.py), found since the rear contacts follow the leg's descent (2026-11-30).
    ("rear-120-drift", "knee_collapse_deg", True),
    pytest.param("rear-120-drift", "pelvic_drop_deg", True, marks=_missed(POSE_BLIND.format(
        what="pelvic obliquity", gain="0.00 (0.03 at the true events)", read="+0.15 deg here"))),
    ("side-100", "trunk_lean_deg", False),  # -0.04
    ("side-100", "overstride_cm", False),  # -0.79
    ("rear-100", "pelvic_drop_deg", False),  # -0.35
    ("rear-100", "knee_collapse_deg", False),  # -0.54
]


@pytest.mark.model
@pytest.mark.parametrize("run,measure,injected", DRIFT_TARGETS)
def test_fatigue_drift_is_found_where_injected_and_not_where_absent(looks, drift_looks, run, measure, injected):
    result = {**looks, **drift_looks}[run]
    d = result["drifts"].get(measure)
    assert d is not None, f"{run}: no trend of {measure}"
    if injected:
        start, end = result["injected"][measure]
        assert d["significant"] and (d["change"] > 0) == (end > start), d
    else:
        assert not d["significant"], d
