"""Cleaning and metrics on real tracks: swapped legs are repaired; a mirrored clip gives mirrored values."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from metrics.clean import SWAP_GROUPS, repair_swaps
from metrics.measure import analyze_track
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
    """The track of the same clip flipped left-right: x -> width - x, left and right landmarks exchanged."""
    width = track.frame_size[0]
    xy = track.image_xy[:, list(MIRROR)].copy()
    xy[..., 0] = width - xy[..., 0]
    return dataclasses.replace(track, image_xy=xy, world_xyz=track.world_xyz[:, list(MIRROR)],
                               visibility=track.visibility[:, list(MIRROR)],
                               presence=track.presence[:, list(MIRROR)])


def test_mirrored_clip_gives_the_same_metrics_with_sides_exchanged(real_track, real_analysis):
    original = real_analysis(CLIP)
    flipped = analyze_track(mirrored(real_track(CLIP)))
    assert {original.view["direction"], flipped.view["direction"]} == {"left", "right"}
    assert original.metrics.keys() == flipped.metrics.keys()
    for name, m in original.metrics.items():
        f = flipped.metrics[name]
        assert f.value == pytest.approx(m.value, abs=1e-6), name
        assert (f.left, f.right) == pytest.approx((m.right, m.left), abs=1e-6), name
