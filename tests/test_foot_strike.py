"""Foot-strike angle: the flat-foot reference where the hips pass over the foot, then the class on labelled
real clips.

The model-free part draws one treadmill stance by hand: the foot lands ahead of the hips with a known strike
angle and is carried back under them by the belt; its heel and toe landmarks are set off the sole by a
constant angle (as every pose model's are) and, where said, the heel->toe line slides toes-down late in
stance as the pose model's does while the foot lies flat.
"""

from __future__ import annotations

import numpy as np
import pytest

from metrics.events import Contact
from metrics.foot_strike import foot_strike_angle, hips_over_foot, strike_class, strike_pattern, strike_patterns
from metrics.gait import Gait
from metrics.strides import StrideTiming
from metrics.view import View
from vision.landmarks import LEFT_FOOT_INDEX, LEFT_HEEL, LEFT_HIP, RIGHT_HIP

STEP_S, IC_S, ROLL_S = 0.35, 0.5, 0.03  # step period; initial contact; a heel strike rolls flat in ~0.1 step
BELT_PX_S, FOOT_PX = 600.0, 50.0


def stance(strike_deg: float, offset_deg: float = -20.0, fps: float = 60.0, hips_pass_s: float = 0.1,
           toe_off_after_s: float = 0.25, late_slide_deg: float = 0.0, facing: int = 1) -> tuple[Gait, StrideTiming]:
    """A left foot landing at ``IC_S`` with its toes ``strike_deg`` up (negative: toes down), flat ``ROLL_S``
    later, its middle passing under the hips ``hips_pass_s`` after contact; its landmarks read ``offset_deg``
    off the sole, and from 0.05 s after the hips pass the line slides ``late_slide_deg`` toes-down over 0.15 s."""
    t = np.arange(0.0, 1.5, 1 / fps)
    true = np.where(t < IC_S, strike_deg, strike_deg * np.clip(1 - (t - IC_S) / ROLL_S, 0, 1))
    slide = late_slide_deg * np.clip((t - IC_S - hips_pass_s - 0.05) / 0.15, 0, 1)
    read = np.radians(true + offset_deg - slide)
    xy = np.full((len(t), 33, 2), np.nan)
    xy[:, [LEFT_HIP, RIGHT_HIP]] = (1000.0, 200.0)
    middle = 1000.0 + facing * BELT_PX_S * (IC_S + hips_pass_s - t)  # carried back by the belt
    half = FOOT_PX / 2 * np.stack([facing * np.cos(read), -np.sin(read)], axis=1)
    xy[:, LEFT_HEEL] = np.stack([middle, np.full_like(t, 400.0)], axis=1) - half
    xy[:, LEFT_FOOT_INDEX] = xy[:, LEFT_HEEL] + 2 * half
    c = Contact("left", IC_S, IC_S + toe_off_after_s, int(round(IC_S * fps)),
                int(round((IC_S + toe_off_after_s) * fps)), True)
    g = Gait(xy, t, np.ones(xy.shape[:2]), View("side", "right" if facing > 0 else "left", "left"), [c], [],
             None, "treadmill", 0.0, None, step_period_s=STEP_S)
    return g, StrideTiming(0, "left", c, None, None)


@pytest.mark.parametrize("strike", [15.0, 3.0, -6.0])
@pytest.mark.parametrize("facing", [1, -1])
def test_a_constant_landmark_offset_cancels_out(strike, facing):
    assert foot_strike_angle(*stance(strike, facing=facing)) == pytest.approx(strike, abs=0.01)


def test_where_toe_off_is_found_does_not_move_the_reference():
    """The middle third of the detected stance moved with toe-off: with toe-off at 0.15, 0.25 and 0.3 s
    after contact it read this 12 deg strike as 12.0, 15.3 and 20.3 deg."""
    values = [foot_strike_angle(*stance(12.0, hips_pass_s=0.05, late_slide_deg=30.0, toe_off_after_s=after))
              for after in (0.15, 0.25, 0.3)]
    assert values == pytest.approx([12.0] * 3, abs=0.01)


@pytest.mark.parametrize("hips_pass_s", [0.05, 0.1, 0.15])
@pytest.mark.parametrize("fps", [30.0, 60.0, 240.0])
def test_the_reference_follows_the_body_passing_over_the_foot(fps, hips_pass_s):
    """However long the foot takes to come under the hips, and before the pose model's late-stance slide.
    (The middle third of the stance read 16.4 and 18.1 deg at 60 and 240 fps when the hips pass at 0.05 s.)"""
    value = foot_strike_angle(*stance(12.0, late_slide_deg=40.0, fps=fps, hips_pass_s=hips_pass_s))
    assert value == pytest.approx(12.0, abs=0.01)


def test_the_hips_pass_over_the_foot_between_samples():
    t = IC_S + np.array([0.0, 0.08, 0.16, 0.24])
    g, _ = stance(0.0, hips_pass_s=0.1)
    assert hips_over_foot(np.stack([g.at(ti) for ti in t]), t, "left", 1) == pytest.approx(IC_S + 0.1)


def test_a_foot_landing_under_the_hips_has_no_reference():
    """As in a sprint start: the foot is not ahead of the body at contact, so there is no flat foot under
    the hips to measure from."""
    assert foot_strike_angle(*stance(-6.0, hips_pass_s=-0.02)) is None


@pytest.mark.parametrize("angle,uncertainty,stated", [
    (20.0, 7.7, "rearfoot"), (3.2, 1.0, "midfoot"), (-12.0, 7.7, "forefoot"),
    (10.0, 7.7, "rearfoot or midfoot"), (0.0, 2.0, "midfoot or forefoot"), (16.0, 8.0, "rearfoot or midfoot"),
    (3.0, 7.7, "rearfoot, midfoot or forefoot"),
    (9.0, None, "rearfoot"),  # no uncertainty: the bands alone
])
def test_a_class_is_stated_only_beyond_the_uncertainty_of_the_band_edges(angle, uncertainty, stated):
    assert strike_class(angle, uncertainty) == stated


# --- Real clips through the pose model: the class against the hand labels (LABELS.md; the labeller judged the
# strike at each initial contact) ---------------------------------------------------------------------------
# Measured 2026-11-30 (left / right foot, deg; in brackets with the middle third of the detected stance as the
# reference): zzzhushi (TUNING, 33/33 contacts labelled rearfoot) 18.4 / 17.4 (19.0 / 19.7), mirrored 8.5 / 9.1
# (10.6 / 9.0); mhuang24 (TUNING) far/left labelled rearfoot "toe up ~10-15 deg": 22.1 (21.9); its near/right
# foot labelled midfoot (sole ~parallel, "possibly slight heel-first"): 16.9 (15.7); lab_slowed (CHECKING), both
# feet labelled midfoot: 7.4 / 23.3 (16.1 / 15.8); 8.4 / 24.3 once the pieces of a stance the model broke are
# joined (metrics.events.rejoined_contacts).
ZZZHUSHI = "zzzhushi_treadmill_side_portrait_30fps.mp4"
MHUANG = "mhuang24_treadmill_side_portrait_60fps.mp4"
SLOWED = "mhuang24_treadmill_side_lab_slowed.mp4"
FLAT_LANDING_READ_AS_HEEL = ("the pose model's heel-toe line slides toes-down from contact on when the foot lands flat "
                             "(on mhuang24's near foot about 1.6 deg a frame at 60 fps, and the hips pass over the "
                             "foot some 8 frames after contact), so a flat landing reads as a heel strike")


def _side(analysis, foot: str) -> str | None:
    return strike_pattern(getattr(analysis.metrics["foot_strike_angle_deg"], foot))


@pytest.fixture(scope="module")
def mirrored_heel_striker(real_analysis):
    """The analysis of zzzhushi mirrored left-right (encoded once per machine; the pose model once per clip)."""
    from conftest import incoming, kept_transform

    from metrics.measure import analyze_track
    from vision.extract import pose_track

    return analyze_track(pose_track(kept_transform(incoming(ZZZHUSHI), "mirrored")))


@pytest.mark.parametrize("foot", ["left", "right"])
def test_a_heel_striker_is_rearfoot_on_both_feet_and_mirrored(real_analysis, mirrored_heel_striker, foot):
    assert (_side(real_analysis(ZZZHUSHI), foot), _side(mirrored_heel_striker, foot)) == ("rearfoot", "rearfoot")


@pytest.mark.parametrize("clip,foot,label", [
    (MHUANG, "left", "rearfoot"),
    pytest.param(MHUANG, "right", "midfoot", marks=pytest.mark.xfail(strict=True, reason=(
        f"measured 16.9 deg (rearfoot): {FLAT_LANDING_READ_AS_HEEL}"))),
    pytest.param(SLOWED, "left", "midfoot", marks=pytest.mark.xfail(strict=True, reason=(
        "measured 8.4 deg (rearfoot, 0.4 above the 8 deg edge).  It read 7.4 until the pieces of a stance the model "
        "broke were joined (2026-11-30): the far foot's first two contacts were read 37-40 frames late, on the flat "
        "foot; now 10 frames early, at the landing"))),
    pytest.param(SLOWED, "right", "midfoot", marks=pytest.mark.xfail(strict=True, reason=(
        f"measured 24.3 deg (rearfoot): {FLAT_LANDING_READ_AS_HEEL}"))),
])
def test_the_labelled_strike_class_comes_back(real_analysis, clip, foot, label):
    assert _side(real_analysis(clip), foot) == label


# The class as the clip may state it, within the value's 95 % uncertainty (that of the clip value, most of it the
# measure's error floor, so also used for each foot's value; it covers the 5.9 deg by which the same run's value
# reads apart when filmed differently, metrics/filming_change.json).  Measured 2026-11-30: zzzhushi 18.4 / 17.4
# +/-13.5 (rearfoot or midfoot), mirrored 8.5 / 9.1 +/-13.6 (rearfoot, midfoot or forefoot); mhuang24 22.1 +/-13.6
# (rearfoot) / 16.9 (rearfoot or midfoot); lab_slowed 8.4 +/-13.8 (rearfoot, midfoot or forefoot) / 24.3 (rearfoot,
# against midfoot).  Before the real-video floor (+/-7.7 to 9.9): zzzhushi rearfoot, mhuang24's right foot rearfoot
# against its midfoot label.
@pytest.mark.parametrize("clip,foot,label", [
    (ZZZHUSHI, "left", "rearfoot"), (ZZZHUSHI, "right", "rearfoot"), (MHUANG, "left", "rearfoot"),
    (MHUANG, "right", "midfoot"), (SLOWED, "left", "midfoot"),
    pytest.param(SLOWED, "right", "midfoot", marks=pytest.mark.xfail(strict=True, reason=(
        f"measured 24.3 +/-13.8 deg (rearfoot): {FLAT_LANDING_READ_AS_HEEL}"))),
])
def test_the_stated_class_never_contradicts_the_label(real_analysis, clip, foot, label):
    m = real_analysis(clip).metrics["foot_strike_angle_deg"]
    assert label in strike_patterns(getattr(m, foot), m.uncertainty)


@pytest.mark.parametrize("foot", ["left", "right"])
def test_a_mirrored_heel_striker_is_never_stated_midfoot_alone(mirrored_heel_striker, foot):
    m = mirrored_heel_striker.metrics["foot_strike_angle_deg"]
    assert "rearfoot" in strike_patterns(getattr(m, foot), m.uncertainty)


@pytest.mark.parametrize("clip,foot,stated", [(ZZZHUSHI, "left", "rearfoot or midfoot"),
                                              (ZZZHUSHI, "right", "rearfoot or midfoot"), (MHUANG, "left", "rearfoot")])
def test_a_heel_strike_is_stated_rearfoot_only_beyond_its_uncertainty(real_analysis, clip, foot, stated):
    """More than its uncertainty above the 8 deg edge: the class is stated, not hedged.  zzzhushi's heel strike
    (18.4 / 17.4 deg) is within it (+/-13.5): the same run mirrored reads 8.5 / 9.1, so it is hedged."""
    m = real_analysis(clip).metrics["foot_strike_angle_deg"]
    assert strike_class(getattr(m, foot), m.uncertainty) == stated


@pytest.mark.parametrize("clip", [ZZZHUSHI, MHUANG])
def test_the_analysis_states_the_clip_class_within_its_uncertainty(real_analysis, clip):
    """``analysis.json`` carries the class the clip value may state (``category``), the one the report shows."""
    m = real_analysis(clip).metrics["foot_strike_angle_deg"]
    assert m.category == strike_class(m.value, m.uncertainty)
    assert "rearfoot" in m.category  # both TUNING runners land heel first on at least one foot
