"""A walk is not a run: the running reference ranges do not apply, so nothing is stated against them.

Walking keeps a foot on the ground for more than half the stride (both feet down together); running for less
(a flight between steps). Real clips from ../shared/videos/incoming (none used to set the line): the four walks
read a duty factor of 47-54 %, the running clips 17-34 %.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.model, pytest.mark.shared]

WALKS = ["sports2d_walk_side_demo4.mp4", "pexels5738706_walk_rear_tracking.mp4", "vaila_walk_front_59fps_mlwalk.mp4"]
RUNS = ["zzzhushi_treadmill_side_portrait_30fps.mp4", "mhuang24_treadmill_side_portrait_60fps.mp4",
        "hato72_sprintstart_side_a1.mp4"]


@pytest.mark.parametrize("clip", WALKS)
def test_a_walk_is_said_to_be_one_and_gets_no_running_finding(real_analysis, clip):
    analysis = real_analysis(clip)
    assert "not_running" in {q.code for q in analysis.quality}
    assert analysis.findings == []
    assert "cadence_implausible" not in {q.code for q in analysis.quality}  # slow because walking, not slow motion


@pytest.mark.parametrize("clip", RUNS)
def test_a_run_is_not_taken_for_a_walk(real_analysis, clip):
    assert "not_running" not in {q.code for q in real_analysis(clip).quality}
