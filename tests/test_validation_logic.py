"""Model-free checks of the validation arithmetic and of the setting/view decisions."""

from __future__ import annotations

import numpy as np

from metrics.analysis import GaitEvent
from metrics.validation import event_errors
from metrics.view import detect_setting, width_ratio
from vision.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER


def ic(foot: str, frame: int) -> GaitEvent:
    return GaitEvent(foot, "initial_contact", frame, frame / 30)


def test_one_detection_matches_one_label_and_extra_detections_cost_precision():
    labels = [ic("left", 10), ic("right", 21), ic("left", 32)]
    detected = [ic("left", 11), ic("left", 12), ic("right", 21), ic("left", 31), ic("right", 90)]
    e = event_errors(detected, labels, "initial_contact", max_error_frames=3)
    assert e.errors == [1, 0, -1]
    assert e.recall == 1.0
    assert e.precision == 3 / 4  # the doubled landing counts; the one outside the labelled span does not


def test_marks_without_a_foot_match_whichever_foot_fits():
    labels = [GaitEvent("either", "initial_contact", f, f / 30) for f in (10, 24, 38)]
    detected = [ic("left", 3), ic("right", 10), ic("left", 17), ic("right", 24), ic("left", 31), ic("right", 39)]
    e = event_errors(detected, labels, "initial_contact", max_error_frames=3)
    assert e.errors == [0, 0, 1] and e.precision == 1.0


def body(n: int, pelvis_x: np.ndarray, torso_px: np.ndarray, width_px: float = 10.0) -> np.ndarray:
    xy = np.zeros((n, 33, 2))
    for j, dx in ((LEFT_HIP, -width_px), (RIGHT_HIP, width_px)):
        xy[:, j] = np.column_stack([pelvis_x + dx, np.full(n, 500.0)])
    for j, dx in ((LEFT_SHOULDER, -width_px), (RIGHT_SHOULDER, width_px)):
        xy[:, j] = np.column_stack([pelvis_x + dx, 500.0 - torso_px])
    return xy


def test_a_runner_crossing_the_frame_is_overground_even_with_moving_feet():
    n = 150
    crossing = body(n, np.linspace(100, 900, n), np.full(n, 150.0))
    in_place = body(n, 400 + 5 * np.sin(np.arange(n) / 5), np.full(n, 150.0))
    assert detect_setting(crossing, 30.0, belt_px_s=600.0, leg_length_px=250.0) == "overground"
    assert detect_setting(in_place, 30.0, belt_px_s=600.0, leg_length_px=250.0) == "treadmill"


def test_a_runner_coming_towards_the_camera_is_overground():
    n = 150
    approaching = body(n, np.full(n, 400.0), np.linspace(80, 200, n))
    assert detect_setting(approaching, 30.0, belt_px_s=600.0, leg_length_px=250.0) == "overground"


def test_the_view_is_judged_on_upright_frames_not_a_crouched_start():
    n = 100
    xy = body(n, np.full(n, 400.0), np.full(n, 150.0), width_px=8.0)
    crouched = slice(0, 70)  # torso nearly flat, the shoulders drawn apart: wide for its length
    xy[crouched, LEFT_SHOULDER] = xy[crouched, LEFT_HIP] + [140 - 55, -20]
    xy[crouched, RIGHT_SHOULDER] = xy[crouched, RIGHT_HIP] + [140 + 55, -20]
    assert np.median(np.abs(xy[:, LEFT_SHOULDER, 0] - xy[:, RIGHT_SHOULDER, 0])) > 100
    assert width_ratio(xy) < 0.2
