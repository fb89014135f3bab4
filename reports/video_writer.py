"""Writing MP4 files browsers play: H.264 (libx264), yuv420p, moov atom first.

MPEG-4 Part 2 ("mp4v", OpenCV's default) does not play in Chromium; H.264
in yuv420p does, and ``+faststart`` lets playback begin before the whole
file has arrived.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


class H264Writer:
    """Context manager: ``with H264Writer(path, fps) as w: w.write(rgb)``.

    Frames are RGB ``uint8``; odd sizes are padded by one pixel (yuv420p
    needs even dimensions).  The file appears only when complete.
    """

    def __init__(self, path: str | Path, fps: float, crf: int = 23, preset: str = "veryfast",
                 threads: int = 0):
        """``threads=0`` lets libx264 choose; ``threads=1`` makes the bytes reproducible."""
        self.path = Path(path)
        self.fps = Fraction(fps).limit_denominator(1001)
        self.crf, self.preset, self.threads = crf, preset, threads
        self.frames = 0
        self._tmp = self.path.with_name(self.path.name + ".part")
        self._container = None
        self._stream = None

    def __enter__(self) -> H264Writer:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._container = av.open(str(self._tmp), mode="w", format="mp4",
                                  options={"movflags": "+faststart"})
        return self

    def _open_stream(self, height: int, width: int) -> None:
        stream = self._container.add_stream("libx264", rate=self.fps)
        stream.width, stream.height = width + width % 2, height + height % 2
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(self.crf), "preset": self.preset}
        if self.threads:
            stream.options["threads"] = str(self.threads)
            stream.thread_count = self.threads
        self._stream = stream

    def write(self, rgb: np.ndarray) -> None:
        if self._stream is None:
            self._open_stream(*rgb.shape[:2])
        h, w = self._stream.height, self._stream.width
        if rgb.shape[:2] != (h, w):
            rgb = np.pad(rgb, ((0, h - rgb.shape[0]), (0, w - rgb.shape[1]), (0, 0)), mode="edge")
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None and self._stream is not None:
                for packet in self._stream.encode():
                    self._container.mux(packet)
        finally:
            self._container.close()
        if exc_type is None:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)
