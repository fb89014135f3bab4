"""Parallel pose extraction: time chunks on worker processes, stitched into a track that agrees with the serial one."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.conftest import incoming
from vision.extract import pose_track, track_cache_path
from vision.model import resolve_model
from vision.parallel import (
    MIN_CHUNK,
    PosePool,
    clip_index,
    iter_span,
    lead_in,
    overlap_frames,
    plan,
    plan_chunks,
)
from vision.track import PoseTrack
from vision.video import iter_frames, probe

CHECK_CLIP = "zzzhushi_treadmill_side_portrait_30fps.mp4"  # labelled treadmill clip; not used to tune chunking


@pytest.mark.parametrize("n, workers, overlap", [(300, 2, 15), (14_400, 2, 120), (2000, 7, 30), (5000, 3, 0)])
def test_chunks_cover_every_frame_once_with_equal_work(n, workers, overlap):
    chunks = plan_chunks(n, workers, overlap)
    assert len(chunks) == workers
    owned = np.concatenate([np.arange(c.start, c.stop) for c in chunks])
    assert np.array_equal(owned, np.arange(n))
    assert all(c.start - c.warmup == (overlap if k else 0) for k, c in enumerate(chunks))
    work = [c.stop - c.warmup for c in chunks]
    assert max(work) - min(work) <= workers


def test_short_clips_are_not_split():
    assert len(plan_chunks(2 * MIN_CHUNK - 1, 2, 15)) == 1
    assert len(plan_chunks(1000, 1, 15)) == 1


@pytest.mark.parametrize("n, overlap, keyframes, share", [(360, 15, [0, 250], 0.09), (949, 15, range(0, 949, 160), 0.02),
                                                          (14_400, 120, range(0, 14_400, 250), 0.2)])
def test_chunks_that_decode_from_an_earlier_key_frame_infer_fewer_frames_for_equal_work(n, overlap, keyframes, share):
    chunks = plan_chunks(n, 2, overlap, keyframes, share)
    work = [c.stop - c.warmup + share * lead_in(keyframes, c.warmup) for c in chunks]
    assert chunks[0].start == 0 and chunks[-1].stop == n and chunks[0].stop == chunks[1].start
    assert abs(work[0] - work[1]) <= 1 + share


def test_lead_in_counts_frames_from_the_key_frame_at_or_before_the_warm_up():
    assert [lead_in([0, 250], w) for w in (0, 181, 250, 260)] == [0, 181, 0, 10]
    assert lead_in([], 181) == 0  # key frames unknown: none assumed


@pytest.mark.shared
@pytest.mark.parametrize("name", ["omartarek_overground_front_2people.mp4",  # H.264
                                  "sports2d_walk_side_multiperson_demo.mp4",  # VP9
                                  "vaila_walk_front_59fps_mlwalk.mp4"])  # MPEG-4 Part 2
def test_a_seeked_chunk_decodes_the_same_frames_at_the_same_times(name):
    info = probe(incoming(name))
    index = clip_index(info)
    start = info.n_frames // 2 + 3  # rarely a key frame
    stop = start + 30
    serial = [(i, t, rgb[::16, ::16]) for i, t, rgb in itertools.takewhile(
        lambda frame: frame[0] < stop, iter_frames(info)) if i >= start]
    seeked = [(i, t, rgb[::16, ::16]) for i, t, rgb in iter_span(info, index, start, stop)]
    assert len(seeked) == 30
    assert [i for i, _, _ in seeked] == [i for i, _, _ in serial]
    assert np.allclose([t for _, t, _ in seeked], [t for _, t, _ in serial], atol=1e-9)
    assert all(np.array_equal(a, b) for (_, _, a), (_, _, b) in zip(seeked, serial))


@pytest.fixture(scope="module")
def chunked():
    """The check clip's track made on two cores, kept in the pose cache under its own key."""
    info, bundle = probe(incoming(CHECK_CLIP)), resolve_model()
    cached = track_cache_path(info, bundle, chunking=plan(info, 2).options)
    if cached.is_file():
        return PoseTrack.load(cached)
    seen = []
    with PosePool(2) as pool:
        track = pool.extract(info, bundle, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1], "progress reaches its total"
    cached.parent.mkdir(parents=True, exist_ok=True)
    return PoseTrack.load(track.save(cached))


@pytest.mark.model
@pytest.mark.shared
def test_chunked_track_says_how_it_was_made_and_is_cached_apart(chunked):
    info = probe(incoming(CHECK_CLIP))
    assert chunked.options["chunk_starts"] and chunked.options["overlap_frames"] == overlap_frames(info)
    assert pose_track(incoming(CHECK_CLIP), workers=2).options == chunked.options
    assert pose_track(incoming(CHECK_CLIP), workers=1).options == {"capture_fps": info.capture_fps}


@pytest.mark.model
@pytest.mark.shared
def test_chunked_track_equals_serial_before_the_first_stitch(chunked, real_track):
    track, serial = chunked, real_track(CHECK_CLIP)
    first = track.options["chunk_starts"][0]
    assert np.array_equal(track.time_s, serial.time_s)
    assert np.array_equal(track.image_xy[:first], serial.image_xy[:first], equal_nan=True)


@pytest.fixture(scope="module")
def chunked_analysis(chunked):
    from metrics.measure import analyze_track

    return analyze_track(chunked)


def _event_offsets(serial, chunked) -> list[int]:
    """For each serial event, frames to the nearest chunked event of the same foot and kind."""
    offsets = []
    for e in serial.events:
        same = [c.frame for c in chunked.events if (c.foot, c.kind) == (e.foot, e.kind)]
        offsets.append(min(abs(f - e.frame) for f in same) if same else 10**6)
    return offsets


@pytest.mark.model
@pytest.mark.shared
def test_chunked_events_and_measures_agree_with_serial(chunked_analysis, real_analysis):
    serial, parallel = real_analysis(CHECK_CLIP), chunked_analysis
    offsets = np.array(_event_offsets(serial, parallel))
    assert len(parallel.events) == len(serial.events)
    assert np.mean(offsets <= 1) >= 0.95  # measured 66 of 68
    assert offsets.max() <= 3
    for name, m in serial.metrics.items():
        other = parallel.metrics[name].value
        if m.value is None or not m.n_strides:
            continue
        # Uncertainty of a per-stride median: 1.25 sigma / sqrt(n), sigma from the strides' IQR.
        standard_error = 1.2533 * (m.spread or 0) / 1.349 / np.sqrt(m.n_strides)
        assert abs(other - m.value) <= 2 * standard_error + 1e-9, name


@pytest.mark.model
@pytest.mark.shared
@pytest.mark.xfail(strict=True, reason="MediaPipe's tracker is path dependent: a chunk started afresh settles "
                                       "~2 px (median) from the serial track and 2 of 68 toe-offs move 2-3 frames")
def test_every_chunked_event_is_within_one_frame_of_serial(chunked_analysis, real_analysis):
    assert max(_event_offsets(real_analysis(CHECK_CLIP), chunked_analysis)) <= 1


def test_a_stitch_where_the_chunks_follow_different_bodies_is_refused():
    from vision.parallel import STITCH_TOLERANCE, _stitch_disagreement

    body = np.random.default_rng(0).uniform(100, 500, (8, 33, 2))
    assert _stitch_disagreement(body, body + 2, 1000.0) < STITCH_TOLERANCE  # the model's own wobble
    assert _stitch_disagreement(body, body + 300, 1000.0) > STITCH_TOLERANCE  # someone else
    assert _stitch_disagreement(body, np.full_like(body, np.nan), 1000.0) == float("inf")  # one chunk lost the body
