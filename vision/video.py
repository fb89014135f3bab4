"""Reading clips: facts about the video, and its frames with their real times.

Decoding uses PyAV (FFmpeg), which reports each frame's presentation time and
the display rotation phones write into their clips.  Frames come out upright
(rotation applied) as RGB ``uint8`` arrays, the order MediaPipe and the
replay writer both use.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Container, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import av
import cv2
import numpy as np

from vision.errors import (
    EmptyFileError,
    NotAVideoError,
    NoVideoStreamError,
    TruncatedVideoError,
    UnsupportedCodecError,
)

T = TypeVar("T")

# Rotation (degrees counter-clockwise, as FFmpeg's display matrix reports it)
# to the OpenCV rotation that makes the frame upright.
_UPRIGHT = {
    90: cv2.ROTATE_90_COUNTERCLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_CLOCKWISE,
}


@dataclass(frozen=True)
class VideoInfo:
    """What a clip is, as a user would want it reported.

    ``width``/``height`` are of the upright (displayed) frame. ``fps`` is the
    nominal playback rate from the container; ``capture_fps`` is the rate the
    camera actually recorded at (equal to ``fps`` unless the user says a
    slow-motion clip was captured faster), and every time Stridescope reports
    is in capture time.
    """

    path: str
    width: int
    height: int
    fps: float
    capture_fps: float
    n_frames: int
    duration_s: float
    codec: str
    rotation: int
    variable_frame_rate: bool
    file_size: int
    capture_fps_source: str = "stored"
    """Where ``capture_fps`` comes from: "stored" (the playback rate), "user", or the metadata read."""

    @property
    def time_scale(self) -> float:
        """Seconds of real time per second of playback (1 unless slow motion)."""
        return self.fps / self.capture_fps

    def to_dict(self) -> dict:
        return asdict(self)


def _open(path: Path) -> av.container.InputContainer:
    if not path.is_file():
        raise NotAVideoError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path.name}: the file is empty (0 bytes)")
    try:
        return av.open(str(path), metadata_errors="replace")  # a damaged tag is not worth refusing a clip
    except av.error.FFmpegError as e:
        with open(path, "rb") as f:
            head = f.read(12)
        if head[4:8] == b"ftyp":
            raise TruncatedVideoError(
                f"{path.name}: looks like an MP4/MOV video but its end is missing or damaged "
                "(was the copy or upload interrupted?)"
            ) from e
        raise NotAVideoError(f"{path.name}: not a video file FFmpeg can read") from e


def _video_stream(container, path: Path):
    if not container.streams.video:
        raise NoVideoStreamError(f"{path.name}: the file has no video stream (audio only?)")
    stream = container.streams.video[0]
    if stream.codec_context is None or stream.codec_context.name in (None, "", "none"):
        raise UnsupportedCodecError(f"{path.name}: its video codec cannot be decoded here")
    return stream


# Metadata keys that carry the rate a camera recorded at: Android's MediaRecorder writes
# "com.android.capture.fps" (MediaFormat.KEY_CAPTURE_RATE); QuickTime-style keys ending the same way
# ("com.apple.quicktime.capture.fps") are read alike.
_CAPTURE_KEY = re.compile(r"(^|[._])capture[._]?(fps|rate|framerate)$", re.IGNORECASE)
CAMERA_RATES = (48, 50, 60, 90, 100, 120, 150, 180, 200, 240, 250, 300, 480, 500, 960, 1000)
"""Frame rates cameras record at (beyond plain video): a stream timing claiming another rate is not trusted."""
SLOW_MOTION_MIN_RATIO = 1.5
"""A recorded rate counts as slow motion only when this many times the playback rate."""


def capture_rate_from_metadata(container, stream, playback_fps: float) -> tuple[float, str] | None:
    """The capture rate a slow-motion clip records about itself, and where it was read; else None.

    Two places are read:

    * a capture-rate tag in the container or stream metadata (Android phones write
      ``com.android.capture.fps``; QuickTime-style ``*.capture.fps`` keys are read the same way);
    * the timing in the video bitstream (H.264/HEVC VUI) against the container's timestamps:
      a 240 fps recording re-timed to 30 fps playback (``ffmpeg -itsscale 8``, a time-base
      rewrite) keeps saying 240 fps in its bitstream.  Only a camera rate (:data:`CAMERA_RATES`)
      is believed there, since some encoders write a time scale such as 24000 that is no rate.

    A rate that is not at least :data:`SLOW_MOTION_MIN_RATIO` times the playback rate is not
    slow motion (phones that store 240 fps in real time also write the tag) and gives None.
    """
    def slow(rate: float) -> bool:
        return rate >= SLOW_MOTION_MIN_RATIO * playback_fps

    for where, tags in (("container", container.metadata), ("video stream", stream.metadata)):
        for key, value in tags.items():
            if _CAPTURE_KEY.search(key):
                try:
                    rate = float(value)
                except ValueError:
                    continue
                if slow(rate):
                    return rate, f"{key} = {value} ({where} metadata)"
    coded = float(stream.codec_context.framerate or 0) if stream.codec_context else 0.0
    if slow(coded) and any(abs(coded - r) <= 0.01 * r for r in CAMERA_RATES):
        return coded, (f"the video bitstream is timed at {coded:g} fps while the file plays it "
                       f"at {playback_fps:.4g} fps")
    return None


def probe(path: str | os.PathLike, capture_fps: float | None = None) -> VideoInfo:
    """Describe a clip without decoding its pictures (only the first frame).

    ``capture_fps`` given by the user wins; otherwise a slow-motion clip's
    recorded rate is read from its metadata (:func:`capture_rate_from_metadata`).
    Raises an :class:`vision.errors.InputError` subclass naming the problem
    if the file is not a usable video.
    """
    path = Path(path)
    with _open(path) as container:
        stream = _video_stream(container, path)
        try:
            pts = sorted(
                p.pts for p in container.demux(stream) if p.pts is not None and p.size > 0
            )
            container.seek(0)
        except av.error.FFmpegError as e:
            raise TruncatedVideoError(f"{path.name}: the file is damaged and cannot be read through ({e})") from e
        if not pts:
            raise TruncatedVideoError(f"{path.name}: the video stream holds no frames")
        if stream.frames and len(pts) < stream.frames - 2:
            raise TruncatedVideoError(
                f"{path.name}: only {len(pts)} of its {stream.frames} frames are in the file "
                "(the end is missing: was the copy or upload interrupted?)"
            )
        rotation = _first_frame_rotation(container, stream, path)
        tb = float(stream.time_base)
        times = np.asarray(pts, float) * tb
        nominal = float(stream.average_rate or stream.guessed_rate or 0) or _rate_from_times(times)
        steps = np.diff(times)
        vfr = bool(len(steps) > 1 and (steps.max() - steps.min()) > 0.25 / nominal)
        w, h = stream.codec_context.width, stream.codec_context.height
        if rotation in (90, 270):
            w, h = h, w
        n = len(pts)
        duration = float(n / nominal) if nominal else 0.0
        source = "user" if capture_fps else "stored"
        if not capture_fps and (found := capture_rate_from_metadata(container, stream, nominal)):
            capture_fps, source = found
        return VideoInfo(
            path=str(path), width=w, height=h, fps=nominal,
            capture_fps=float(capture_fps or nominal), n_frames=n,
            duration_s=duration * (nominal / (capture_fps or nominal)),
            codec=stream.codec_context.name, rotation=rotation,
            variable_frame_rate=vfr, file_size=path.stat().st_size, capture_fps_source=source,
        )


def _rate_from_times(times: np.ndarray) -> float:
    return float((len(times) - 1) / (times[-1] - times[0])) if len(times) > 1 else 30.0


def _first_frame_rotation(container, stream, path: Path) -> int:
    try:
        for frame in container.decode(stream):
            return int(round(getattr(frame, "rotation", 0) or 0)) % 360
    except av.error.FFmpegError as e:
        raise UnsupportedCodecError(f"{path.name}: its video frames cannot be decoded ({e})") from e
    raise TruncatedVideoError(f"{path.name}: no frame of the video could be decoded")


def upright_rgb(frame: av.VideoFrame, rotation: int) -> np.ndarray:
    """A decoded frame as an RGB ``uint8`` array, turned upright by the clip's display ``rotation``."""
    rgb = frame.to_ndarray(format="rgb24")
    turn = _UPRIGHT.get(rotation)
    return rgb if turn is None else cv2.rotate(rgb, turn)


def iter_frames(info: VideoInfo, only: Container[int] | None = None) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield ``(index, time_s, rgb)`` for every frame (or those whose index is in ``only``), upright, in
    presentation order.

    ``time_s`` is the frame's presentation time in real (capture) time.  Frames not wanted are decoded
    (a video cannot be read otherwise) but not converted, which costs as much as decoding at 1080p.
    Raises :class:`TruncatedVideoError` if fewer frames decode than the container lists.
    """
    path = Path(info.path)
    scale = info.time_scale
    index = -1
    with _open(path) as container:
        stream = _video_stream(container, path)
        stream.thread_type = "AUTO"  # FFmpeg's own frame threads decode ahead
        t0 = None
        try:
            for frame in container.decode(stream):
                if frame.pts is None:
                    continue
                t = float(frame.pts * stream.time_base)
                t0 = t if t0 is None else t0
                index += 1
                if only is not None and index not in only:
                    continue
                yield index, t0 + (t - t0) * scale, upright_rgb(frame, info.rotation)
        except av.error.FFmpegError as e:
            raise TruncatedVideoError(
                f"{path.name}: decoding failed after frame {index} ({e})"
            ) from e
    # A few frames may legitimately differ (edit lists); a damaged file loses many.
    if index + 1 < info.n_frames - 2:
        raise TruncatedVideoError(
            f"{path.name}: only {index + 1} of {info.n_frames} frames could be decoded "
            "(the file is damaged or incomplete)"
        )



def sampled_frames(info: VideoInfo, *readers: tuple[set[int], Callable[[int, np.ndarray], T]]) -> list[dict[int, T]]:
    """One decoding pass for several readers of a few frames each: reader ``(frames, prepare)`` gets
    ``{index: prepare(index, rgb)}`` of its ``frames`` (upright RGB, kept no longer than ``prepare`` needs it),
    so measuring several things on a few frames decodes the clip once."""
    wanted = set().union(*(frames for frames, _ in readers))
    out: list[dict[int, T]] = [{} for _ in readers]
    if not wanted:  # nothing to read: not a frame decoded
        return out
    for index, _, rgb in iter_frames(info, only=wanted):
        for (frames, prepare), got in zip(readers, out):
            if index in frames:
                got[index] = prepare(index, rgb)
        wanted.discard(index)
        if not wanted:
            break
    return out

def read_frame(info: VideoInfo, index: int) -> np.ndarray:
    """One upright RGB frame by its 0-based index (decodes from the start; for stills)."""
    for _, _, rgb in iter_frames(info, only={index}):
        return rgb
    raise IndexError(f"{info.path}: frame {index} is past the end ({info.n_frames} frames)")
