"""Pose extraction on every core: the clip cut into time chunks, one landmarker per process.

Each worker process seeks to its chunk, decodes only its own frames and runs
its own ``PoseLandmarker`` in VIDEO mode (tracking between frames).  A chunk
starts ``overlap`` frames before the frames it owns: the tracker re-finds the
runner and its smoothing settles there, and those warm-up frames are thrown
away when the chunks are stitched.  The first chunk owns more frames than the
others because it needs no warm-up, so every worker does the same work.

At each stitch the two chunks' landmarks over the overlap are compared: if
they disagree (the new chunk locked onto another person), the clip is
extracted sequentially instead, so chunking never changes who is measured.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from vision.errors import NoRunnerError
from vision.extract import PoseEstimator, Progress, extract_pose
from vision.model import ModelBundle
from vision.track import PoseTrack
from vision.video import _UPRIGHT, VideoInfo, _open, _video_stream

OVERLAP_S = 0.5
"""Warm-up before each chunk, in seconds of video (at least ``MIN_OVERLAP`` frames)."""
MIN_OVERLAP = 12
MIN_CHUNK = 150
"""Fewer frames per worker than this and process start-up outweighs the gain."""
STITCH_TOLERANCE = 0.05
"""Largest median landmark disagreement at a stitch, as a fraction of the frame diagonal."""


@dataclass(frozen=True)
class Chunk:
    """Frames ``[warmup, stop)`` run through one landmarker; ``[start, stop)`` are kept."""

    warmup: int
    start: int
    stop: int


def plan_chunks(n_frames: int, workers: int, overlap: int, min_chunk: int = MIN_CHUNK) -> list[Chunk]:
    """Split ``n_frames`` into at most ``workers`` chunks of equal work (owned + warm-up frames).

    >>> plan_chunks(300, 2, 20)
    [Chunk(warmup=0, start=0, stop=160), Chunk(warmup=140, start=160, stop=300)]
    >>> plan_chunks(100, 2, 20)
    [Chunk(warmup=0, start=0, stop=100)]
    """
    workers = max(1, min(workers, n_frames // max(min_chunk, 1)))
    per_worker = -(-(n_frames + (workers - 1) * overlap) // workers)  # ceiling division
    chunks, start = [], 0
    for k in range(workers):
        warmup = max(0, start - overlap) if k else 0
        stop = n_frames if k == workers - 1 else min(n_frames, warmup + per_worker)
        chunks.append(Chunk(warmup, start, stop))
        start = stop
    return chunks


def overlap_frames(info: VideoInfo) -> int:
    """Warm-up frames for this clip: ``OVERLAP_S`` of video, at least ``MIN_OVERLAP``."""
    return max(MIN_OVERLAP, int(round(OVERLAP_S * info.fps)))


def chunk_options(chunks: list[Chunk], overlap: int) -> dict:
    """The extraction options that make a chunked track differ from the sequential one."""
    if len(chunks) < 2:
        return {}
    return {"chunk_starts": [c.start for c in chunks[1:]], "overlap_frames": overlap}


def packet_times(info: VideoInfo) -> tuple[np.ndarray, Fraction]:
    """Sorted presentation timestamps of the video stream (demuxed, not decoded) and its time base."""
    path = Path(info.path)
    with _open(path) as container:
        stream = _video_stream(container, path)
        pts = sorted(p.pts for p in container.demux(stream) if p.pts is not None and p.size > 0)
        return np.asarray(pts, np.int64), stream.time_base


class _SpanMismatch(RuntimeError):
    """Seeking did not land on the frames the sequential decoder would number the same way."""


def iter_span(info: VideoInfo, pts: np.ndarray, time_base: Fraction, first: int, stop: int):
    """Yield ``(index, time_s, rgb)`` for frames ``first..stop-1``, as :func:`vision.video.iter_frames` would.

    Seeks to the key frame before ``first``; frames are numbered by their place
    in the sorted timestamps, so numbering and times match a decode from the start.
    """
    path = Path(info.path)
    rotate = _UPRIGHT.get(info.rotation)
    t0 = float(int(pts[0]) * time_base)  # exact rational times, rounded once, as iter_frames does
    expected = first
    with _open(path) as container:
        stream = _video_stream(container, path)
        stream.thread_type = "AUTO"
        if first > 0:
            container.seek(int(pts[first]), stream=stream, backward=True, any_frame=False)
        for frame in container.decode(stream):
            if frame.pts is None:
                continue
            i = int(np.searchsorted(pts, frame.pts))
            if i >= len(pts) or pts[i] != frame.pts:
                raise _SpanMismatch(f"frame pts {frame.pts} is not in the stream's packet list")
            if i < first:
                continue
            if i >= stop:
                return
            if i != expected:
                raise _SpanMismatch(f"expected frame {expected}, decoded {i}")
            expected += 1
            rgb = frame.to_ndarray(format="rgb24")
            if rotate is not None:
                rgb = cv2.rotate(rgb, rotate)
            yield i, t0 + (float(frame.pts * time_base) - t0) * info.time_scale, rgb
    if expected < stop:
        raise _SpanMismatch(f"decoding stopped at frame {expected} of {stop}")


_progress_queue = None


def _init_worker(progress_queue) -> None:
    global _progress_queue
    _progress_queue = progress_queue
    os.environ.setdefault("GLOG_minloglevel", "2")


def _run_chunk(info: VideoInfo, bundle: ModelBundle, pts: np.ndarray, time_base: Fraction, chunk: Chunk) -> dict:
    """Worker: landmarks of frames ``chunk.warmup..chunk.stop-1`` from a fresh landmarker."""
    n = chunk.stop - chunk.warmup
    part = PoseTrack.empty(n, (info.width, info.height))
    reported = 0
    with PoseEstimator(bundle) as estimate:
        for i, t, rgb in iter_span(info, pts, time_base, chunk.warmup, chunk.stop):
            j = i - chunk.warmup
            part.time_s[j], part.frame_index[j] = t, i
            found = estimate(rgb, t)
            if found is not None:
                part.image_xy[j], part.world_xyz[j], part.visibility[j], part.presence[j] = found
            if _progress_queue is not None and (j + 1 - reported >= 10 or j + 1 == n):
                _progress_queue.put(j + 1 - reported)
                reported = j + 1
    return {name: getattr(part, name) for name in
            ("time_s", "frame_index", "image_xy", "world_xyz", "visibility", "presence")}


def _stitch_disagreement(before: np.ndarray, after: np.ndarray, diagonal: float) -> float:
    """Median distance between two chunks' landmarks on the same frames, / frame diagonal (inf: one lost the body)."""
    if np.isnan(before).all() and np.isnan(after).all():
        return 0.0
    d = np.linalg.norm(before - after, axis=-1)
    d = d[np.isfinite(d)]
    return float(np.median(d) / diagonal) if d.size else float("inf")


def extract_pose_parallel(
    info: VideoInfo,
    bundle: ModelBundle,
    workers: int | None = None,
    progress: Progress | None = None,
) -> PoseTrack:
    """:func:`vision.extract.extract_pose` spread over ``workers`` processes (default: every core).

    Falls back to the sequential extraction when the clip is too short to gain,
    when seeking cannot reproduce the sequential frame numbering, or when a
    stitch disagrees.  The returned track's ``options`` name its chunks, so its
    cache entry is its own.

    Raises:
        NoRunnerError: if nobody is detected in any frame.
    """
    workers = workers or os.cpu_count() or 1
    overlap = overlap_frames(info)
    chunks = plan_chunks(info.n_frames, workers, overlap)
    if len(chunks) < 2:
        return extract_pose(info, bundle, progress)
    pts, time_base = packet_times(info)
    if len(pts) != info.n_frames:
        return extract_pose(info, bundle, progress)
    total = sum(c.stop - c.warmup for c in chunks)
    context = multiprocessing.get_context("spawn")  # a forked MediaPipe graph is not safe
    done_queue = context.Queue()
    try:
        with ProcessPoolExecutor(len(chunks), mp_context=context, initializer=_init_worker,
                                 initargs=(done_queue,)) as pool:
            futures = [pool.submit(_run_chunk, info, bundle, pts, time_base, c) for c in chunks]
            _relay_progress(done_queue, futures, total, progress)
            parts = [f.result() for f in futures]
    except (_SpanMismatch, BrokenProcessPool):  # a worker died (memory, an unguarded __main__): go serial
        return extract_pose(info, bundle, progress)
    diagonal = float(np.hypot(info.width, info.height))
    for k in range(1, len(chunks)):
        prev, cur = chunks[k - 1], chunks[k]
        settled = range(cur.start - overlap // 2, cur.start)  # the end of the warm-up, both chunks ran it
        if _stitch_disagreement(parts[k - 1]["image_xy"][settled.start - prev.warmup:settled.stop - prev.warmup],
                                parts[k]["image_xy"][settled.start - cur.warmup:settled.stop - cur.warmup],
                                diagonal) > STITCH_TOLERANCE:
            return extract_pose(info, bundle, progress)
    track = PoseTrack.empty(info.n_frames, (info.width, info.height), source=info.to_dict(),
                            model=bundle.identity,
                            options={"capture_fps": info.capture_fps, **chunk_options(chunks, overlap)})
    for chunk, part in zip(chunks, parts):
        keep = slice(chunk.start - chunk.warmup, chunk.stop - chunk.warmup)
        for name, values in part.items():
            getattr(track, name)[chunk.start:chunk.stop] = values[keep]
    if not track.detected.any():
        raise NoRunnerError(f"{Path(info.path).name}: no person was found in any of its {track.n_frames} frames")
    return track


def _relay_progress(done_queue, futures: list, total: int, progress: Progress | None) -> None:
    """Sum the workers' frame counts into ``progress(done, total)`` calls, in the caller's thread
    (a Streamlit progress bar must be updated from the thread running the script)."""
    done = 0
    while not all(f.done() for f in futures):
        try:
            done += done_queue.get(timeout=0.1)
        except queue.Empty:
            continue
        if progress:
            progress(min(done, total), total)
    if progress:
        progress(total, total)
