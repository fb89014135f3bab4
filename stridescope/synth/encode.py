"""Writing frames to an H.264 mp4 that browsers play (yuv420p, faststart)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_mp4(path: str | Path, frames: Iterable[np.ndarray], fps: float, crf: int = 26,
              progress: Callable[[int, int], None] | None = None, total: int = 0) -> None:
    """Encode RGB ``uint8`` frames with libx264 at constant quality ``crf``.

    One encoder thread, so the same frames give the same bytes on any machine.
    """
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        stream = None
        for i, rgb in enumerate(frames):
            if stream is None:
                stream = container.add_stream("libx264", rate=rate)
                stream.width, stream.height = rgb.shape[1], rgb.shape[0]
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(crf), "preset": "medium", "threads": "1"}
                stream.thread_count = 1
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            for packet in stream.encode(frame):
                container.mux(packet)
            if progress:
                progress(i + 1, total)
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
