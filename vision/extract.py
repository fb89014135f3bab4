"""Running the pose model over a clip: frames in, :class:`PoseTrack` out.

Decoding runs in its own thread, a few frames ahead of the model, so the
model (the slow part, ~23 ms a frame here) never waits for the decoder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vision.camera import background_speed, pair_frames, shrunk_grey
from vision.errors import NoRunnerError
from vision.model import ModelBundle, cache_dir, resolve_model
from vision.npz import read_npz, write_npz
from vision.roll import camera_roll, roll_frames, vertical_segments
from vision.track import PoseTrack
from vision.video import VideoInfo, iter_frames, probe, sampled_frames

if TYPE_CHECKING:
    from vision.parallel import PosePool

Progress = Callable[[int, int], None]
"""Called as ``progress(frames_done, frames_total)``."""

_END = object()


class PoseEstimator:
    """MediaPipe Tasks ``PoseLandmarker`` in VIDEO mode (tracks between frames).

    One estimator follows one clip: VIDEO mode needs increasing timestamps.
    """

    def __init__(self, bundle: ModelBundle, num_poses: int = 1):
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(bundle.path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=num_poses,
        )
        with _native_stderr_silenced():
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self._last_ms = -1
        self._warmed_up = False

    def __call__(self, rgb: np.ndarray, time_s: float):
        """Landmarks of the frame: ``(xy_px [33,2], world [33,3], visibility, presence)`` or None."""
        found = self.all_poses(rgb, time_s)
        return found[0] if found else None

    def all_poses(self, rgb: np.ndarray, time_s: float) -> list[tuple]:
        """Landmarks of every person found in the frame (up to ``num_poses``), each as ``__call__`` gives them."""
        import mediapipe as mp

        # Timestamps must strictly increase; slow-motion times can be < 1 ms apart.
        ms = max(int(round(time_s * 1000)), self._last_ms + 1)
        self._last_ms = ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        # The first call logs graph warnings from C++ that mean nothing to a user.
        with contextlib.nullcontext() if self._warmed_up else _native_stderr_silenced():
            result = self._landmarker.detect_for_video(image, ms)
        self._warmed_up = True
        h, w = rgb.shape[:2]
        return [(np.array([(p.x * w, p.y * h) for p in lms], np.float32),
                 np.array([(p.x, p.y, p.z) for p in world], np.float32),
                 np.array([p.visibility or 0.0 for p in lms], np.float32),
                 np.array([p.presence or 0.0 for p in lms], np.float32))
                for lms, world in zip(result.pose_landmarks, result.pose_world_landmarks)]

    def close(self) -> None:
        with _native_stderr_silenced():  # closing logs its own C++ lines too
            self._landmarker.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def _native_stderr_silenced():
    """Send file descriptor 2 to /dev/null: MediaPipe's C++ logging bypasses Python."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def decoded_ahead(frames: Iterator, depth: int = 8) -> Iterator:
    """The items of ``frames`` (a decoding generator) produced in a background thread, ``depth`` ahead."""
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce():
        try:
            for item in frames:
                while not stop.is_set():
                    try:
                        items.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(_END)
        except BaseException as e:  # re-raised in the consumer's thread
            items.put(e)

    thread = threading.Thread(target=produce, daemon=True, name="decode")
    thread.start()
    try:
        while (item := items.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


def extract_pose(
    info: VideoInfo,
    bundle: ModelBundle,
    progress: Progress | None = None,
) -> PoseTrack:
    """Run the pose model on every frame of the clip ``info`` describes.

    Raises:
        NoRunnerError: if nobody is detected in any frame.
    """
    track = PoseTrack.empty(
        info.n_frames, frame_size=(info.width, info.height),
        source=info.to_dict(), model=bundle.identity,
        options={"capture_fps": info.capture_fps},
    )
    times, indices = [], []
    with PoseEstimator(bundle) as estimate:
        for i, t, rgb in decoded_ahead(iter_frames(info)):
            if i >= track.n_frames:  # more frames than the index listed: grow
                track = _grown(track, i + 1)
            found = estimate(rgb, t)
            if found is not None:
                (track.image_xy[i], track.world_xyz[i], track.visibility[i], track.presence[i]) = found
            times.append(t)
            indices.append(i)
            if progress:
                progress(i + 1, info.n_frames)
    n = len(times)
    track = _grown(track, n) if n != track.n_frames else track
    track.time_s, track.frame_index = np.asarray(times), np.asarray(indices)
    if not track.detected.any():
        raise NoRunnerError(f"{Path(info.path).name}: no person was found in any of its {n} frames")
    return track


def _grown(track: PoseTrack, n: int) -> PoseTrack:
    """The same track cut or padded (with missing frames) to ``n`` frames."""
    out = PoseTrack.empty(n, track.frame_size, source=track.source, model=track.model, options=track.options)
    m = min(n, track.n_frames)
    for name in ("image_xy", "world_xyz", "visibility", "presence"):
        getattr(out, name)[:m] = getattr(track, name)[:m]
    return out


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def track_cache_path(info: VideoInfo, bundle: ModelBundle, sha256: str | None = None,
                     chunking: dict | None = None) -> Path:
    """Where the track of this clip content (``sha256``, hashed here if not given), model and options is cached.

    ``chunking`` (:attr:`vision.parallel.Plan.options`) is part of the key
    because a chunked track may differ slightly from the serial one.
    """
    parts = [sha256 or file_sha256(info.path), bundle.identity, info.capture_fps]
    key = json.dumps(parts + [chunking] if chunking else parts, sort_keys=True)
    name = hashlib.sha256(key.encode()).hexdigest()[:32]
    return cache_dir() / "tracks" / f"{name}.npz"


def _background(info: VideoInfo, track: PoseTrack, cached: Path | None = None) -> dict:
    """The background's image speed (:func:`vision.camera.background_speed`) and the camera's roll
    (:func:`vision.roll.camera_roll`), measured once per track: the speed kept per frame in the track's source
    (a cached track may be read again with another capture rate).

    A track ``cached`` before these were measured gets them written into its cache entry.
    """
    # One decoding pass for whatever is still to be measured.
    xy, n = track.image_xy, len(track.image_xy)
    grey, segments = sampled_frames(
        info, (pair_frames(n) if "background_px_frame" not in track.source else set(), shrunk_grey),
        (roll_frames(n) if "camera_roll" not in track.source else set(), lambda i, rgb: vertical_segments(rgb, xy[i])))

    def per_frame() -> float | None:
        speed = background_speed(info, xy, grey=grey)
        return None if speed is None else speed / info.capture_fps

    def roll() -> dict | None:
        found = camera_roll(info, xy, segments=segments)
        return None if found is None else found.to_dict()

    px_frame = _measured_once(track, cached, "background_px_frame", per_frame)
    return {"background_px_frame": px_frame,
            "background_px_s": None if px_frame is None else px_frame * info.capture_fps,
            "camera_roll": _measured_once(track, cached, "camera_roll", roll)}


def _measured_once(track: PoseTrack, cached: Path | None, key: str, measure: Callable[[], object]):
    """``track.source[key]``, measured (``measure()``) if the track does not hold it yet and then written
    into the track's cache entry ``cached``, so the clip is not decoded again for it on every read."""
    if key not in track.source:
        track.source[key] = measure()
        if cached is not None:
            _add_source_fact(cached, key, track.source[key])
    return track.source[key]


def _add_source_fact(cached: Path, key: str, value) -> None:
    """Add ``key: value`` to the source facts of the track cached at ``cached``, everything else it holds kept
    as stored; written whole and renamed over the entry (:func:`vision.npz.write_npz`).  A cache that cannot
    be written (read-only, removed meanwhile) only means measuring again next time."""
    try:
        meta, arrays = read_npz(cached)
        meta["source"][key] = value
        write_npz(cached, meta, arrays)
    except OSError:
        pass


def pose_track(
    clip: str | Path,
    model: str | Path | None = None,
    capture_fps: float | None = None,
    progress: Progress | None = None,
    use_cache: bool = True,
    sha256: str | None = None,
    workers: int = 1,
    pool: PosePool | None = None,
) -> PoseTrack:
    """The pose track of a clip: from the cache if this clip was analysed before.

    The cache key is the clip's content hash, the model identity and the
    options, so a renamed copy hits the cache and a re-encoded one does not.
    The hash (``sha256`` if the caller has it) is hashed once and kept in
    ``track.source["sha256"]`` for whoever stores the clip.
    ``workers`` > 1 extracts in time chunks on that many cores (:mod:`vision.parallel`),
    through ``pool`` (default: the process's shared pool, kept warm between clips);
    without a cached chunked track a cached serial one is used.
    """
    from vision import parallel

    info = probe(clip, capture_fps=capture_fps)
    bundle = resolve_model(model)
    sha256 = sha256 or file_sha256(info.path)
    workers = pool.workers if pool is not None else workers
    chunking = parallel.plan(info, workers)
    keys = [track_cache_path(info, bundle, sha256, chunking.options)]
    keys += [track_cache_path(info, bundle, sha256)] if chunking.options else []
    for cached in keys if use_cache else ():
        if cached.is_file():
            track = PoseTrack.load(cached)
            track.source = info.to_dict() | {"sha256": sha256} | _background(info, track, cached)  # maybe another path
            if progress:
                progress(track.n_frames, track.n_frames)
            return track
    if chunking.options:
        track = (pool or parallel.shared_pool(workers)).extract(info, bundle, progress, chunking)
    else:
        track = extract_pose(info, bundle, progress)
    track.source = track.source | {"sha256": sha256} | _background(info, track)
    if use_cache:
        # A chunked run that fell back to serial is stored as serial.
        done = {k: v for k, v in track.options.items() if k != "capture_fps"}
        cached = track_cache_path(info, bundle, sha256, done)
        cached.parent.mkdir(parents=True, exist_ok=True)
        track.save(cached)
    return track
