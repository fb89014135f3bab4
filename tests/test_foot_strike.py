"""Foot-strike angle: the flat-foot reference just after initial contact, then the class on labelled real clips.

The model-free part draws one foot's heel and toe landmarks by hand: a landing with a known strike angle,
landmarks set off the sole by a constant angle (as every pose model's are), and, where said, the heel->toe
line sliding toes-down late in stance as the pose model's does while the foot lies flat.
"""

from __future__ import annotations

import numpy as np
import pytest

from metrics.events import Contact
from metrics.foot_strike import FLAT_AFTER_CONTACT_STEPS, flat_foot_angle, foot_strike_angle, strike_pattern
from metrics.gait import Gait
from metrics.strides import StrideTiming
from metrics.view import View
from vision.landmarks import LEFT_FOOT_INDEX, LEFT_HEEL

STEP_S, IC_S, ROLL_S = 0.35, 0.5, 0.03  # step period; initial contact; a heel strike rolls flat in ~0.1 step


def landing(strike_deg: float, offset_deg: float = -20.0, fps: float = 60.0, toe_off_after_s: float = 0.25,
            late_slide_deg: float = 0.0, facing: int = 1) -> tuple[Gait, StrideTiming]:
    """A left foot landing at ``IC_S`` with its toes ``strike_deg`` up (negative: toes down), flat ``ROLL_S``
    later; its landmarks read ``offset_deg`` off the sole, and from 0.3 step periods after contact (about 40 % of
    the stance) the line slides ``late_slide_deg`` toes-down over the next 0.15 s."""
    t = np.arange(0.0, 1.5, 1 / fps)
    true = np.where(t < IC_S, strike_deg, strike_deg * np.clip(1 - (t - IC_S) / ROLL_S, 0, 1))
    slide = late_slide_deg * np.clip((t - IC_S - 0.3 * STEP_S) / 0.15, 0, 1)
    read = np.radians(true + offset_deg - slide)
    xy = np.full((len(t), 33, 2), np.nan)
    xy[:, LEFT_HEEL] = (300.0, 400.0)
    xy[:, LEFT_FOOT_INDEX] = xy[:, LEFT_HEEL] + 50 * np.stack([facing * np.cos(read), -np.sin(read)], axis=1)
    c = Contact("left", IC_S, IC_S + toe_off_after_s, int(round(IC_S * fps)),
                int(round((IC_S + toe_off_after_s) * fps)), True)
    g = Gait(xy, t, np.ones(xy.shape[:2]), View("side", "right" if facing > 0 else "left", "left"), [c], [],
             None, "treadmill", 0.0, None, step_period_s=STEP_S)
    return g, StrideTiming(0, "left", c, None, None)


@pytest.mark.parametrize("strike", [15.0, 3.0, -6.0])
@pytest.mark.parametrize("facing", [1, -1])
def test_a_constant_landmark_offset_cancels_out(strike, facing):
    assert foot_strike_angle(*landing(strike, facing=facing)) == pytest.approx(strike, abs=0.01)


def test_where_toe_off_is_found_does_not_move_the_reference():
    """The middle third of the detected stance moved with toe-off: with toe-off at 0.15, 0.25 and 0.3 s
    after contact it read this 12 deg strike as 12.0, 14.3 and 19.3 deg."""
    values = [foot_strike_angle(*landing(12.0, late_slide_deg=30.0, toe_off_after_s=after)) for after in (0.15, 0.25, 0.3)]
    assert values == pytest.approx([12.0] * 3, abs=0.01)


@pytest.mark.parametrize("fps", [30.0, 60.0, 240.0])
def test_the_reference_is_the_flat_foot_before_the_pose_models_late_stance_slide(fps):
    """(The middle third of the stance read 12.0, 15.1 and 16.8 deg.)"""
    assert foot_strike_angle(*landing(12.0, late_slide_deg=40.0, fps=fps)) == pytest.approx(12.0, abs=0.01)


def test_the_flat_window_is_a_fixed_share_of_the_step_after_contact():
    t = np.arange(0.0, 1.0, 0.01)
    angle = np.where(t < 0.5 + FLAT_AFTER_CONTACT_STEPS[0] * STEP_S - 1e-6, 50.0, -5.0)
    angle[t > 0.5 + FLAT_AFTER_CONTACT_STEPS[1] * STEP_S + 1e-6] = 50.0
    assert flat_foot_angle(angle, t, 0.5, STEP_S) == -5.0


def test_a_low_frame_rate_takes_the_frame_nearest_the_window():
    t = np.array([0.0, 0.1, 0.2, 0.3])  # the window 0.12..0.155 s holds no frame
    assert flat_foot_angle(np.array([9.0, 4.0, -3.0, -8.0]), t, 0.05, STEP_S) == 4.0


def test_no_reference_past_the_clip_or_where_the_foot_is_unseen():
    t = np.arange(0.0, 1.0, 0.01)
    assert flat_foot_angle(np.zeros_like(t), t, 0.95, STEP_S) is None
    assert flat_foot_angle(np.full_like(t, np.nan), t, 0.5, STEP_S) is None


# --- Real clips through the pose model: the class against the hand labels (LABELS.md; the labeller judged the
# strike at each initial contact) ---------------------------------------------------------------------------
# Measured 2026-11-30 (left / right foot, deg): zzzhushi (TUNING, 33/33 contacts rearfoot) 17.7 / 18.4 and
# mirrored 8.6 / 8.5 (before this reference: 19.0 / 19.7 and 10.6 / 9.0); mhuang24 (TUNING) far/left labelled
# rearfoot "toe up ~10-15 deg": 17.6 (21.9 before); mhuang24 near/right labelled midfoot (sole ~parallel,
# "possibly slight heel-first"): 15.0 (15.7 before); lab_slowed (CHECKING), both feet labelled midfoot:
# 23.1 / 15.4 (16.1 / 15.8 before).
ZZZHUSHI = "zzzhushi_treadmill_side_portrait_30fps.mp4"
MHUANG = "mhuang24_treadmill_side_portrait_60fps.mp4"
SLOWED = "mhuang24_treadmill_side_lab_slowed.mp4"
FLAT_LANDING_READ_AS_HEEL = ("the pose model's heel-toe line slides toes-down from contact on when the foot lands flat "
                             "(on mhuang24's near foot about 1.6 deg a frame at 60 fps), so the flat reference "
                             "after contact reads a flat landing as a heel strike")


def _side(analysis, foot: str) -> str | None:
    return strike_pattern(getattr(analysis.metrics["foot_strike_angle_deg"], foot))


@pytest.mark.parametrize("foot", ["left", "right"])
def test_a_heel_striker_is_rearfoot_on_both_feet_and_mirrored(real_analysis, foot):
    from conftest import incoming, kept_transform

    from metrics.measure import analyze_track
    from vision.extract import pose_track

    mirrored = analyze_track(pose_track(kept_transform(incoming(ZZZHUSHI), "mirrored")))
    assert (_side(real_analysis(ZZZHUSHI), foot), _side(mirrored, foot)) == ("rearfoot", "rearfoot")


@pytest.mark.parametrize("clip,foot,label", [
    (MHUANG, "left", "rearfoot"),
    pytest.param(MHUANG, "right", "midfoot", marks=pytest.mark.xfail(strict=True, reason=(
        f"measured 15.0 deg (rearfoot): {FLAT_LANDING_READ_AS_HEEL}"))),
    pytest.param(SLOWED, "left", "midfoot", marks=pytest.mark.xfail(strict=True, reason=(
        f"measured 23.1 deg (rearfoot): {FLAT_LANDING_READ_AS_HEEL}"))),
    pytest.param(SLOWED, "right", "midfoot", marks=pytest.mark.xfail(strict=True, reason=(
        f"measured 15.4 deg (rearfoot): {FLAT_LANDING_READ_AS_HEEL}"))),
])
def test_the_labelled_strike_class_comes_back(real_analysis, clip, foot, label):
    assert _side(real_analysis(clip), foot) == label
