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

CHECK_CLIPS = {  # clip: (share of events within a frame of serial, largest offset, most events more or fewer)
    # Labelled treadmill run: 67 of 68 (64-67 over stitches at frames 150-230); at most 2 frames (5 at 210).
    "zzzhushi_treadmill_side_portrait_30fps.mp4": (0.9, 3, 0),
    # Walking, side view: 34 of 38 (34-36 over stitches at 180-240); the other four move 3-14 frames (5-15):
    # the events of a walk are sensitive to the tracker's path, its measures are not.  With the gait-cycle
    # prior's events (2026-11-30): 27 of 32; a left toe-off kept on one path and refused on the other is 32 frames
    # from its nearest counterpart.  With toe-offs timed on the toe's take-off (2026-11-30): 26 of 32 within a frame,
    # 33 events against 32 (the far, left foot's toe-off at frame 166 is found on the chunked track only); a walk's
    # measures are not assessed against running ranges (it is a capture error, ``not_running``).
    "sports2d_walk_side_demo4.mp4": (0.8, 32, 1),
}  # no chunking constant was fitted to them: the overlap stayed 0.5 s, the decode share is from decode timings


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


@pytest.mark.parametrize("n, overlap, keyframes, share", [(360, 15, [0, 250], 0.09),
                                                          (949, 15, range(0, 949, 160), 0.02),
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


@pytest.fixture(scope="module", params=sorted(CHECK_CLIPS))
def clip(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def chunked(clip):
    """The clip's track made on two cores, kept in the pose cache under its own key."""
    info, bundle = probe(incoming(clip)), resolve_model()
    cached = track_cache_path(info, bundle, chunking=plan(info, 2).options)
    if cached.is_file():
        return PoseTrack.load(cached)
    seen = []
    with PosePool(2) as pool:
        track = pool.extract(info, bundle, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (info.n_frames, info.n_frames), "progress counts the clip's frames and reaches the end"
    assert all(b[0] >= a[0] for a, b in zip(seen, seen[1:]))
    cached.parent.mkdir(parents=True, exist_ok=True)
    return PoseTrack.load(track.save(cached))


@pytest.mark.model
@pytest.mark.shared
def test_chunked_track_says_how_it_was_made_and_is_cached_apart(clip, chunked):
    info = probe(incoming(clip))
    assert chunked.options["chunk_starts"] and chunked.options["overlap_frames"] == overlap_frames(info)
    assert pose_track(incoming(clip), workers=2).options == chunked.options
    assert pose_track(incoming(clip), workers=1).options == {"capture_fps": info.capture_fps}


@pytest.mark.model
@pytest.mark.shared
def test_chunked_track_equals_serial_before_the_first_stitch(clip, chunked, real_track):
    track, serial = chunked, real_track(clip)
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
def test_chunked_events_and_measures_agree_with_serial(clip, chunked_analysis, real_analysis):
    serial, parallel = real_analysis(clip), chunked_analysis
    offsets = np.array(_event_offsets(serial, parallel))
    within_a_frame, largest, more_or_fewer = CHECK_CLIPS[clip]
    assert abs(len(parallel.events) - len(serial.events)) <= more_or_fewer
    assert np.mean(offsets <= 1) >= within_a_frame
    assert offsets.max() <= largest
    for name, m in serial.metrics.items():
        if m.value is None or m.uncertainty is None:
            continue
        # Nearest the limit on zzzhushi: ground contact time 9.8 of +/-49 ms, stride length 0.020 of +/-0.051.
        assert abs(parallel.metrics[name].value - m.value) <= m.uncertainty, name


@pytest.mark.model
@pytest.mark.shared
@pytest.mark.parametrize("clip", [  # 2026-11-30, the gait-cycle prior's events: zzzhushi all within a frame
    "zzzhushi_treadmill_side_portrait_30fps.mp4",
    pytest.param("sports2d_walk_side_demo4.mp4", marks=pytest.mark.xfail(strict=True, reason=(
        "MediaPipe's tracker is path dependent: a chunk started afresh settles ~2 px (median) from the serial "
        "track and never meets it; 6 of 32 events of this walk move 2-26 frames")))], indirect=True)
def test_every_chunked_event_is_within_one_frame_of_serial(clip, chunked_analysis, real_analysis):
    assert max(_event_offsets(real_analysis(clip), chunked_analysis)) <= 1


def test_a_stitch_where_the_chunks_follow_different_bodies_is_refused():
    from vision.parallel import STITCH_TOLERANCE, _stitch_disagreement

    body = np.random.default_rng(0).uniform(100, 500, (8, 33, 2))
    assert _stitch_disagreement(body, body + 2, 1000.0) < STITCH_TOLERANCE  # the model's own wobble
    assert _stitch_disagreement(body, body + 300, 1000.0) > STITCH_TOLERANCE  # someone else
    assert _stitch_disagreement(body, np.full_like(body, np.nan), 1000.0) == float("inf")  # one chunk lost the body


def _children() -> set[int]:
    """This process's child processes, but multiprocessing's resource tracker (one per interpreter, ends with it)."""
    psutil = pytest.importorskip("psutil")
    return {p.pid for p in psutil.Process().children(recursive=True)
            if "multiprocessing.resource_tracker" not in " ".join(p.cmdline())}


@pytest.mark.model
def test_a_pool_starts_its_workers_once_and_leaves_none_behind(model_bundle):
    before = _children()
    with PosePool(2) as pool:
        pool.start(model_bundle, wait=True)
        (worker,) = pool.started  # the caller runs one chunk itself: two cores, one worker process
        assert worker.pid in _children() - before
        assert worker.ready >= worker.initialised
        pool.start(model_bundle)
        assert pool.started == [worker]  # started once
    assert _children() - before == set()


@pytest.mark.model
def test_a_batch_on_two_workers_leaves_no_process_behind(tmp_path):
    from stridescope.batch import run_batch
    from tests.conftest import SAMPLES
    from tests.test_batch import cut

    folder = tmp_path / "clips"
    folder.mkdir()
    cut(SAMPLES / "runner_side.mp4", folder / "side.mp4")
    cut(SAMPLES / "runner_rear.mp4", folder / "rear.mp4")
    before, during = _children(), []
    results = run_batch(folder, tmp_path / "out", workers=2, notify=lambda *_: during.append(_children() - before))
    assert [r.status for r in results] == ["analysed", "analysed"]
    assert during[0], "the clips ran on worker processes"
    assert _children() - before == set()


def test_progress_sums_every_chunk_in_clip_frames_and_drops_an_abandoned_job():
    import queue
    from concurrent.futures import Future

    from vision.parallel import _Relay

    counts, seen = queue.Queue(), []
    relay = _Relay(counts, job=7, total=375, n_frames=360, progress=lambda done, total: seen.append((done, total)))
    counts.put((6, 100))  # a worker still running the previous, abandoned clip
    counts.put((7, 50))
    relay.add(10)  # the caller's own chunk
    assert seen[-1] == ((10 + 50) * 360 // 375, 360)
    finished = Future()
    finished.set_result(None)
    counts.put((7, 155))
    relay.until_done([finished])
    assert relay.done == 215 and seen[-1] == (360, 360)
    assert all(b[0] >= a[0] for a, b in zip(seen, seen[1:]))
