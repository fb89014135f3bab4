"""Initial contact and toe-off seen from behind (:mod:`metrics.events_frontal`).

A model-free foot path in, its contacts out at 25-240 fps; then a slice of
``benchmarks/validate_synth.py``'s varied-look rear runners through the real
pose model (rendered once and cached by their parameters under
~/.cache/stridescope/synth; pose tracks cached by clip).  None of these runners
was used to set the detector (the bundled samples were); the benchmark prints
the same figures over all its runs.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import PchipInterpolator

from metrics.events_frontal import detect_contacts_frontal
from vision.landmarks import LEFT_FOOT_INDEX, LEFT_KNEE, N_LANDMARKS, RIGHT_FOOT_INDEX, RIGHT_KNEE

STEP_S, CONTACT_S = 0.35, 0.25


def rear_path(fps: float, duration_s: float = 4.0) -> tuple[np.ndarray, np.ndarray, list[tuple[str, float, float]]]:
    """A runner seen from behind: each foot descends the image with the belt (20 px over a
    contact) from initial contact to toe-off, rises fast, and reaches forward (up the image)
    until it lands.  Returns (xy, time_s, true contacts (foot, ic, to))."""
    t = np.arange(0, duration_s, 1 / fps)
    xy = np.zeros((len(t), N_LANDMARKS, 2))
    xy[..., 0] = 300.0
    truth = []
    legs = (("left", LEFT_FOOT_INDEX, LEFT_KNEE), ("right", RIGHT_FOOT_INDEX, RIGHT_KNEE))
    for k, (foot, toe, knee) in enumerate(legs):
        phase = (t - k * STEP_S) % (2 * STEP_S)  # 0 at initial contact
        stance = phase < CONTACT_S
        swing = (phase - CONTACT_S) / (2 * STEP_S - CONTACT_S)
        # Stance: 500 -> 520 px; swing: lifted to 470, down to 510, then reaching forward up to 500.
        y = np.where(stance, 500 + 20 * phase / CONTACT_S,
                     PchipInterpolator([0, 0.35, 0.75, 1], [520, 470, 510, 500])(np.clip(swing, 0, 1)))
        xy[:, toe, 1], xy[:, knee, 1] = y, y - 200
        truth += [(foot, ic, ic + CONTACT_S) for ic in np.arange(k * STEP_S, duration_s, 2 * STEP_S)]
    return xy, t, sorted(truth, key=lambda c: c[1])


@pytest.mark.parametrize("fps", [25.0, 60.0, 240.0])
def test_a_foot_carried_down_the_image_by_the_belt_is_in_contact_from_its_descent_to_its_push_off(fps):
    xy, t, truth = rear_path(fps)
    found = detect_contacts_frontal(xy, t, step_period_s=STEP_S)
    inner = [c for c in truth if 0.5 < c[1] < t[-1] - 0.5]
    for foot, ic, to in inner:
        c = min((c for c in found if c.foot == foot), key=lambda c: abs(c.initial_contact_s - ic))
        # Measured: initial contact 19-28 ms late (the descent's derivative window spans half a step,
        # and contact is timed at 0.3 of the stance speed) and toe-off 3-11 ms early, at every rate
        # from 25 to 240 fps: the timing is set in steps, not frames.
        assert c.initial_contact_s - ic == pytest.approx(0.022, abs=0.007)
        assert c.toe_off_s - to == pytest.approx(-0.006, abs=0.006)


@pytest.mark.parametrize("sample", ["after_rear", "runner_rear"])
def test_both_feet_are_timed_alike(sample):
    """On the renderer's exact landmarks of a symmetric runner (sample_videos/*.truth.json, no pose model)
    left and right initial contacts come out equally timed, so a left/right difference on a pose track is
    the pose model's.  Measured 2026-11-30: after_rear left -58.1, right -58.4 ms; runner_rear -57.6 / -58.3 ms
    (the leg's end starts down with the belt before the heel touches; see test_initial_contact_timing_does_not_
    depend_on_the_frame_rate for what the pose model adds).  On after_rear's pose track the left reads -26 ms
    and the right +3 ms; mirrored, the model's left is again the early one (-23 against -4 ms): the asymmetry
    follows the model's left, not the runner's."""
    import json
    from pathlib import Path

    from benchmarks.ic_timing import detector_contacts, ic_times, signed_errors_ms

    truth = json.loads((Path(__file__).parents[1] / "sample_videos" / f"{sample}.truth.json").read_text())
    xy = np.array(truth["landmarks"]["image_xy_px"], float)
    t = np.arange(len(xy)) / truth["render"]["fps"]
    found = detector_contacts(xy, t, "rear")
    median = {}
    for foot in ("left", "right"):
        true = [e["time_s_exact"] for e in truth["events"] if e["kind"] == "initial_contact" and e["foot"] == foot]
        errors = signed_errors_ms(ic_times(found, foot), true)
        assert len(errors) >= len(true) - 2
        median[foot] = np.median(errors)
    assert abs(median["left"] - median["right"]) <= 5.0


def test_the_detector_finds_the_step_itself_when_the_motion_gave_none():
    xy, t, truth = rear_path(60.0)
    found = detect_contacts_frontal(xy, t)
    assert [c.foot for c in found] == [f for f, ic, _ in truth if ic > 0.3][:len(found)]
    assert len(found) >= len(truth) - 3


# --- varied looks through the real pose model ----------------------------------------------------------------------
SLICE = ("rear-105", "rear-107", "rear-106")  # 30, 30 and 120 fps


@pytest.fixture(scope="session")
def rear_looks():
    """``{run: (analysis, truth, fps)}`` for the slice, analysed with belt speed and height."""
    from metrics.measure import analyze_track
    from synth.cache import rendered
    from synth.runs import runs
    from vision.extract import pose_track

    out = {}
    for run in (r for r in runs(n_looks=8, n_drift=0) if r.name in SLICE):
        clip, truth = rendered(run.params, run.settings)
        p = truth["params"]
        out[run.name] = (analyze_track(pose_track(clip), treadmill_speed_kmh=p["belt_speed_kmh"],
                                       height_cm=100 * p["height_m"]), truth, run.settings.fps)
    return out


def _errors(rear_looks, run: str, kind: str):
    from metrics.validation import event_errors, truth_events

    analysis, truth, fps = rear_looks[run]
    return event_errors(analysis.events, truth_events(truth), kind, max(2, round(0.1 * fps)))


LATE_AT_120 = pytest.mark.xfail(strict=True, reason=(
    "measured 2026-11-30: initial contact +26 ms late on rear-106 (median 3 frames, 18 % within 2 frames).  The bias "
    "belongs to this runner's look, not to the frame rate: the same track read at 60 and 30 fps is +28 ms late "
    "(test_initial_contact_timing_does_not_depend_on_the_frame_rate), within 1 frame at 30 fps.  From behind the "
    "detector on the renderer's exact landmarks reads 55-60 ms early and the pose model's lag on the leg's "
    "descent (+30 to +60 ms by look) brings it back: -23 to +38 ms by look (benchmarks/ic_timing.py)"))


# The clip's first landing, 16 ms after its first frame, is a contact a person marks on frame 1 (frame 0 shows the
# foot in the air); the detector leaves out landings within half its speed window (50 ms) of the clip's start
# (metrics.gait.landings_seen), so it is missed.  The truth rounded it to frame 0 and left it out until 2026-11-30.
CLIP_START_LANDING = pytest.mark.xfail(strict=True, reason=(
    "measured 2026-11-30: rear-107 88 % within 2 frames (15 of 17; 94 % with the nearest-frame truth): its first "
    "landing, half a frame after the clip's start, is not reported, and neither is its last"))


@pytest.mark.model
@pytest.mark.parametrize("run", ["rear-105", pytest.param("rear-107", marks=CLIP_START_LANDING),
                                 pytest.param("rear-106", marks=LATE_AT_120)])
def test_initial_contact_is_found_within_2_frames(rear_looks, run):
    errors = _errors(rear_looks, run, "initial_contact")
    # Measured 2026-11-30 against the truth's first frame in contact: rear-105 100 % within 2 frames, median |error|
    # 1 frame (30 fps; 0 frames against the nearest frame).
    assert errors.within(2) >= 0.9
    assert errors.median_abs <= 1.0


@pytest.mark.model
@pytest.mark.parametrize("run", SLICE)
def test_toe_off_is_found_within_2_frames(rear_looks, run):
    # Measured 2026-11-30: rear-105 94 %, rear-107 94 %, rear-106 83 % within 2 frames, median |error| 0-1 frame.
    assert _errors(rear_looks, run, "toe_off").within(2) >= 0.8


CONTACT_LONG = pytest.mark.xfail(strict=True, reason="measured 2026-11-30: 318 ms for a true 276 (+15.1 %) on rear-105")


@pytest.mark.model
@pytest.mark.parametrize("run", [pytest.param("rear-105", marks=CONTACT_LONG), "rear-107", "rear-106"])
def test_contact_time_is_within_10_percent(rear_looks, run):
    # Measured 2026-11-30: rear-107 +5.3 %, rear-106 -7.2 %.
    analysis, truth, _ = rear_looks[run]
    true = truth["metrics"]["ground_contact_time_ms"]["value"]
    assert abs(analysis.metrics["ground_contact_time_ms"].value - true) <= 0.1 * true


@pytest.mark.model
def test_initial_contact_timing_does_not_depend_on_the_frame_rate():
    """rear-106 (120 fps) read at 120, 60 and 30 fps (every 2nd / 4th frame of its pose track): the same
    signed initial-contact error in milliseconds, because every duration of the detector is in steps.
    Measured 2026-11-30: +26.4, +27.7, +28.3 ms."""
    from benchmarks.ic_timing import ic_times, signed_errors_ms
    from metrics.gait import build_gait
    from synth.cache import rendered
    from synth.runs import runs
    from vision.extract import pose_track

    run = next(r for r in runs(n_looks=8, n_drift=0) if r.name == "rear-106")
    clip, truth = rendered(run.params, run.settings)
    track, p = pose_track(clip), truth["params"]
    medians = []
    for k in (1, 2, 4):
        g = build_gait(track.image_xy[::k], track.time_s[::k], track.visibility[::k], tuple(track.frame_size), "rear",
                       p["belt_speed_kmh"], 100 * p["height_m"])
        errors = [e for foot in ("left", "right") for e in signed_errors_ms(
            ic_times(g.contacts, foot),
            [e["time_s_exact"] for e in truth["events"] if e["kind"] == "initial_contact" and e["foot"] == foot])]
        medians.append(np.median(errors))
    assert max(medians) - min(medians) <= 5.0


@pytest.mark.parametrize("run", ["rear-106", "rear-100"])
def test_the_detector_times_exact_landmarks_alike_at_every_frame_rate(run):
    """A rear runner's exact landmarks (its kinematic model, no rendering or pose model) read at 120, 60 and
    30 fps: each foot's signed initial-contact error the same within 3 ms.  Measured 2026-11-30: rear-106 left
    -13.4, -15.7, -14.6 ms, right -19.8, -20.3, -19.6; rear-100 left -42.2, -42.7, -42.8, right -44.2, -43.7, -44.3."""
    from benchmarks.ic_timing import detector_contacts, exact_landmarks, ic_times, signed_errors_ms

    xy, t, true = exact_landmarks(run, 120.0)
    for foot in ("left", "right"):
        medians = [np.median(signed_errors_ms(ic_times(detector_contacts(xy[::k], t[::k], "rear"), foot), true[foot]))
                   for k in (1, 2, 4)]
        assert max(medians) - min(medians) <= 3.0
