"""Several people in the picture: switches of person found in the track, the runner kept, the others left out."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.crowd import crowd_notes
from tests.conftest import incoming
from vision.errors import InputError
from vision.people import follow_runner, keep_runner, stretches
from vision.survey import follow, tiles
from vision.track import PoseTrack


def walker(n: int, x0: float, speed_px: float, height: float = 300, fps: float = 30, phase: float = 0) -> np.ndarray:
    """[n, 33, 2] a stick body whose ankles swing with a 1 s stride, moving ``speed_px`` a frame."""
    t = np.arange(n) / fps
    xy = np.zeros((n, 33, 2), np.float32)
    centre = x0 + speed_px * np.arange(n)
    xy[:, :, 0] = centre[:, None]
    xy[:, :, 1] = np.linspace(100, 100 + height, 33)[None, :]
    swing = 0.2 * height * np.sin(2 * np.pi * t + phase)
    xy[:, 27, 0] += swing  # left ankle
    xy[:, 28, 0] -= swing  # right ankle
    xy[:, 11, 0] -= 0.15 * height  # shoulders: the body has a width
    xy[:, 12, 0] += 0.15 * height
    return xy


def track_of(xy: np.ndarray, fps: float = 30) -> PoseTrack:
    track = PoseTrack.empty(len(xy), frame_size=(1280, 720))
    track.time_s = np.arange(len(xy)) / fps
    track.image_xy = xy.copy()
    track.visibility[:] = 1
    return track


def test_a_single_runner_is_left_alone():
    track = keep_runner(track_of(walker(300, 400, 0)))
    assert track.people == {"switches": [], "left_out_frames": []}
    assert track.detected.all()
    assert crowd_notes(track.people) == []


def test_a_jittery_small_body_is_not_taken_for_several_people():
    rng = np.random.default_rng(1)
    xy = walker(200, 600, 3, height=60) + rng.normal(0, 25, (200, 1, 2)).astype(np.float32)
    assert stretches(track_of(xy)) == [(0, 200)]


def test_a_switch_to_a_standing_bystander_is_left_out_and_said():
    runner, bystander = walker(240, 300, 0), walker(240, 1000, 0, height=200)
    bystander[:, 27:29] = bystander[:, 27:29].mean(axis=1, keepdims=True)  # feet still
    xy = np.concatenate([runner[:180], bystander[180:]])
    track = keep_runner(track_of(xy))
    assert track.people["switches"] == [180]
    assert track.people["left_out_frames"] == [[180, 239]]
    assert track.detected[:180].all() and not track.detected[180:].any()
    (note,) = crowd_notes(track.people)
    assert note.code == "several_people" and "frames 180-239 were left out" in note.message
    assert track.people["clear"] and "may mix" not in note.message


def test_the_runner_re_found_after_a_bystander_is_kept():
    runner, bystander = walker(300, 300, 0), walker(300, 1000, 0, height=150)
    bystander[:, 27:29] = bystander[:, 27:29].mean(axis=1, keepdims=True)
    xy = np.concatenate([runner[:120], bystander[120:180], runner[180:]])
    track = keep_runner(track_of(xy))
    assert track.people["switches"] == [120, 180]
    assert track.people["left_out_frames"] == [[120, 179]]


@pytest.mark.parametrize("name", ["zzzhushi_treadmill_side_portrait_30fps.mp4", "hato72_sprint_side_far.mp4",
                                  "omartarek_overground_front_2people.mp4",
                                  "mhuang24_treadmill_side_portrait_60fps.mp4"])
def test_real_clips_where_the_model_stays_on_one_person_are_unchanged(name, real_track):
    track = real_track(name)
    before = track.image_xy.copy()
    kept = keep_runner(track.copy())
    assert kept.people["switches"] == []
    assert np.array_equal(kept.image_xy, before, equal_nan=True)


def test_sprint_start_track_that_jumps_onto_the_starting_block_loses_those_frames(real_track):
    # Frames 317-335: the runner has left the picture and the model holds on to the starting block (checked by eye).
    track = keep_runner(real_track("hato72_sprintstart_side_b13.mp4").copy())
    assert track.people["switches"] == [317]
    assert track.people["left_out_frames"] == [[317, 335]]
    assert track.detected[300:316].all()


def test_multiperson_demo_switches_are_found_and_the_unclear_choice_said(real_track):
    # Checked by eye: 0-167 the man on the box (jumping jacks), 168-202 the walker, 203-229 the man after his flip.
    track = keep_runner(real_track("sports2d_walk_side_multiperson_demo.mp4").copy())
    assert track.people["switches"] == [168, 203]
    assert track.people["left_out_frames"] == [[203, 229]]  # no rhythm in the legs: landing from the flip
    assert not track.people["clear"]  # jumping jacks and a walk both have a rhythm: the user must look
    (note,) = crowd_notes(track.people)
    assert "may mix two people" in note.message


# -- everyone in view: the survey's tracker (model-free) ------------------------------------------

def looks(*bodies: np.ndarray, every: int = 3, fps: float = 30) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The survey's rows (frames, times, landmarks) for bodies given as [n, 33, 2] arrays (NaN: not in view)."""
    frames, xy = [], []
    for i in range(0, len(bodies[0]), every):
        for body in bodies:
            if np.isfinite(body[i]).all():
                frames.append(i)
                xy.append(body[i])
    frames = np.array(frames)
    return frames, frames / fps, np.array(xy)


def test_two_people_crossing_each_other_stay_two_people():
    a, b = walker(240, 200, 4), walker(240, 1100, -4)  # they pass each other near frame 110
    b[:, :, 1] += 40  # one a little further down the picture
    people = follow(*looks(a, b))
    assert len(people) == 2
    assert [p.centres[0, 0] < 640 for p in people] == [p.centres[-1, 0] > 640 for p in people]


def test_one_body_found_twice_is_one_person_and_a_flicker_is_nobody():
    a = walker(120, 400, 2)
    ghost = np.full_like(a, np.nan)
    ghost[30:36] = a[30:36] + 900  # seen for 0.2 s only
    people = follow(*looks(a, a + 3, ghost))
    assert len(people) == 1 and len(people[0].frames) == 40


def test_someone_gone_for_longer_than_a_second_is_a_new_person():
    a = walker(200, 400, 0)
    a[60:100] = np.nan
    assert [p.frames[[0, -1]].tolist() for p in follow(*looks(a))] == [[0, 57], [102, 198]]


def test_wide_frames_are_looked_at_in_half_overlapping_square_tiles():
    assert tiles(1280, 720) == [(0, 0, 720), (360, 0, 720), (560, 0, 720)]
    assert tiles(720, 1280) == [(0, 0, 720), (0, 360, 720), (0, 560, 720)]
    assert tiles(640, 480) == [] and tiles(1000, 200) == []  # squarish; smaller than the model's input
    assert len(tiles(8000, 300)) == 5


# -- everyone in view: real clips --------------------------------------------------------------------

DEMO = "sports2d_walk_side_multiperson_demo.mp4"
PITCH = "omartarek_overground_front_2people.mp4"


def test_multiperson_demo_measures_the_walker(real_track):
    # Checked by eye (frames drawn): the walker crosses from the right, frames about 40-200; the man on the box
    # does jumping jacks from frame 0 and lands from his flip at about 200. The pose track follows the man.
    track = follow_runner(real_track(DEMO).copy(), incoming(DEMO))
    people = track.people
    walker_ = people["candidates"][people["chosen"]]
    assert 40 <= walker_["frames"][0] <= 65 and walker_["frames"][1] >= 190
    assert people["refollowed"] and people["chosen_by"] == "auto"
    entering = np.flatnonzero(track.detected[:45])  # the walker comes in at the right edge from about frame 37
    assert entering.min() >= 35 and np.all(track.image_xy[entering, 23, 0] > 1200)  # not the man on the box
    hips = (track.image_xy[100, 23] + track.image_xy[100, 24]) / 2
    assert 850 < hips[0] < 1250 and hips[1] > 600  # the walker's place at frame 100 (the man's hips: y about 280)
    (note, *_) = crowd_notes(people)
    assert note.code == "other_people" and f"Measured: person {people['chosen'] + 1}" in note.message
    assert "followed someone else in frames" in note.message


def test_picking_the_man_on_the_box_leaves_out_the_frames_where_the_model_was_on_the_walker(real_track):
    people = follow_runner(real_track(DEMO).copy(), incoming(DEMO)).people
    man = next(k for k, p in enumerate(people["candidates"]) if p["frames"][0] < 20)
    track = follow_runner(real_track(DEMO).copy(), incoming(DEMO), person=man)
    assert not track.people["refollowed"]  # the pose track was on him: kept where it was
    assert [168, 201] in track.people["elsewhere_frames"]  # ... except on the walker
    assert track.detected[20:160].all() and not track.detected[168:230].any()
    (note,) = crowd_notes(track.people)
    assert "chosen by the user" in note.message and "those frames were left out" in note.message


def test_second_player_on_the_pitch_is_reported(real_track):
    # Checked by eye: a second player jogs in on the left, about frames 60-130, a third of the runner's size.
    track = follow_runner(real_track(PITCH).copy(), incoming(PITCH))
    people = track.people
    assert len(people["candidates"]) == 2 and people["choice_clear"] and not people["refollowed"]
    second = people["candidates"][1 - people["chosen"]]
    assert 50 <= second["frames"][0] <= 70 and 120 <= second["frames"][1] <= 140
    assert np.array_equal(track.image_xy, real_track(PITCH).image_xy, equal_nan=True)
    (note,) = crowd_notes(people)
    assert "2 people were found in view" in note.message


def test_the_user_can_have_the_other_player_measured(real_track):
    people = follow_runner(real_track(PITCH).copy(), incoming(PITCH)).people
    other = 1 - people["chosen"]
    track = follow_runner(real_track(PITCH).copy(), incoming(PITCH), person=other)
    assert track.people["chosen"] == other and track.people["chosen_by"] == "user"
    seen = np.flatnonzero(track.detected)
    assert 45 <= seen[0] <= 70 and 120 <= seen[-1] <= 145 and len(seen) >= 60
    hips = (track.image_xy[seen, 23, 0] + track.image_xy[seen, 24, 0]) / 2
    assert np.all(hips < 450)  # on the left, where he jogs (the runner is at x 630-800)
    assert "chosen by the user" in crowd_notes(track.people)[0].message


def test_a_sprinter_rising_from_the_blocks_stays_one_person_and_the_block_is_left_out(real_track):
    # Checked by eye: set position to about frame 255, then the runner rises and leaves the picture at 316;
    # from 317 the pose model holds on to the starting block. Author-marked contacts lie in 255-316.
    name = "hato72_sprintstart_side_b13.mp4"
    track = follow_runner(real_track(name).copy(), incoming(name))
    runner = track.people["candidates"][track.people["chosen"]]
    assert runner["frames"][0] == 0 and runner["frames"][1] >= 295
    assert track.detected[266:316].all() and not track.detected[317:].any()  # 316: 3 looks after the last


def test_a_shape_in_a_tree_is_not_taken_for_the_runner_in_the_blocks(real_track):
    # Checked by eye: from frame 80 the pose model finds a "body" in a bare tree above the track (x 780, y 240).
    name = "hato72_sprintstart_side_a1.mp4"
    track = follow_runner(real_track(name).copy(), incoming(name))
    runner = track.people["candidates"][track.people["chosen"]]
    assert runner["frames"][0] == 0 and runner["travel"] > 0.3
    hips = (track.image_xy[100, 23] + track.image_xy[100, 24]) / 2
    assert hips[1] > 450  # on the track, not in the tree


def test_a_person_not_found_cannot_be_picked(real_track):
    with pytest.raises(InputError, match="there is no person 3 to measure; 2 people were found in view"):
        follow_runner(real_track(PITCH).copy(), incoming(PITCH), person=2)


def test_a_runner_alone_is_left_as_the_pose_model_followed_them(real_track):
    name = "zzzhushi_treadmill_side_portrait_30fps.mp4"
    track = follow_runner(real_track(name).copy(), incoming(name))
    assert len(track.people["candidates"]) == 1
    assert np.array_equal(track.image_xy, real_track(name).image_xy, equal_nan=True)
    assert crowd_notes(track.people) == []


def test_strides_never_cross_the_frames_left_out(real_track):
    from metrics.measure import analyze_track

    analysis = analyze_track(keep_runner(real_track("hato72_sprintstart_side_b13.mp4").copy()))
    assert all((s.next_initial_contact_frame or s.initial_contact_frame) < 317 for s in analysis.strides)


@pytest.mark.shared
@pytest.mark.model
def test_the_command_line_measures_the_person_asked_for_or_names_the_problem(tmp_path, capsys):
    from stridescope.cli import main

    assert main(["analyze", str(incoming(PITCH)), "-o", str(tmp_path / "a"), "--person", "2"]) == 0
    assert "Measured: person 2 (frames 60-132), chosen by the user" in capsys.readouterr().out
    assert main(["analyze", str(incoming(PITCH)), "-o", str(tmp_path / "b"), "--person", "3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"stridescope: {PITCH}: there is no person 3 to measure; 2 people were found in view"
    assert not (tmp_path / "b").exists()  # nothing written
