"""Whole-leg label swaps in side view: the model gives the near leg's labels to the far leg, and back.

Seen from the side, just after the swinging far leg passes the stance leg, the
pose model may carry the near leg's knee, ankle, heel and toe labels onto the
far leg for 6-9 frames at 60 fps, at the same phase of every stride (synthetic
runner side-104: after each of the 9 far-leg crossings, knee and foot together, hips never).
:func:`metrics.clean.repair_leg_swaps` undoes them from the gait cycle (a step
later each leg takes the other's pose) and continuity (a leg cannot jump).
"""

from __future__ import annotations

import numpy as np
import pytest

from metrics.clean import LEG_JOINTS, _runs, clean, repair_leg_swaps
from metrics.legs import LEGS

SWAP_FRAMES = 6
AFTER_CROSSING = 3  # frames after the far ankle passes the near one


def _side_runner(name: str = "side-104") -> tuple[np.ndarray, np.ndarray, dict]:
    """True image landmarks [n, 33, 2], times and truth of a varied-look runner (no rendering)."""
    from synth.cache import truth_of
    from synth.runs import runs

    run = next(r for r in runs(n_looks=5, n_drift=0) if r.name == name)
    truth = truth_of(run.params, run.settings)
    xy = np.array(truth["landmarks"]["image_xy_px"], float)
    return xy, np.arange(len(xy)) / truth["render"]["fps"], truth


def _exchange(xy: np.ndarray, frames: np.ndarray) -> np.ndarray:
    left, right = (list(j) for j in LEG_JOINTS)
    out = xy.copy()
    out[np.ix_(frames, left + right)] = xy[np.ix_(frames, right + left)]
    return out


def _swapped_after_each_far_crossing(xy: np.ndarray) -> np.ndarray:
    """[n] True for ``SWAP_FRAMES`` frames from ``AFTER_CROSSING`` frames after each time the left
    ankle passes the right one forwards: the model's pattern, once per stride at one phase."""
    ahead = np.sign(xy[:, LEGS["left"].ankle, 0] - xy[:, LEGS["right"].ankle, 0])
    forward = np.sign(np.median(xy[:, LEGS["left"].toe, 0] - xy[:, LEGS["left"].heel, 0]))
    crossings = np.flatnonzero(np.diff(ahead) == 2 * forward) + 1
    mask = np.zeros(len(xy), bool)
    for c in crossings[crossings + AFTER_CROSSING + SWAP_FRAMES < len(xy)]:  # the labels snap back in the clip
        mask[c + AFTER_CROSSING:c + AFTER_CROSSING + SWAP_FRAMES] = True
    return mask


def _noisy(xy: np.ndarray, px: float = 2.0, seed: int = 0) -> np.ndarray:
    return xy + np.random.default_rng(seed).normal(0, px, xy.shape)


def test_a_whole_leg_swapped_for_six_frames_after_each_crossing_is_exchanged_back():
    true, time_s, _ = _side_runner()
    injected = _swapped_after_each_far_crossing(true)
    assert 7 <= len(_runs(injected)) <= 9  # one swap per stride over 6 s
    repaired, exchanged = repair_leg_swaps(_exchange(_noisy(true), np.flatnonzero(injected)), time_s)
    assert np.array_equal(exchanged, injected), (np.flatnonzero(exchanged ^ injected))
    assert np.abs(repaired - _noisy(true)).max() < 1e-9


def test_a_track_without_swaps_keeps_its_labels():
    true, time_s, _ = _side_runner()
    _, exchanged = repair_leg_swaps(_noisy(true), time_s)
    assert not exchanged.any()


def test_cleaning_a_side_view_repairs_whole_leg_swaps_and_reports_them():
    true, time_s, _ = _side_runner()
    injected = _swapped_after_each_far_crossing(true)
    cleaned = clean(_exchange(_noisy(true), np.flatnonzero(injected)), time_s, view="side")
    knee = LEGS["left"].knee
    assert np.nanmax(np.abs(cleaned.raw_xy[:, knee] - true[:, knee])) < 15  # px, with 2 px noise
    assert cleaned.swapped.all(axis=1)[injected].all()  # knee and foot groups both marked


def test_without_a_step_period_nothing_is_exchanged():
    true, time_s, _ = _side_runner()
    still = np.repeat(true[:1], len(true), axis=0)
    _, exchanged = repair_leg_swaps(_noisy(still), time_s)
    assert not exchanged.any()


# --- Through the pose model: side-104 (rendered once, cached under ~/.cache/stridescope/synth),
# the look on which the model swaps whole legs after every far-leg crossing.

@pytest.fixture(scope="module")
def side_104():
    """(pose track, truth) of the varied-look runner side-104 (renders and tracks on first use)."""
    from synth.cache import rendered
    from synth.runs import runs
    from vision.extract import pose_track

    run = next(r for r in runs(n_looks=5, n_drift=0) if r.name == "side-104")
    clip, truth = rendered(run.params, run.settings)
    return pose_track(clip), truth


def _knee_swapped_share(xy: np.ndarray, true: np.ndarray) -> float:
    """Share of frames whose knees lie clearly nearer the other leg's true knee (legs apart)."""
    left, right = LEGS["left"].knee, LEGS["right"].knee
    def dist(a, b):
        return np.linalg.norm(a - b, axis=-1)

    same = dist(xy[:, left], true[:, left]) + dist(xy[:, right], true[:, right])
    cross = dist(xy[:, left], true[:, right]) + dist(xy[:, right], true[:, left])
    apart = dist(true[:, left], true[:, right])
    return float(np.mean((cross < same - 0.1 * np.median(apart)) & (apart > 0.3 * np.median(apart))))


@pytest.mark.model
def test_side_104_knee_labels_follow_the_true_legs_after_cleaning(side_104):
    track, truth = side_104
    true = np.array(truth["landmarks"]["image_xy_px"], float)
    detected = _knee_swapped_share(track.image_xy, true)
    cleaned = clean(track.image_xy, track.time_s, view="side")
    assert detected > 0.1  # the model's swaps are there to repair (measured 0.175)
    # measured 0.011: the last swap runs into the clip's end, where the labels snap only once (left as seen)
    assert _knee_swapped_share(cleaned.raw_xy, true) <= 0.02


def _peak_knee_flexion_error(track, truth) -> float:
    from metrics.measure import analyze_track

    p = truth["params"]
    analysis = analyze_track(track, treadmill_speed_kmh=p["belt_speed_kmh"], height_cm=100 * p["height_m"])
    name = "peak_knee_flexion_stance_deg"
    return analysis.metrics[name].value - truth["metrics"][name]["value"]


@pytest.mark.model
def test_side_104_peak_knee_flexion_in_stance_is_within_5_deg_once_legs_are_repaired(side_104):
    """Measured -2.93 deg (2026-11-30, the held peak of the low-passed positions; -3.74 as the plain maximum of
    the fitted body).  Before the events' gait-cycle prior it read -4.96 with the repair and -7.42 without; with
    those events and the plain maximum it read -2.67 without it, so the repair's gain on this measure is no longer
    seen here: what it fixes is the labels (the test above)."""
    error = _peak_knee_flexion_error(*side_104)
    assert abs(error) <= 5.0, error
