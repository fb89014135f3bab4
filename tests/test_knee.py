"""Peak knee flexion in stance: a held peak, and a side view's far leg left out of the clip value when it misreads."""

from __future__ import annotations

from types import SimpleNamespace as S

import numpy as np
import pytest

from metrics.knee import knee_flexion, peak_knee_flexion_stance
from metrics.legs import LEGS

FPS = 120.0
STANCE = 32  # frames: 267 ms at 120 fps, a recreational runner's contact


def _leg(flexion_deg: np.ndarray, foot: str = "right") -> np.ndarray:
    """Landmarks [n, 33, 2] of a leg whose knee flexes by ``flexion_deg`` (thigh vertical, shank bent back)."""
    xy = np.full((len(flexion_deg), 33, 2), np.nan)
    leg, a = LEGS[foot], np.radians(flexion_deg)
    xy[:, leg.hip] = (0.0, 0.0)
    xy[:, leg.knee] = (0.0, 100.0)
    xy[:, leg.ankle] = np.stack([-100 * np.sin(a), 100 + 100 * np.cos(a)], -1)
    return xy


def _stance(flexion_deg: np.ndarray, foot: str = "right"):
    """(gait, stride) holding one stance, frame 0 to the last, with the knee flexing by ``flexion_deg``."""
    time_s = np.arange(len(flexion_deg)) / FPS
    g = S(cleaned=S(xy=_leg(flexion_deg, foot)), time_s=time_s,
          window=lambda t0, t1: slice(int(round(t0 * FPS)), int(round(t1 * FPS)) + 1))
    s = S(foot=foot, contact=S(complete=True, initial_contact_s=0.0, toe_off_s=time_s[-1]))
    return g, s


def _bump() -> np.ndarray:
    """A stance's knee flexion: 20 deg at contact, 43 at mid-stance, 35 at toe-off (a synthetic runner's)."""
    phase = np.linspace(0, 1, STANCE)
    return np.where(phase < 0.45, 20 + 23 * np.sin(np.pi / 2 * phase / 0.45),
                    35 + 8 * np.cos(np.pi / 2 * (phase - 0.45) / 0.55))


def test_the_leg_drawn_flexes_as_asked():
    assert knee_flexion(_leg(np.array([0.0, 43.0])), "right") == pytest.approx([0.0, 43.0], abs=1e-9)


def test_the_peak_of_a_clean_stance_is_its_largest_flexion():
    flexion = _bump()
    assert peak_knee_flexion_stance(*_stance(flexion)) == pytest.approx(flexion.max(), abs=0.5)


def test_a_blip_late_in_stance_does_not_make_the_peak():
    """As the legs cross, the pose model pulls the stance knee for a few frames toward the swinging one (a synthetic
    runner flexing 43 deg read 51-63): a flexion held for less than a tenth of the stance is not the peak."""
    flexion = _bump()
    flexion[22:25] = 60.0  # 3 of 32 frames
    assert peak_knee_flexion_stance(*_stance(flexion)) == pytest.approx(43.0, abs=1.0)


def test_a_stance_without_toe_off_has_no_peak():
    g, s = _stance(_bump())
    s.contact.complete = False
    assert peak_knee_flexion_stance(g, s) is None


@pytest.mark.model
@pytest.mark.shared
def test_on_a_real_side_view_a_far_leg_reading_far_off_is_left_out_of_the_clip_value(real_analysis):
    """zzzhushi (TUNING; near leg left): MediaPipe reads the far leg's stance peak 17.6 deg and the near leg's 25.4
    (RTMPose, in the labels' folder, reads 34.0 and 32.2 at the hand-labelled events): the far leg's 7.8 deg
    below the near one, beyond the measure's 5 deg error, is the far leg misread, not the runner."""
    m = real_analysis("zzzhushi_treadmill_side_portrait_30fps.mp4").metrics["peak_knee_flexion_stance_deg"]
    assert m.near_side == "left"
    assert m.right < m.left - 5.0  # measured 17.6 against 25.4
    assert m.value == m.left
    assert any("the value is the near leg's" in r for r in m.confidence.reasons)
