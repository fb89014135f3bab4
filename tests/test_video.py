"""Clips are read with their real timestamps, upright, with their facts reported."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest

from tests.conftest import incoming
from vision.video import iter_frames, probe

pytestmark = pytest.mark.shared

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffmpeg not installed")


def ffprobe_frame_times(path) -> np.ndarray:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout
    return np.array([float(f["pts_time"]) for f in json.loads(out)["frames"]])


@needs_ffmpeg
@pytest.mark.parametrize("name", [
    "zzzhushi_treadmill_side_portrait_30fps.mp4",  # constant 30 fps, portrait
    "hato72_sprintstart_side_a1.mp4",  # variable frame rate
    "sports2d_walk_side_multiperson_demo.mp4",  # VP9
])
def test_timestamps_are_monotonic_and_equal_ffprobes(name):
    clip = incoming(name)
    info = probe(clip)
    times = np.array([t for _, t, _ in iter_frames(info)])
    expected = ffprobe_frame_times(clip)
    assert len(times) == len(expected) == info.n_frames
    assert np.all(np.diff(times) > 0)
    np.testing.assert_allclose(times, expected, atol=1e-4)


def test_clip_facts_are_reported():
    info = probe(incoming("mhuang24_treadmill_side_portrait_60fps.mp4"))
    assert (info.width, info.height) == (1080, 1920)
    assert info.fps == pytest.approx(60.0)
    assert info.n_frames == 388
    assert info.duration_s == pytest.approx(6.47, abs=0.02)
    assert info.codec == "h264" and info.rotation == 0


def test_capture_fps_turns_slow_motion_playback_into_real_time():
    clip = incoming("zzzhushi_treadmill_side_portrait_30fps.mp4")
    # Pretend the 30 fps file was captured at 240 fps and stored for 30 fps playback.
    info = probe(clip, capture_fps=240)
    times = [t for i, t, _ in iter_frames(info) if i in (0, 240)]
    assert times[1] - times[0] == pytest.approx(1.0, abs=1e-3)
    assert info.duration_s == pytest.approx(12.0 / 8, abs=0.01)


@needs_ffmpeg
@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_metadata_is_honoured(tmp_path, rotation):
    clip = incoming("zzzhushi_treadmill_side_portrait_30fps.mp4")
    rotated = tmp_path / f"rot{rotation}.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(clip), "-frames:v", "1", "-c", "copy",
                    "-metadata:s:v:0", f"rotate={rotation}", str(rotated)], check=True)
    upright = next(iter_frames(probe(clip)))[2]
    info = probe(rotated)
    frame = next(iter_frames(info))[2]
    assert info.rotation == rotation
    # FFmpeg's rotation is counter-clockwise; the displayed frame turns by that much.
    np.testing.assert_array_equal(frame, np.rot90(upright, k=rotation // 90))
    assert (info.width, info.height) == frame.shape[1::-1]
