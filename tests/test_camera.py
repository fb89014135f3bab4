"""The background's image speed (vision/camera.py) on drawn clips: a still camera and a panning one."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from reports.video_writer import H264Writer
from vision.camera import background_speed
from vision.video import probe

FPS, WIDTH, HEIGHT, FRAMES = 30, 320, 240, 40


def drawn_clip(path, pan_px_per_frame: int):
    """A textured background shifted ``pan_px_per_frame`` to the left each frame, and a grey
    'runner' box in the middle that jitters on its own; its landmarks are the box's corners."""
    rng = np.random.default_rng(0)
    texture = gaussian_filter(rng.random((HEIGHT, WIDTH + FRAMES * pan_px_per_frame + 1)), 1.5)
    texture = (255 * (texture - texture.min()) / np.ptp(texture)).astype(np.uint8)
    xy = np.full((FRAMES, 33, 2), np.nan)
    with H264Writer(path, FPS, crf=12) as writer:
        for i in range(FRAMES):
            grey = texture[:, i * pan_px_per_frame:i * pan_px_per_frame + WIDTH].copy()
            x0, y0 = 130 + 4 * (i % 3), 60
            grey[y0:y0 + 120, x0:x0 + 60] = 128
            writer.write(np.repeat(grey[..., None], 3, axis=2))
            xy[i, :2] = [[x0, y0], [x0 + 60, y0 + 120]]
    return probe(path), xy


@pytest.mark.parametrize("pan", [0, 3])
def test_background_speed_is_the_pan_speed(tmp_path, pan):
    """A still camera: background speed ~0; a pan of 3 px a frame at 30 fps: 90 px/s within 10 %."""
    info, xy = drawn_clip(tmp_path / f"pan{pan}.mp4", pan)
    speed = background_speed(info, xy)
    assert speed == pytest.approx(pan * FPS, rel=0.1, abs=1.0)
