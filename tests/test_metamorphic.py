"""Metamorphic specification on a real clip: transforms that leave the gait unchanged must leave
the events where they were and the cadence within 1 %.

One clip (``mhuang24_treadmill_side_portrait_60fps``, a TUNING clip) x six transforms, each a pose-model
run (cached on disk by content); the sweep over every labelled clip is ``benchmarks/validate.py --metamorphic``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import incoming, kept_transform

from benchmarks.metamorphic import TRANSFORMS, compare_events, transform_clip
from metrics.measure import analyze_track

CLIP = "mhuang24_treadmill_side_portrait_60fps.mp4"


@pytest.fixture(scope="session")
def transformed(real_analysis):
    """``transformed(name)``: the analysis of the clip under one transform, made once per session."""
    from vision.extract import pose_track

    done = {}

    def get(name: str):
        if name not in done:
            clip = kept_transform(incoming(CLIP), name)
            done[name] = compare_events(real_analysis(CLIP), analyze_track(pose_track(clip)), TRANSFORMS[name])
        return done[name]

    return get


# Measured 2026-11-30 on clips encoded single-threaded: CRF 35 maps 16/18 in three encodings (misses: the left
# foot at 1.60 s, 7 frames late; the right at 3.45 s, 1.8 early); letterboxed maps 16/18 (the left foot at
# 3.03 s and the right at 3.45 s, 1.7 frames each) or 17-18/18 depending on the encoding, so that miss is not
# strict (the clip is kept once encoded: one machine always sees the same figure); cadence holds (<1 %).
KNOWN_MISSES = {"low_bitrate": "89 % of initial contacts mapped (16/18)",
                "letterboxed": "89 % of initial contacts mapped (16/18; 18/18 on another encoding)"}
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


def test_a_transformed_clip_is_encoded_on_one_thread(tmp_path):
    """x264 on one thread: threaded, its bytes for the same frames changed from session to session
    (2026-11-30), and the pose model found a contact more or fewer on each new clip."""
    from reports.video_writer import H264Writer

    with H264Writer(tmp_path / "source.mp4", 30.0, crf=12) as source:
        for k in range(12):
            source.write(np.full((128, 96, 3), 20 * k, np.uint8))  # big enough for x264 to want threads
    encoded = transform_clip(tmp_path / "source.mp4", TRANSFORMS["mirrored"], tmp_path / "mirrored.mp4").read_bytes()
    settings = re.search(rb"x264 - core .*? options: ([^\0]*)", encoded)  # the encoder's own record of how it ran
    assert settings and b" threads=1 " in settings.group(1)

