"""Pose extraction on every core: the clip cut into time chunks, one fresh landmarker per chunk.

The calling process runs the first chunk itself; every other chunk runs in a
worker process of a :class:`PosePool`, which seeks to its chunk, decodes only
its own frames (in a thread, a few frames ahead of the model) and runs its own
``PoseLandmarker`` in VIDEO mode (tracking between frames).  The pool is
started once and kept warm between clips: its workers import MediaPipe once and
build the landmarker for their next chunk while they would otherwise idle.  A
landmarker is never reused: it carries tracking state from the frames it saw.

A chunk starts ``overlap`` frames before the frames it owns: the tracker
re-finds the runner and its smoothing settles there, and those warm-up frames
are thrown away when the chunks are stitched.  Chunks are balanced by work:
frames inferred (warm-up included) plus, at a lower cost, the frames a worker
decodes without inferring to get from the key frame it seeks to up to its
warm-up.  The plan depends only on the clip, so a clip always gets the same
chunks (its cache key names them).

At each stitch the two chunks' landmarks over the overlap are compared: if
they disagree (the new chunk locked onto another person), the clip is
extracted sequentially instead, so chunking never changes who is measured.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import os
import queue
import resource
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import wait as wait_all
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from vision.errors import NoRunnerError
from vision.extract import PoseEstimator, Progress, decoded_ahead, extract_pose
from vision.model import ModelBundle
from vision.track import PoseTrack
from vision.video import VideoInfo, _open, _video_stream, upright_rgb

OVERLAP_S = 0.5
"""Warm-up before each chunk, in seconds of video (at least ``MIN_OVERLAP`` frames).

A chunk started afresh comes down to the model's own path-to-path wobble
against the serial track within 0.2-0.5 s (measured: ~5 frames at 30 fps on
zzzhushi, ~12 on mhuang24 slowed, 25-30 frames at 60 fps on runner_side and
mhuang24 60 fps); it never meets it exactly (see tests/test_parallel.py)."""
MIN_OVERLAP = 12
MIN_CHUNK = 100
"""Fewer frames per chunk than this and the fixed costs (a fresh landmarker, its first
frame, the seek, the warm-up) outweigh the gain (see benchmarks/pose_throughput.py)."""
DECODE_SHARE_PER_MEGAPIXEL = 0.07
"""Cost of a lead-in frame (decoded, not inferred; non-reference frames skipped), per megapixel,
as a share of an inferred frame (measured: 1.1-1.4 ms of CPU per megapixel, ~17 ms for the model)."""
STITCH_TOLERANCE = 0.05
"""Largest median landmark disagreement at a stitch, as a fraction of the frame diagonal."""


@dataclass(frozen=True)
class Chunk:
    """Frames ``[warmup, stop)`` run through one landmarker; ``[start, stop)`` are kept."""

    warmup: int
    start: int
    stop: int


@dataclass(frozen=True)
class ClipIndex:
    """The video stream's frames as demuxed, not decoded: sorted timestamps, their time base, key frames."""

    pts: np.ndarray
    time_base: Fraction
    keyframes: np.ndarray
    """Frame indices (into ``pts``) of the key frames, sorted."""


def clip_index(info: VideoInfo) -> ClipIndex:
    """Read the packets of the clip's video stream (no decoding)."""
    path = Path(info.path)
    with _open(path) as container:
        stream = _video_stream(container, path)
        time_base = stream.time_base
        packets = [(p.pts, p.is_keyframe) for p in container.demux(stream) if p.pts is not None and p.size > 0]
    pts = np.sort(np.asarray([p for p, _ in packets], np.int64))
    keys = np.searchsorted(pts, sorted(p for p, key in packets if key))
    return ClipIndex(pts, time_base, keys)


def lead_in(keyframes: Sequence[int], warmup: int) -> int:
    """Frames decoded only to reach ``warmup`` from the key frame at or before it (0 if no key frames are known)."""
    if len(keyframes) == 0:
        return 0
    k = int(np.searchsorted(keyframes, warmup, side="right")) - 1
    return warmup - (int(keyframes[k]) if k >= 0 else 0)


def plan_chunks(n_frames: int, workers: int, overlap: int, keyframes: Sequence[int] = (),
                decode_share: float = 0.0, min_chunk: int = MIN_CHUNK) -> list[Chunk]:
    """Split ``n_frames`` into at most ``workers`` chunks of equal work.

    A chunk's work is its inferred frames (warm-up included) plus
    ``decode_share`` (0..1) for each frame of its :func:`lead_in`.

    >>> plan_chunks(300, 2, 20)
    [Chunk(warmup=0, start=0, stop=160), Chunk(warmup=140, start=160, stop=300)]
    >>> plan_chunks(300, 2, 20, keyframes=[0, 250], decode_share=0.5)  # the second chunk decodes from 0
    [Chunk(warmup=0, start=0, stop=207), Chunk(warmup=187, start=207, stop=300)]
    >>> plan_chunks(100, 2, 20)
    [Chunk(warmup=0, start=0, stop=100)]
    """
    workers = max(1, min(workers, n_frames // max(min_chunk, 1)))
    share = min(max(decode_share, 0.0), 1.0)  # below 1, a later start never ends a chunk earlier

    def fill(budget: int) -> list[Chunk] | None:
        """Chunks of at most ``budget`` work each, or None if ``workers`` of them do not reach the end."""
        chunks, start = [], 0
        for k in range(workers):
            warmup = max(0, start - overlap) if k else 0
            stop = min(n_frames, warmup + int(budget - share * lead_in(keyframes, warmup)))
            if stop <= start:
                return None
            chunks.append(Chunk(warmup, start, stop))
            if stop == n_frames:
                return chunks
            start = stop
        return None

    low, high = -(-n_frames // workers), max(n_frames, 1)  # fill(n_frames) is one chunk: always enough
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if fill(middle) else (middle + 1, high)
    return fill(low) or [Chunk(0, 0, n_frames)]


def overlap_frames(info: VideoInfo) -> int:
    """Warm-up frames for this clip: ``OVERLAP_S`` of video, at least ``MIN_OVERLAP``."""
    return max(MIN_OVERLAP, int(round(OVERLAP_S * info.fps)))


@dataclass(frozen=True)
class Plan:
    """How one clip is cut: its chunks, their warm-up and the stream index the workers seek with."""

    chunks: list[Chunk]
    overlap: int
    index: ClipIndex | None

    @property
    def options(self) -> dict:
        """The extraction options that make a chunked track differ from the sequential one (empty: serial)."""
        if len(self.chunks) < 2:
            return {}
        return {"chunk_starts": [c.start for c in self.chunks[1:]], "overlap_frames": self.overlap}


def plan(info: VideoInfo, workers: int) -> Plan:
    """The chunks of this clip on ``workers`` cores; one chunk if it is too short to gain or cannot be seeked."""
    overlap, whole = overlap_frames(info), [Chunk(0, 0, info.n_frames)]
    if len(plan_chunks(info.n_frames, workers, overlap)) < 2:
        return Plan(whole, overlap, None)
    try:
        index = clip_index(info)
    except av.error.FFmpegError:  # damaged: the serial decoding names the problem
        return Plan(whole, overlap, None)
    if len(index.pts) != info.n_frames:  # frames a seek could not number as a decode from the start does
        return Plan(whole, overlap, index)
    share = DECODE_SHARE_PER_MEGAPIXEL * info.width * info.height / 1e6
    return Plan(plan_chunks(info.n_frames, workers, overlap, index.keyframes, share), overlap, index)


class _SpanMismatch(RuntimeError):
    """Seeking did not land on the frames the sequential decoder would number the same way."""


def iter_span(info: VideoInfo, index: ClipIndex, first: int, stop: int):
    """Yield ``(index, time_s, rgb)`` for frames ``first..stop-1``, as :func:`vision.video.iter_frames` would.

    Seeks to the key frame before ``first``; frames are numbered by their place
    in the sorted timestamps, so numbering and times match a decode from the start.
    On the way to ``first``, frames no other frame refers to are not decoded at all
    (the lead-in costs ~40 % less; the frames of the span come out the same).
    One decoding thread: the chunks already keep every core busy.

    Raises:
        _SpanMismatch: if the frames cannot be numbered as a decode from the start would, or decoding fails
            (the caller extracts sequentially instead, which names a damaged file).
    """
    path = Path(info.path)
    pts, time_base = index.pts, index.time_base
    t0 = float(int(pts[0]) * time_base)  # exact rational times, rounded once, as iter_frames does
    expected = first
    with _open(path) as container:
        stream = _video_stream(container, path)
        stream.thread_count = 1
        try:
            if first > 0:
                container.seek(int(pts[first]), stream=stream, backward=True, any_frame=False)
            for packet in container.demux(stream):
                before = packet.pts is not None and packet.pts < pts[first]
                stream.codec_context.skip_frame = "NONREF" if before else "DEFAULT"
                for frame in packet.decode():
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
                    time_s = t0 + (float(frame.pts * time_base) - t0) * info.time_scale
                    yield i, time_s, upright_rgb(frame, info.rotation)
        except av.error.FFmpegError as e:
            raise _SpanMismatch(f"decoding failed after frame {expected - 1} ({e})") from e
    if expected < stop:
        raise _SpanMismatch(f"decoding stopped at frame {expected} of {stop}")


# --- one chunk, in whichever process runs it --------------------------------------------------------------

_spares: dict[str, Future] = {}
"""This process's landmarker for its next chunk, per model, being built or ready."""
_builder: ThreadPoolExecutor | None = None


def _fresh_estimator(bundle: ModelBundle) -> PoseEstimator:
    """A landmarker that has seen no frame: the one built ahead if there is one."""
    spare = _spares.pop(bundle.identity, None)
    return spare.result() if spare is not None else PoseEstimator(bundle)


def _build_spare(bundle: ModelBundle) -> None:
    """Build this process's next landmarker in the background (~0.2 s), while the process would idle."""
    global _builder
    if bundle.identity not in _spares:
        _builder = _builder or ThreadPoolExecutor(1, thread_name_prefix="landmarker")
        _spares[bundle.identity] = _builder.submit(PoseEstimator, bundle)


def _discard_spares() -> None:
    while _spares:
        _, spare = _spares.popitem()
        if not spare.cancel() and spare.exception() is None:
            spare.result().close()


def _cpu_s() -> float:
    """CPU seconds of this process, all its threads (MediaPipe's graph threads, the decoder)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


@dataclass(frozen=True)
class ChunkRun:
    """Where one chunk's time went (seconds), for the throughput benchmark."""

    chunk: Chunk
    pid: int
    lead_in: int
    """Frames decoded without inference to reach the warm-up from the key frame."""
    landmarker_s: float
    """Waiting for a fresh landmarker (about 0 when one was built ahead)."""
    first_frame_s: float
    """From the landmarker to the first warm-up frame decoded: the seek and the lead-in."""
    wall_s: float
    cpu_s: float
    """CPU time of the whole process over the chunk, every thread counted."""
    began: float
    """``time.time()`` at the start."""


def _run_chunk(info: VideoInfo, bundle: ModelBundle, index: ClipIndex, chunk: Chunk,
               done: Callable[[int], None]) -> tuple[dict, ChunkRun]:
    """Landmarks of frames ``chunk.warmup..chunk.stop-1`` from a fresh landmarker; ``done(frames)`` every 10 frames."""
    began, start, cpu = time.time(), time.perf_counter(), _cpu_s()
    estimate = _fresh_estimator(bundle)
    ready = time.perf_counter()
    n = chunk.stop - chunk.warmup
    part = PoseTrack.empty(n, (info.width, info.height))
    first, reported = None, 0
    with estimate:
        for i, t, rgb in decoded_ahead(iter_span(info, index, chunk.warmup, chunk.stop)):
            first = first or time.perf_counter()
            j = i - chunk.warmup
            part.time_s[j], part.frame_index[j] = t, i
            found = estimate(rgb, t)
            if found is not None:
                part.image_xy[j], part.world_xyz[j], part.visibility[j], part.presence[j] = found
            if j + 1 - reported >= 10 or j + 1 == n:
                done(j + 1 - reported)
                reported = j + 1
    arrays = {name: getattr(part, name) for name in
              ("time_s", "frame_index", "image_xy", "world_xyz", "visibility", "presence")}
    end = time.perf_counter()
    return arrays, ChunkRun(chunk, os.getpid(), lead_in(index.keyframes, chunk.warmup), ready - start,
                            (first or end) - ready, end - start, _cpu_s() - cpu, began)


_progress_queue = None
_initialised_at = 0.0


@dataclass(frozen=True)
class WorkerStart:
    """When a pool worker got going (``time.time()`` values), for the throughput benchmark."""

    pid: int
    initialised: float
    """Spawned and its modules imported (MediaPipe not yet)."""
    ready: float
    """Its first landmarker built (MediaPipe imported, the model loaded)."""


def _init_worker(progress_queue, bundle: ModelBundle) -> None:
    """Worker start-up: one thread for OpenCV (each pool process has a core of its own), then a landmarker."""
    global _progress_queue, _initialised_at
    _initialised_at = time.time()
    _progress_queue = progress_queue
    os.environ.setdefault("GLOG_minloglevel", "2")
    # MediaPipe's C++ logging would cut into the caller's progress bar; a worker's errors reach the caller pickled.
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    cv2.setNumThreads(1)
    _build_spare(bundle)


def _warm_up() -> WorkerStart:
    """Return once this worker's first landmarker is built."""
    for spare in list(_spares.values()):
        spare.exception()
    return WorkerStart(os.getpid(), _initialised_at, time.time())


def _worker_chunk(job: int, info: VideoInfo, bundle: ModelBundle, index: ClipIndex,
                  chunk: Chunk) -> tuple[dict, ChunkRun]:
    """A chunk on a pool worker; frame counts go to the caller, tagged with the job; then the next landmarker."""
    try:
        return _run_chunk(info, bundle, index, chunk, lambda frames: _progress_queue.put((job, frames)))
    finally:
        _build_spare(bundle)


# --- the pool ---------------------------------------------------------------------------------------------


class PosePool:
    """Processes for chunked pose extraction, started once and kept warm between clips.

    ``workers`` cores (default: all) take ``workers - 1`` processes: the caller
    runs the first chunk itself.  One clip at a time: a second caller while a
    clip is being extracted gets the serial extraction rather than waiting.
    Use it as a context manager, or :func:`shared_pool` (closed at exit).
    """

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._executor: ProcessPoolExecutor | None = None
        self._warming: list[Future] = []
        self._queue = None
        self._busy = threading.Lock()
        self._state = threading.Lock()
        self._jobs = itertools.count()

    def start(self, bundle: ModelBundle, wait: bool = False) -> PosePool:
        """Start the worker processes, which import MediaPipe and build a landmarker; ``wait`` until they have
        (and until the landmarkers for the next chunks are built)."""
        with self._state:
            if self._executor is None and self.workers > 1:
                context = multiprocessing.get_context("spawn")  # a forked MediaPipe graph is not safe
                self._queue = context.Queue()
                self._executor = ProcessPoolExecutor(self.workers - 1, mp_context=context, initializer=_init_worker,
                                                     initargs=(self._queue, bundle))
                # Processes are spawned as work arrives: one warm-up task each.
                self._warming = [self._executor.submit(_warm_up) for _ in range(self.workers - 1)]
        if self.workers > 1:
            _build_spare(bundle)
        if wait and self._executor is not None:  # every worker's next landmarker (one worker may take two of these)
            wait_all([self._executor.submit(_warm_up) for _ in range(self.workers - 1)] + list(_spares.values()))
        return self

    @property
    def started(self) -> list[WorkerStart]:
        """When each worker got going (those that have)."""
        return [f.result() for f in self._warming if f.done() and not f.exception()]

    def extract(self, info: VideoInfo, bundle: ModelBundle, progress: Progress | None = None,
                chunking: Plan | None = None, runs: list[ChunkRun] | None = None) -> PoseTrack:
        """:func:`vision.extract.extract_pose`, in the chunks of ``chunking`` (default: :func:`plan` for this pool).

        Falls back to the sequential extraction when the clip is too short to
        gain, when seeking cannot reproduce the sequential frame numbering, when
        a stitch disagrees, when a worker dies, or when the pool is busy with
        another clip.  The track's ``options`` name its chunks, so its cache entry
        is its own.  ``runs`` receives a :class:`ChunkRun` per chunk.

        Raises:
            NoRunnerError: if nobody is detected in any frame.
        """
        chunking = chunking or plan(info, self.workers)
        if len(chunking.chunks) < 2 or not self._busy.acquire(blocking=False):
            return extract_pose(info, bundle, progress)
        try:
            parts = self._run(info, bundle, chunking, progress)
        finally:
            self._busy.release()
        if parts is None or not _stitches_agree(info, chunking, [arrays for arrays, _ in parts]):
            return extract_pose(info, bundle, progress)
        if runs is not None:
            runs.extend(run for _, run in parts)
        track = PoseTrack.empty(info.n_frames, (info.width, info.height), source=info.to_dict(),
                                model=bundle.identity, options={"capture_fps": info.capture_fps, **chunking.options})
        for chunk, (arrays, _) in zip(chunking.chunks, parts):
            keep = slice(chunk.start - chunk.warmup, chunk.stop - chunk.warmup)
            for name, values in arrays.items():
                getattr(track, name)[chunk.start:chunk.stop] = values[keep]
        if not track.detected.any():
            raise NoRunnerError(f"{Path(info.path).name}: no person was found in any of its {track.n_frames} frames")
        return track

    def _run(self, info: VideoInfo, bundle: ModelBundle, chunking: Plan,
             progress: Progress | None) -> list[tuple[dict, ChunkRun]] | None:
        """Every chunk's landmarks, the first one run here; None if a worker died or a seek went wrong."""
        self.start(bundle)
        job = next(self._jobs)
        first, *rest = chunking.chunks
        relay = _Relay(self._queue, job, sum(c.stop - c.warmup for c in chunking.chunks), info.n_frames, progress)
        futures = []
        try:
            futures = [self._executor.submit(_worker_chunk, job, info, bundle, chunking.index, c) for c in rest]
            mine = _run_chunk(info, bundle, chunking.index, first, relay.add)
            relay.until_done(futures)
            return [mine] + [f.result() for f in futures]
        except _SpanMismatch:
            return None
        except BrokenProcessPool:  # a worker died (memory, an unguarded __main__): a new pool next time
            self._shut(wait=False)
            return None
        finally:
            for future in futures:
                future.cancel()  # only if this process's own chunk failed first
            _build_spare(bundle)  # the next clip's landmarker, built while the caller measures this one

    def _shut(self, wait: bool) -> None:
        with self._state:
            executor, self._executor = self._executor, None
            relay_queue, self._queue = self._queue, None
            self._warming = []
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)
        if relay_queue is not None:
            relay_queue.close()
            relay_queue.join_thread()

    def close(self) -> None:
        """Stop the worker processes (waiting for them to exit) and drop this process's spare landmarker."""
        self._shut(wait=True)
        _discard_spares()

    def __enter__(self) -> PosePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Relay:
    """Frames done by every chunk of one job, reported in the caller's thread (a Streamlit progress bar
    must be updated from the thread running the script) as ``progress(done, n_frames)``, warm-ups counted in."""

    def __init__(self, counts, job: int, total: int, n_frames: int, progress: Progress | None):
        self._counts, self._job, self._total, self._n, self._progress = counts, job, total, n_frames, progress
        self.done = 0

    def add(self, frames: int) -> None:
        """This process's own frames; the workers' counts that arrived meanwhile are added too."""
        self.done += frames
        self._collect(block=False)
        self._report()

    def until_done(self, futures: list[Future]) -> None:
        while not all(f.done() for f in futures):
            if self._collect(block=True):
                self._report()
        self._collect(block=False)
        if self._progress:
            self._progress(self._n, self._n)

    def _collect(self, block: bool) -> bool:
        got = False
        try:
            while True:
                job, frames = self._counts.get(timeout=0.1) if block and not got else self._counts.get_nowait()
                if job == self._job:  # counts of an abandoned earlier job are dropped
                    self.done, got = self.done + frames, True
        except queue.Empty:
            return got

    def _report(self) -> None:
        if self._progress:
            self._progress(min(self.done, self._total) * self._n // self._total, self._n)


def _stitches_agree(info: VideoInfo, chunking: Plan, parts: list[dict]) -> bool:
    """Whether consecutive chunks follow the same body over the end of each warm-up (where both ran)."""
    diagonal = float(np.hypot(info.width, info.height))
    for k in range(1, len(chunking.chunks)):
        before, after = chunking.chunks[k - 1], chunking.chunks[k]
        settled = range(after.start - chunking.overlap // 2, after.start)
        a = parts[k - 1]["image_xy"][settled.start - before.warmup:settled.stop - before.warmup]
        b = parts[k]["image_xy"][settled.start - after.warmup:settled.stop - after.warmup]
        if _stitch_disagreement(a, b, diagonal) > STITCH_TOLERANCE:
            return False
    return True


def _stitch_disagreement(before: np.ndarray, after: np.ndarray, diagonal: float) -> float:
    """Median distance between two chunks' landmarks on the same frames, / frame diagonal (inf: one lost the body)."""
    if np.isnan(before).all() and np.isnan(after).all():
        return 0.0
    d = np.linalg.norm(before - after, axis=-1)
    d = d[np.isfinite(d)]
    return float(np.median(d) / diagonal) if d.size else float("inf")


# --- one pool per process ---------------------------------------------------------------------------------

_shared: dict[int, PosePool] = {}
_shared_lock = threading.Lock()


def shared_pool(workers: int | None = None) -> PosePool:
    """This process's pool for ``workers`` cores (default: all), kept warm between clips and closed at exit."""
    workers = max(1, workers or os.cpu_count() or 1)
    with _shared_lock:
        if workers not in _shared:
            _shared[workers] = PosePool(workers)
        return _shared[workers]


@atexit.register
def close_shared_pools() -> None:
    """Stop every shared pool's processes (registered to run at exit)."""
    with _shared_lock:
        pools = list(_shared.values())
        _shared.clear()
    for pool in pools:
        pool.close()
    _discard_spares()


def extract_pose_parallel(info: VideoInfo, bundle: ModelBundle, workers: int | None = None,
                          progress: Progress | None = None, pool: PosePool | None = None) -> PoseTrack:
    """:func:`vision.extract.extract_pose` spread over ``workers`` cores (default: all) by
    ``pool`` (default: this process's :func:`shared_pool`); see :meth:`PosePool.extract`."""
    return (pool or shared_pool(workers)).extract(info, bundle, progress)
