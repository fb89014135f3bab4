"""Step period from the legs' periodic motion and step pairing, on plain arrays (no pose model)."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.events import Contact, EventParams
from metrics.periodicity import step_period
from metrics.strides import strides_from_contacts
from vision.landmarks import LEFT_ANKLE, LEFT_HEEL, LEFT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_KNEE

LEGS = {"left": (LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL), "right": (RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL)}


def runner(step_s: float, fps: float, seconds: float, noise_px: float = 0.0, pan_px_s: float = 0.0,
           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks of legs swinging in antiphase with a non-sinusoidal (harmonic-rich) path."""
    t = np.arange(int(seconds * fps)) / fps
    xy = np.zeros((len(t), 33, 2))
    rng = np.random.default_rng(seed)
    for foot, phase in (("left", 0.0), ("right", np.pi)):
        w = np.pi * t / step_s + phase  # one stride = 2 steps
        for k, j in enumerate(LEGS[foot]):
            xy[:, j, 0] = 400 + pan_px_s * t + (30 + 10 * k) * (np.sin(w) + 0.3 * np.sin(2 * w))
            xy[:, j, 1] = 600 + 15 * k + 20 * np.clip(np.cos(w), 0, None) ** 2
    xy += rng.normal(0, noise_px, xy.shape) if noise_px else 0
    return xy, t


@pytest.mark.parametrize(("step_s", "fps"), [(0.357, 30.0), (0.35, 60.0), (0.2, 240.0), (3.41, 29.97),
                                             (0.357, 25.0)])
def test_step_period_is_found_at_any_frame_rate_and_slow_motion(step_s, fps):
    """Within 0.5 % from 25 to 240 fps and in 10x slow motion (the period stays in clip time)."""
    xy, t = runner(step_s, fps, seconds=max(6.0, 12 * step_s), noise_px=1.0)
    assert step_period(xy, t).period_s == pytest.approx(step_s, rel=0.005)


def test_step_period_ignores_a_panning_camera_and_does_not_take_a_stride_for_a_step():
    xy, t = runner(0.36, 60.0, 8.0, noise_px=2.0, pan_px_s=-150)
    found = step_period(xy, t)
    assert found.period_s == pytest.approx(0.36, rel=0.005)
    assert found.strength > 0.5


def test_no_period_in_noise():
    rng = np.random.default_rng(3)
    t = np.arange(300) / 30
    assert not step_period(rng.normal(0, 5, (300, 33, 2)), t).found


def contacts_at(times: list[float], fps: float = 30.0) -> list[Contact]:
    """Alternating contacts (left first) with 0.2 s stance at the given initial-contact times."""
    feet = ("left", "right")
    return [Contact(feet[k % 2], t, t + 0.2, round(t * fps), round((t + 0.2) * fps), True)
            for k, t in enumerate(times)]


def test_a_missed_contact_is_a_gap_never_a_double_step():
    """Deleting one contact removes the two steps around it and keeps every other step at its length."""
    step = 0.355
    every = contacts_at([0.1 + k * step for k in range(20)])
    missing = every[:9] + every[10:]
    strides = strides_from_contacts(missing, step)
    steps = [s.step_time_s for s in strides if s.step_time_s]
    assert len(steps) == 19 - 2  # 20 contacts make 19 steps; the missing one takes two
    assert np.allclose(steps, step)
    assert 60 / np.mean(steps) == pytest.approx(60 / step, rel=1e-9)
    # The contact before the gap has no step; the same foot's stride across the gap is still whole.
    before = next(s for s in strides if s.contact is every[8])
    assert before.step_time_s is None and before.stride_time_s == pytest.approx(2 * step)


def test_interpolated_contacts_neither_start_nor_end_steps():
    step = 0.355
    contacts = contacts_at([0.1 + k * step for k in range(6)])
    contacts[3].source = "interpolated"
    strides = strides_from_contacts(contacts, step)
    assert all(s.contact.source == "detected" for s in strides)
    assert all(s.opposite is not contacts[3] and s.next is not contacts[3] for s in strides)


def test_steps_faster_than_any_runner_are_refused_even_without_a_period():
    """Two contacts 24 ms apart are not a step of 2500 steps/min."""
    contacts = contacts_at([1.0, 1.024])
    assert all(s.step_time_s is None for s in strides_from_contacts(contacts))


def test_detector_time_constants_follow_the_step():
    """10x slow motion stretches every duration of the detector 10x; no period leaves them alone."""
    base = EventParams()
    slowed = base.for_step(10 * base.reference_step_s)
    assert slowed.velocity_window_s == pytest.approx(10 * base.velocity_window_s)
    assert slowed.min_contact_s == pytest.approx(10 * base.min_contact_s)
    assert slowed.merge_gap_s == pytest.approx(10 * base.merge_gap_s)
    assert base.for_step(float("nan")) == base
