"""Gait events and cadence on real clips, against labels (LABELS.md / SOURCES.md).

TUNING clips set the detector's constants; CHECKING clips were never tuned on (benchmarks/validate.py
prints the whole table).  Targets from issue #9: initial-contact precision and recall >= 0.95, median
|error| <= 1 frame, >= 90 % within 2 frames; toe-off >= 85 % within 2 frames at >= 60 fps; cadence within
1 % of the labels (video time when the capture rate is unknown).  Known misses are strict xfails with
the figure measured on 2026-11-29 (toe-offs: 2026-11-30).
"""

from __future__ import annotations

import pytest
from conftest import GROUNDTRUTH, event_labels

from benchmarks.validate import CHECKING, TUNING, labelled_cadence, match_tolerance
from metrics.validation import author_marked_events, event_errors

ONE_FOOT = {"hato72_sprintstart_side_a1", "hato72_sprintstart_side_b13"}


def labels(stem: str):
    """Hand labels, or the hato72 author's marks of one foot (no foot named)."""
    marks = GROUNDTRUTH / "hato72_author_marked_contact_events.csv"
    if stem not in ONE_FOOT:
        return event_labels(stem)
    if not marks.is_file():
        pytest.skip(f"{marks.name} not available beside the repository")
    return author_marked_events(marks, f"{stem}.mp4")


def errors(real_analysis, stem: str, kind: str):
    events = labels(stem)
    return event_errors(real_analysis(f"{stem}.mp4").events, events, kind,
                        match_tolerance(events, stem in ONE_FOOT))


def miss(stem: str, figure: str):
    return pytest.param(stem, marks=pytest.mark.xfail(reason=f"measured {figure}", strict=True))


@pytest.mark.parametrize("stem", [*TUNING, CHECKING[0],
                                  CHECKING[1], miss(CHECKING[2], "recall 0.50 (2 of 4 marked touchdowns; the 4th is "
                                                                 "as the runner leaves the frame)")])
def test_initial_contacts_are_found_once_each(real_analysis, stem):
    """Precision and recall >= 0.95 (a detection counts within a third of a step of the label).

    The slow-motion lab clip (CHECKING) read 0.67 / 0.67 until contacts the pose model broke in pieces were
    joined again (metrics.events.rejoined_contacts, 2026-11-30): that rule was written while looking at this
    clip, the only labelled heavy slow motion, so its row is partly in-sample."""
    e = errors(real_analysis, stem, "initial_contact")
    assert e.precision >= 0.95 and e.recall >= 0.95


@pytest.mark.parametrize("stem", [*TUNING, miss(CHECKING[0], "median 11 frames, 0 % within 2 (video frames; "
                                                              "8 of 9 early by 9-15)"),
                                  CHECKING[1], miss(CHECKING[2], "median 0.5 frames but 50 % within 2 (two missed)")])
def test_initial_contacts_match_labels(real_analysis, stem):
    """Median |IC error| <= 1 frame and >= 90 % of labelled ICs within 2 frames."""
    e = errors(real_analysis, stem, "initial_contact")
    assert e.median_abs <= 1
    assert e.within(2) >= 0.9


# Measured 2026-11-30 with toe-off timed on the toe's own take-off: TUNING zzzhushi 97 %, mhuang24 94 %.
# The sprint clips: at 30 fps the pivot on the toes lasts 2-3 frames and the model's foot_index point (on the
# top of the toe box, not the contact point) turns with the foot: on a1 it moves 15 px/frame backwards at
# frame 195 while the shoe's tip is still on the track (frames 191-196 looked at).
# The labels' own uncertainty (LABELS.md): zzzhushi +-1 frame, mhuang24 +-1-2 frames (heavy motion blur).
LABEL_FRAMES = {TUNING[0]: 1.0, TUNING[1]: 2.0, CHECKING[0]: 2.0}


LAB_EARLY = ("left -11.2, right -10.7 video frames (-375 / -358 ms video time, 0.11 step: about 37 ms in real time "
             "at 10x), early; 5 of 5 and 4 of 4 matched.  Around the landings the model draws the shoe off the foot or "
             "on the other foot (frames 418-450, 516-536 looked at)")


@pytest.mark.parametrize("stem", [*TUNING, miss(CHECKING[0], LAB_EARLY)])
@pytest.mark.parametrize("foot", ["left", "right"])
def test_initial_contacts_are_not_early_or_late(real_analysis, real_track, stem, foot):
    """Each foot's median SIGNED initial-contact error lies within the labels' own uncertainty.

    Knee flexion at contact and overstride are sampled at the detected contact, so a bias, not only a
    spread, moves them.  A label is the first frame in contact: the true instant lies in the frame interval
    before it, so the sub-frame detection is compared with that interval's middle.  Measured 2026-11-30
    (benchmarks/ic_timing.py): zzzhushi left -19.7, right -18.2 ms (-0.6 frame); mhuang24 60 fps left +1.2,
    right +15.6 ms (+0.1 / +0.9 frame).
    """
    import numpy as np

    from benchmarks.ic_timing import signed_errors_ms

    events = labels(stem)
    frame_s = 1 / real_track(f"{stem}.mp4").fps
    true = [e.time_s - frame_s / 2 for e in events if e.kind == "initial_contact" and e.foot == foot]
    found = [e.time_s for e in real_analysis(f"{stem}.mp4").events if e.kind == "initial_contact" and e.foot == foot]
    errors = signed_errors_ms(found, true, match_tolerance(events, False) * frame_s)
    assert len(errors) >= 0.9 * len(true)
    assert abs(np.median(errors)) <= 1000 * LABEL_FRAMES[stem] * frame_s


@pytest.mark.parametrize("stem", [*TUNING, miss(CHECKING[0], "30 % within 2 frames (9 of 10 found; far foot 0 to "
                                                              "+6 frames, near foot +11 to +18: the model's toe rises "
                                                              "with the heel from mid-stance, no crisp take-off)"),
                                  miss(CHECKING[1], "25 % within 2 frames (found 2-3 frames early: the model's "
                                                    "toe point turns with the foot while the tip is still down)"),
                                  miss(CHECKING[2], "0 % within 2 frames: contacts 2 frames long against 4-5 marked, "
                                                    "toe-off 3-4 frames early")])
def test_toe_offs_match_labels(real_analysis, stem):
    """>= 85 % within 2 frames (the target is set at >= 60 fps; the 30 fps clips are held to it too)."""
    assert errors(real_analysis, stem, "toe_off").within(2) >= 0.85


@pytest.mark.parametrize("stem", [*TUNING, CHECKING[0], miss(CHECKING[1], "-1.9 % (252.2 against 257.2)"),
                                  CHECKING[2]])
def test_cadence_within_one_percent_of_labels(real_analysis, stem):
    """Against 60 (n-1) / (t_last - t_first) of the labelled contacts (hato72: of one foot's, doubled;
    a sprint start accelerates, so its whole-clip cadence and the marked window's differ)."""
    truth = labelled_cadence(labels(stem), stem in ONE_FOOT)
    assert real_analysis(f"{stem}.mp4").metrics["cadence_spm"].value == pytest.approx(truth, rel=0.01)


def test_cadence_within_one_percent_of_pixel_measured_truth(real_analysis):
    """zzzhushi clip: 168.9 ± 0.5 steps/min measured from raw pixels without a pose model."""
    cadence = real_analysis("zzzhushi_treadmill_side_portrait_30fps.mp4").metrics["cadence_spm"].value
    assert cadence == pytest.approx(168.9, rel=0.01)


@pytest.mark.parametrize(("stem", "setting"), [("zzzhushi_treadmill_side_portrait_30fps", "treadmill"),
                                               ("mhuang24_treadmill_side_lab_slowed", "treadmill"),
                                               ("hato72_sprint_side_far", "overground"),
                                               ("hato72_sprintstart_side_b13", "overground"),
                                               ("omartarek_overground_front_2people", "overground"),
                                               ("pexels5738706_walk_rear_tracking", "overground")])
def test_treadmill_or_overground(real_analysis, stem, setting):
    """pexels5738706: a camera tracking a walker from behind; the walker stays put in the picture and the
    stance feet slide towards the camera as on a treadmill, but the background sweeps past (measured
    2026-11-30: background 12.5 px/s against the ground's 11.4; beside the treadmills at most 0.3 px/s)."""
    assert real_analysis(f"{stem}.mp4").view["setting"] == setting


def contacts_at(*marks):
    """Contacts ``(foot, initial_contact_s)`` lasting 0.2 s, frames at 30 fps."""
    from metrics.events import Contact

    return [Contact(f, t, t + 0.2, round(30 * t), round(30 * t) + 6, True) for f, t in marks]


def test_one_missed_contact_is_bridged_and_said_so():
    """Left at 0.8 s and 1.5 s with no right between: the gait cycle puts the right at 1.15 s, marked interpolated,
    lasting the right foot's median contact; it starts no step (the step time stays unmeasured, not doubled)."""
    import numpy as np

    from metrics.events import bridge_gaps
    from metrics.strides import strides_from_contacts

    chain = contacts_at(("left", 0.1), ("right", 0.45), ("left", 0.8), ("left", 1.5), ("right", 1.85))
    bridged = bridge_gaps(chain, 0.35, np.arange(0, 2.5, 1 / 30))
    assert [(c.foot, c.source) for c in bridged][3] == ("right", "interpolated")
    assert bridged[3].initial_contact_s == pytest.approx(1.15)
    assert bridged[3].toe_off_s - bridged[3].initial_contact_s == pytest.approx(0.2)
    steps = [s.step_time_s for s in strides_from_contacts(bridged, 0.35) if s.step_time_s]
    assert steps == pytest.approx([0.35, 0.35, 0.35])


def test_a_longer_gap_stays_a_gap():
    """Two missed contacts (left 0.1 s, right 1.15 s: three steps) are not invented."""
    import numpy as np

    from metrics.events import bridge_gaps

    chain = contacts_at(("left", 0.1), ("right", 1.15), ("left", 1.5))
    assert bridge_gaps(chain, 0.35, np.arange(0, 2.5, 1 / 30)) == chain


def test_a_missed_contact_is_searched_for_near_its_prediction():
    """A weaker contact found by the search near the predicted time is kept as detected, not interpolated."""
    import numpy as np

    from metrics.events import bridge_gaps

    found = contacts_at(("right", 1.2))[0]
    chain = contacts_at(("left", 0.8), ("left", 1.5))
    bridged = bridge_gaps(chain, 0.35, np.arange(0, 2.5, 1 / 30), lambda foot, t: found if foot == "right" else None)
    assert bridged[1] is found and found.source == "detected"


def test_what_counts_as_low_is_judged_locally():
    """A foot's path drops by 200 px halfway through (a runner coming nearer, or the model following someone
    lower in the frame): judged locally, each half keeps its own range; judged over the whole clip, the first
    half would never count as low."""
    import numpy as np

    from metrics.events import local_quantiles

    t = np.arange(600) / 60
    y = 400 + 20 * np.sin(2 * np.pi * t / 0.7) + np.where(t >= 5, 200, 0)
    lo, hi = local_quantiles(y, window=84)
    assert hi[120] == pytest.approx(420, abs=2) and lo[120] == pytest.approx(380, abs=2)
    assert hi[480] == pytest.approx(620, abs=2)
    whole_lo, whole_hi = local_quantiles(y, window=None)
    assert whole_hi[120] > 600


@pytest.mark.parametrize("fps", [25, 30, 60, 120, 240])
@pytest.mark.parametrize("take_off", ["gentle", "crisp"])
def test_toe_off_is_timed_at_the_take_off_whatever_the_frame_rate(fps, take_off):
    """A toe at rest on the belt leaves it at 0.6 s, gently (accelerating from rest at 40 m/s^2 in image
    units of 1000 px/m) or crisply (at once at 1.5 m/s, as a sprinter's): the toe-off is found within
    1.5 frames at 25-60 fps and within 30 ms above (the derivative window, 0.1 s for a 0.35 s step,
    bounds it in time), never later than the take-off."""
    import numpy as np

    from metrics.events import EventParams, foot_velocity, take_off_time
    from vision.landmarks import LEFT_FOOT_INDEX

    step, truth = 0.35, 0.6
    t = np.arange(0, 1.2, 1 / fps)
    moving = np.clip(t - truth, 0, None)
    x = 20000 * moving ** 2 if take_off == "gentle" else 1500 * moving + 10000 * moving ** 2
    xy = np.zeros((len(t), 33, 2))
    xy[:, LEFT_FOOT_INDEX, 0] = x
    params = EventParams().for_step(step)
    speed = np.abs(foot_velocity(xy, fps, params.velocity_window_s)[:, LEFT_FOOT_INDEX, 0])
    found = take_off_time(speed, t, int(0.35 * fps), int(0.5 * fps), step, params)
    assert -max(1.5 / fps, 0.03) <= found - truth <= 0


def _exact_landmark_errors(sample: str) -> dict[str, list[float]]:
    """Signed initial-contact errors (ms) per foot of the side detector on a synthetic sample's exact landmarks."""
    import json
    from pathlib import Path

    import numpy as np

    from benchmarks.ic_timing import detector_contacts, ic_times, signed_errors_ms

    truth = json.loads((Path(__file__).parents[1] / "sample_videos" / f"{sample}.truth.json").read_text())
    xy = np.array(truth["landmarks"]["image_xy_px"], float)
    t = np.arange(len(xy)) / truth["render"]["fps"]
    found = detector_contacts(xy, t, "side")
    return {foot: signed_errors_ms(ic_times(found, foot), [e["time_s_exact"] for e in truth["events"]
                                                           if e["kind"] == "initial_contact" and e["foot"] == foot])
            for foot in ("left", "right")}


@pytest.mark.parametrize("sample", ["after_side", "runner_side"])
def test_both_feet_are_timed_alike(sample):
    """On the renderer's exact landmarks of a symmetric runner (no pose model) left and right initial contacts
    come out equally timed.  Measured 2026-11-30: after_side left -25.4, right -26.2 ms; runner_side -24.9 / -25.4."""
    import numpy as np

    errors = _exact_landmark_errors(sample)
    assert min(len(e) for e in errors.values()) >= 10
    assert abs(np.median(errors["left"]) - np.median(errors["right"])) <= 5.0


@pytest.mark.xfail(strict=True, reason=(
    "measured 2026-11-30: -25.4 / -26.2 ms (left / right; 1.5 frames early at 60 fps) on after_side's exact landmarks, "
    "-14 to -41 ms over the varied-look side runners (benchmarks/ic_timing.py).  The synthetic foot reaches the "
    "ground at a median 9 % (5-16 % by run) of its swing speed relative to it, so its speed crosses the 20 % that "
    "marks contact 1-2 frames before; at the labelled real contacts the feet are still at 16 % (zzzhushi) and 27 % "
    "(mhuang24).  Landing the synthetic heel at half the belt speed instead of at belt speed moves this by 5 ms, "
    "doubling its downward speed at contact by 3 ms, so which part of the synthetic landing does it is open.  "
    "A lower threshold fits the synthetic runner and loses "
    "mhuang24 60 fps (0.15: 78 % within 2 frames, 0.1: 44 %)"))
def test_initial_contact_on_exact_landmarks_is_within_half_a_frame():
    import numpy as np

    errors = _exact_landmark_errors("after_side")
    assert all(abs(np.median(e)) <= 1000 / 60 / 2 for e in errors.values())


@pytest.mark.xfail(strict=True, reason=(
    "measured 2026-11-30: side-106 -31.4, -30.1, -22.3 ms at 120, 60, 30 fps (left; right within 0.3 ms): the "
    "velocity's derivative window has a floor of 5 frames (foot_velocity), 0.17 s at 30 fps against the 0.1 s of a "
    "0.35 s step above 50 fps, so 30 fps reads 8-9 ms later.  Without the floor zzzhushi (30 fps, TUNING) reads "
    "6 ms earlier against its labels (-26 ms) and one more contact falls outside 2 frames"))
def test_side_initial_contact_timing_does_not_depend_on_the_frame_rate():
    """A runner's exact landmarks read at 120, 60 and 30 fps: the same signed initial-contact error in
    milliseconds, within 3 ms (every duration of the detector is in steps)."""
    import numpy as np

    from benchmarks.ic_timing import detector_contacts, exact_landmarks, ic_times, signed_errors_ms

    xy, t, true = exact_landmarks("side-106", 120.0)
    medians = [np.median(signed_errors_ms(ic_times(detector_contacts(xy[::k], t[::k], "side"), "left"), true["left"]))
               for k in (1, 2, 4)]
    assert max(medians) - min(medians) <= 3.0


@pytest.mark.xfail(strict=True, reason=(
    "measured 2026-11-30 on side-106's exact landmarks (left / right): 120 fps -22.9 / -23.3, 60 fps -25.7 / "
    "-27.1, 30 fps -35.7 / -40.0 ms: at 30 fps the derivative's 5-frame floor widens the take-off's window to "
    "0.17 s, which spreads the synthetic toe's jump backwards further.  Without the floor the three agree within "
    "5 ms, but the real TUNING clip zzzhushi's toe-offs move 14-19 ms later (away from its labels) and a 3-frame "
    "derivative follows pose noise: a two-chunk track put a toe-off 2 frames from the serial track's (1 at most "
    "with the floor)"))
def test_side_toe_off_timing_does_not_depend_on_the_frame_rate():
    """A runner's exact landmarks read at 120, 60 and 30 fps: the same signed toe-off error in milliseconds,
    within 5 ms, per foot."""
    import numpy as np

    from benchmarks.ic_timing import detector_contacts, event_times, exact_landmarks, signed_errors_ms

    xy, t, true = exact_landmarks("side-106", 120.0, "toe_off")
    for foot in ("left", "right"):
        medians = [np.median(signed_errors_ms(event_times(detector_contacts(xy[::k], t[::k], "side"), foot, "toe_off"),
                                              true[foot])) for k in (1, 2, 4)]
        assert max(medians) - min(medians) <= 5.0, medians


@pytest.mark.xfail(strict=True, reason=(
    "measured 2026-11-30: -25.7 / -27.1 ms (left / right; 1.6 frames early at 60 fps) on side-106's exact "
    "landmarks, -20 to -30 ms over the varied-look side runners at every frame rate (benchmarks/ic_timing.py "
    "--event toe_off).  The synthetic toe's speed jumps at take-off (from the belt's to ~700 px/s within a frame; "
    "a real toe accelerates from rest), and the take-off's 0.1 s derivative window spreads a jump backwards by "
    "up to half its width.  The labelled real near feet read on time with the same window (zzzhushi +2 ms, "
    "mhuang24 +1 ms), so a shorter window or a later level fits the synthetic runner and loses the real clips "
    "(0.05 s window: mhuang24 60 fps far / near foot 78 / 88 % within 2 frames of the labels, against 100 / 100 %)"))
def test_side_toe_off_on_exact_landmarks_is_within_half_a_frame():
    import numpy as np

    from benchmarks.ic_timing import detector_contacts, event_times, exact_landmarks, signed_errors_ms

    xy, t, true = exact_landmarks("side-106", 60.0, "toe_off")
    found = detector_contacts(xy, t, "side")
    assert all(abs(np.median(signed_errors_ms(event_times(found, f, "toe_off"), true[f]))) <= 1000 / 60 / 2
               for f in ("left", "right"))


def broken_stance(lost: str) -> tuple:
    """A right foot on a belt moving -30 px/s (1 s step at 30 fps), on the ground 0.5-1.6 s, detected as two
    pieces (0.5-0.9 s and 1.2-1.6 s); in between the model draws it ``lost`` ("up the shank", "nowhere" as seen:
    on the foot, but too fast for the threshold)."""
    import numpy as np

    from metrics.events import Contact

    t = np.arange(120) / 30.0
    xy = np.zeros((120, 33, 2))
    xy[:, 30, 0], xy[:, 32, 0] = 100 - 30 * t, 130 - 30 * t
    if lost == "up the shank":
        xy[28:36, [30, 32], 1] -= 80
    pieces = [Contact("right", 0.5, 0.9, 15, 27, True), Contact("right", 1.2, 1.6, 36, 48, True)]
    return pieces, xy, t, {foot: np.array([-30.0, 0.0]) for foot in ("left", "right")}


def test_a_stance_the_model_lost_for_a_while_is_one_contact():
    """The shoe drawn up the shank for 8 frames mid-stance, then back where the belt carried it: one contact
    from the first piece's landing to the second's toe-off (in 10x slow motion the lab clip's stances broke so
    for 16-50 frames, halving its contact time)."""
    from metrics.events import rejoined_contacts

    pieces, xy, t, ground = broken_stance("up the shank")
    joined = rejoined_contacts(pieces, xy, t, ground, step=1.0)
    assert [(c.initial_contact_frame, c.toe_off_frame) for c in joined] == [(15, 48)]


def test_pieces_of_contact_the_speed_split_are_left_to_the_speed():
    """Drawn on the foot all along, the speed threshold's verdict stands (a foot hovering before its landing
    is near its landing place but not on the ground); a second piece a stride ahead is a new contact."""
    from metrics.events import rejoined_contacts

    pieces, xy, t, ground = broken_stance("nowhere")
    assert rejoined_contacts(pieces, xy, t, ground, step=1.0) == pieces
    pieces, xy, t, ground = broken_stance("up the shank")
    xy[36:, [30, 32], 0] += 200
    assert rejoined_contacts(pieces, xy, t, ground, step=1.0) == pieces
