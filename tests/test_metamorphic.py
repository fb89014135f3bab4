"""Metamorphic specification on a real clip: transforms that leave the gait unchanged must leave
the events where they were and the cadence within 1 %.

One clip (``mhuang24_treadmill_side_portrait_60fps``, a TUNING clip) x six transforms, each a pose-model
run (cached on disk by content); the sweep over every labelled clip is ``benchmarks/validate.py --metamorphic``.
"""

from __future__ import annotations

import pytest
from conftest import incoming

from benchmarks.metamorphic import TRANSFORMS, compare_events, transform_clip
from metrics.measure import analyze_track

CLIP = "mhuang24_treadmill_side_portrait_60fps.mp4"


@pytest.fixture(scope="session")
def transformed(tmp_path_factory, real_analysis):
    """``transformed(name)``: the analysis of the clip under one transform, made once per session."""
    from vision.extract import pose_track

    folder = tmp_path_factory.mktemp("metamorphic")
    done = {}

    def get(name: str):
        if name not in done:
            clip = transform_clip(incoming(CLIP), TRANSFORMS[name], folder / f"{name}.mp4")
            done[name] = compare_events(real_analysis(CLIP), analyze_track(pose_track(clip)), TRANSFORMS[name])
        return done[name]

    return get


# Measured 2026-11-29: the far (left) foot's initial contacts move by 4-8 frames in 2 of 18 (letterboxed)
# and 4 of 18 (CRF 35) steps, because the pose model draws the far foot differently; cadence holds (<0.1 %).
KNOWN_MISSES = {"low_bitrate": "78 % of initial contacts mapped (14/18)",
                "letterboxed": "89 % of initial contacts mapped (16/18)"}
# Across whole-suite runs of 2026-11-30 one contact came and went: letterboxed mapped 16 or 17 of 18 and
# decimated_30fps 16 once in four runs (the same clip bytes each time; cause not found), so letterboxed is
# not strict.
UNSTEADY = {"letterboxed"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_MISSES[n],
                                                                          strict=n not in UNSTEADY))
                                  if n in KNOWN_MISSES else n for n in TRANSFORMS])
def test_events_map_onto_the_original(transformed, name):
    """At least 90 % of the original's initial contacts reappear within 1.5 frames, on the same foot
    (the other one when mirrored), with a median shift of at most 1 frame."""
    mapping = transformed(name)
    assert mapping.mapped >= 0.9
    assert mapping.median_abs_shift <= 1.0


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_cadence_is_unchanged(transformed, name):
    assert abs(transformed(name).cadence_change_pct) <= 1.0
