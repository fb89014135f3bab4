"""Metamorphic specification on a real clip: transforms that leave the gait unchanged must leave
the events where they were and the cadence within 1 %.

One clip (``mhuang24_treadmill_side_portrait_60fps``, a TUNING clip) x six transforms, each a pose-model
run (cached on disk by content); the sweep over every labelled clip is ``benchmarks/validate.py --metamorphic``.
The same run filmed a little differently must also get the same band findings: both TUNING clips (zzzhushi
too, a short 30 fps clip) under every transform.
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
def version():
    """``version(clip, name, height_cm=None)``: the analysis of a real clip under one transform ("original": as it
    is), given the runner's height or not, made once per session."""
    from vision.extract import pose_track

    done = {}

    def get(clip: str, name: str, height_cm: float | None = None):
        if (clip, name, height_cm) not in done:
            path = incoming(clip) if name == "original" else kept_transform(incoming(clip), name)
            done[clip, name, height_cm] = analyze_track(pose_track(path), height_cm=height_cm)
        return done[clip, name, height_cm]

    return get


@pytest.fixture(scope="session")
def transformed(real_analysis, version):
    """``transformed(name)``: how the events of :data:`CLIP` under one transform map onto the original's."""
    return lambda name: compare_events(real_analysis(CLIP), version(CLIP, name), TRANSFORMS[name])


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



# --- the same run filmed a little differently gets the same band findings ----------------------------------------
FILMED = [(clip, name) for clip, fps in (("zzzhushi_treadmill_side_portrait_30fps.mp4", 30.0), (CLIP, 60.0))
          for name, t in TRANSFORMS.items() if not (t.fps and t.fps >= fps - 0.5)]  # no plain re-encode


def band_findings(analysis) -> list[str]:
    """The findings of a value beyond its reference band (the measures' rules and the patterns combining them)."""
    return sorted(f.id for f in analysis.findings if not f.id.endswith(("_drift", "_growing", "_asymmetry")))


@pytest.mark.parametrize(("clip", "name"), FILMED, ids=[f"{c[:8]}-{n}" for c, n in FILMED])
def test_a_filmed_version_gets_the_band_findings_of_the_original(real_analysis, version, clip, name):
    """Both TUNING clips under every transform (benchmarks/filming_change.py measures the same versions), as they
    are and given a runner's height (which adds the measures in cm).

    Measured 2026-11-30: before the value's real-video floor, mhuang24's 1 s start-trimmed copy stated overstride
    (near leg 28.9 % leg, 10.9 above the band, uncertainty +/-10.6) that every other version declined (the
    original's near leg 27.5, within +/-10.5); given 175 cm, it stated it in cm (near leg 24.6 cm, 9.6 above the
    15 cm band, +/-8.8) as no other version did.  The clip value read 25.3-31.0 % leg over the versions, 3.1 apart
    at the 90th percentile of both clips' versions (2.7 cm; metrics/filming_change.json): with that in its
    uncertainty (+/-13.7 % leg, +/-11.5 cm) every version declines it, and says why.  zzzhushi: none stated on any
    version, before and after.
    """
    analysis = version(clip, name)
    assert band_findings(analysis) == band_findings(real_analysis(clip))
    assert band_findings(version(clip, name, 175.0)) == band_findings(version(clip, "original", 175.0))
    if clip == CLIP and name == "start_trimmed_1s":
        reason = {n.id: n.reason for n in analysis.not_assessable}["overstride"]
        assert "by which its value reads differently when the same run is filmed differently" in reason, reason
