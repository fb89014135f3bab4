"""Cleaning, metrics and findings on real tracks: swapped legs are repaired; a mirrored clip gives mirrored
values and the same findings; symmetric synthetic runners get no left/right finding."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import INCOMING, SAMPLES, kept_transform
from test_metrics_synthetic import samples  # noqa: F401 - the analysed synthetic samples, shared fixture

from metrics.clean import SWAP_GROUPS, repair_swaps
from metrics.measure import analyze_track
from metrics.trend import filming_floor
from vision.landmarks import MIRROR

CLIP = "zzzhushi_treadmill_side_portrait_30fps.mp4"


def test_inserted_leg_swap_is_repaired(real_track):
    """Five frames with the legs' landmarks exchanged come back as they were."""
    xy = real_track(CLIP).image_xy.astype(float)
    reference, _ = repair_swaps(xy)
    legs = [j for left, right in SWAP_GROUPS for j in left + right]
    tampered = reference.copy()
    frames = slice(100, 105)
    tampered[frames, legs] = reference[frames][:, [MIRROR[j] for j in legs]]
    repaired, swapped = repair_swaps(tampered)
    assert swapped[frames].all()
    np.testing.assert_allclose(repaired[frames], reference[frames])


def mirrored(track):
    """The track of the same clip flipped left-right: x -> width - x, left and right landmarks exchanged, and
    the camera's roll read from the picture turned the other way."""
    width = track.frame_size[0]
    xy = track.image_xy[:, list(MIRROR)].copy()
    xy[..., 0] = width - xy[..., 0]
    source = dict(track.source)
    if source.get("camera_roll"):
        source["camera_roll"] = source["camera_roll"] | {"deg": -source["camera_roll"]["deg"]}
    return dataclasses.replace(track, image_xy=xy, world_xyz=track.world_xyz[:, list(MIRROR)],
                               visibility=track.visibility[:, list(MIRROR)],
                               presence=track.presence[:, list(MIRROR)], source=source)


def test_mirrored_clip_gives_the_same_metrics_with_sides_exchanged(real_track, real_analysis):
    original = real_analysis(CLIP)
    flipped = analyze_track(mirrored(real_track(CLIP)))
    assert {original.view["direction"], flipped.view["direction"]} == {"left", "right"}
    assert original.metrics.keys() == flipped.metrics.keys()
    for name, m in original.metrics.items():
        f = flipped.metrics[name]
        assert f.value == pytest.approx(m.value, abs=1e-6), name
        assert (f.left, f.right) == pytest.approx((m.right, m.left), abs=1e-6), name


def finding_ids(analysis) -> set[str]:
    return {f.id for f in analysis.findings}


@pytest.mark.parametrize("name", ["zzzhushi_treadmill_side_portrait_30fps.mp4",
                                  "mhuang24_treadmill_side_portrait_60fps.mp4"])
def test_mirrored_track_gives_the_same_findings_and_declines_the_same(real_track, real_analysis, name):
    """Mirroring the pose track (model-free) exchanges the sides; no finding may depend on which side is which.

    Measured 2026-11-29: zzzhushi none stated either way (before this rule: 3 both ways, step time and peak
    knee flexion asymmetry and a 1 deg trunk-lean drift); mhuang24 trunk lean below the band both ways.
    """
    original = real_analysis(name)
    flipped = analyze_track(mirrored(real_track(name)))
    assert finding_ids(flipped) == finding_ids(original)
    assert {n.id for n in flipped.not_assessable} == {n.id for n in original.not_assessable}


@pytest.mark.parametrize("name", ["zzzhushi_treadmill_side_portrait_30fps.mp4",
                                  "mhuang24_treadmill_side_portrait_60fps.mp4"])
def test_the_real_mirrored_video_gets_the_same_findings(real_analysis, name):
    """The clip itself flipped left-right and run through the pose model again (it sees other pixels).

    Before this rule the mirrored video gave 8 findings against 3.  Measured 2026-11-30 before the far-leg rule:
    zzzhushi's mirror image stated a hip-extension drift (+9.3 deg over the clip, p 0.0001; +4.3 unmirrored, not
    stated) carried by the far leg and by a peak search that ended before the peak; mhuang24's stated overstride
    (33.0 % leg, of which the near leg 28.4 and the far leg 36.7; 29.8 unmirrored, not stated).  After the far-leg
    rule, with toe-off timed on the take-off, both versions of zzzhushi saw hip extension rise (+4.9 deg
    unmirrored, +5.4 mirrored, p 0.002 and 0.001) but the near leg's own strides read +2.8 (p 0.18) and +7.7
    (p 0.016), so only the mirror image stated it.  The same run filmed differently reads a change up to 2.9 deg
    apart (90th percentile; benchmarks/filming_change.py), and a change finding must now clear that too: +5.4 is
    within the meaningful 2 deg plus +/-3.7 deg, declined, and the reason says why (with the floor from
    mhuang24's versions alone, leaving zzzhushi out: 3.5 deg, +/-4.1, declined too).  Now none either way.
    The mirrored clip is encoded once per machine and kept (:func:`conftest.kept_transform`: the same frames do
    not always encode to the same bytes, and other bytes give other landmarks).
    """
    from vision.extract import pose_track

    original = real_analysis(name)
    flipped = analyze_track(pose_track(kept_transform(INCOMING / name, "mirrored")))
    assert flipped.view["direction"] != original.view["direction"]
    assert finding_ids(flipped) == finding_ids(original)
    for n in flipped.not_assessable:  # a change declined for its size says how much filming alone moves it
        if n.id.endswith(("_drift", "_growing")) and "within the smallest change that matters" in n.reason:
            assert (filming_floor(n.metrics[0]) == 0.0
                    or "a change reads differently when the same run is filmed differently" in n.reason), n.reason


# What each sample's truth supports, analysed as the app would (pose model, belt speed and height given):
# before = cadence 155 (band 160-180), overstride 18 cm (working band 15 cm), pelvic drop growing 3 -> 9 deg.
SUPPORTED = {
    # Vertical ratio per step (oscillation / step length): true 10.2 % (runner) and 10.5 % (after), just
    # above the 10 % band, so a finding saying so is supported.
    "runner_side": {"vertical_ratio_pct"}, "runner_rear": set(), "after_side": {"vertical_ratio_pct"},
    "after_rear": set(),
    "before_side": {"cadence_spm", "overstride", "overstride_heel_strike_low_cadence"},
    "before_rear": {"cadence_spm", "pelvic_drop_deg_growing"},
}
@pytest.mark.parametrize("name", ["runner_side", "runner_rear", "before_side", "after_side", "before_rear",
                                  "after_rear"])
def test_samples_get_no_finding_their_truth_does_not_support(samples, name):  # noqa: F811
    """Measured 2026-11-29: runner_side had 4 false left/right findings before this rule, now none.  before_rear's
    left initial contacts are found about 2 frames (33 ms) early (the left foot lands while the right leg's swing hides
    it from this camera, off the runner's midline; measured 2026-11-30, 3-4 frames late with the heel-fall contacts):
    step time left 415 / right 362 ms, true 387 / 387, tight stride to stride, within the measured error of a rear
    view's right-minus-left step time (metrics/accuracy.json)."""
    analysis, _ = samples[name]
    assert finding_ids(analysis) <= SUPPORTED[name], analysis.findings
    assert not any(f.id.endswith("_asymmetry") for f in analysis.findings)


def test_before_sample_states_its_low_cadence_and_declines_its_overstride_at_the_band_edge(samples):  # noqa: F811
    """Low cadence (154.8 measured, 154.9 true) exceeds its uncertainty.  Overstride (24.0 cm measured, 17.7 true,
    band up to 15) lies 9.0 cm beyond the band: outside the +/-8.7 cm of the synthetic runners' error (measured
    2026-11-30, once the camera roll read from the room's verticals narrowed it), so it was stated, and the truth
    supports it.  But the same real run filmed a little differently reads overstride up to 2.7 cm apart (90th
    percentile over both TUNING clips' versions, given a 175 cm runner; metrics/filming_change.json), and the
    uncertainty of a value covers that too (+/-11.4 cm): 0.3 cm past the edge, a second filming could read it
    inside, so it is declined, saying why (a true finding lost: the cost of the same findings however the run was
    filmed).  The combined pattern is declined too: the near leg's foot-strike angle (11.1 deg) is within its
    uncertainty of the rearfoot band."""
    analysis, _ = samples["before_side"]
    assert finding_ids(analysis) == {"cadence_spm"}
    declined = {n.id: n.reason for n in analysis.not_assessable}
    assert "by which its value reads differently when the same run is filmed differently" in declined["overstride"]
    assert "within this clip's uncertainty" in declined["overstride_heel_strike_low_cadence"]


@pytest.mark.xfail(strict=True, reason="pelvic drop reads 1-3 deg on before_rear with no growth (true 3 -> 9 deg): "
                                       "the hip landmarks' line tilts less than the synthetic pelvis")
def test_before_rear_sample_shows_the_growing_pelvic_drop(samples):  # noqa: F811
    assert "pelvic_drop_deg_growing" in finding_ids(samples["before_rear"][0])


@pytest.mark.model
@pytest.mark.parametrize("name", ["runner_side", "after_side"])
def test_a_belt_speed_alone_states_no_distance_finding(name):
    """Measured 2026-11-29 on runner_side with only the belt speed typed (as most app users do): vertical
    oscillation 14.7 cm (true 10.0) and vertical ratio 16.1 % were stated as findings, because the belt's image
    speed, read from the pose model's lagging feet, scales distances 25-55 % long. Now they are not assessable."""
    import json

    from vision.extract import pose_track

    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    track = pose_track(SAMPLES / f"{name}.mp4")
    analysis = analyze_track(track, treadmill_speed_kmh=truth["params"]["belt_speed_kmh"])
    assert analysis.scale["source"] == "treadmill belt"
    assert not finding_ids(analysis) & {"vertical_oscillation_cm", "vertical_ratio_pct", "overstride"}
    declined = {n.id: n.reason for n in analysis.not_assessable}
    assert "treadmill belt" in declined["vertical_oscillation_cm"]
