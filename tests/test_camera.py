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


def _track_cached_before_background_speed(tmp_path, monkeypatch, bundle):
    """A panning clip (3 px a frame) and its cache entry as written before the background speed was measured."""
    from vision.extract import track_cache_path
    from vision.model import CACHE_ENV
    from vision.track import PoseTrack

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    info, xy = drawn_clip(tmp_path / "pan.mp4", 3)
    track = PoseTrack.empty(FRAMES, (WIDTH, HEIGHT), source=info.to_dict(), model=bundle.identity,
                            options={"capture_fps": info.capture_fps}, people={"candidates": [{"seen_s": 1.3}]})
    track.image_xy[:], track.time_s = xy, np.arange(FRAMES) / FPS
    cached = track_cache_path(info, bundle)
    cached.parent.mkdir(parents=True)
    return info, track.save(cached)


@pytest.mark.model
def test_a_track_cached_before_the_background_speed_gets_it_written_back(tmp_path, monkeypatch, model_bundle,
                                                                         count_calls):
    """The first read measures the background speed (90 px/s within 10 %) and writes it into the cache entry,
    everything else stored kept exactly; the second read measures nothing."""
    import vision.extract
    from vision.npz import read_npz

    info, cached = _track_cached_before_background_speed(tmp_path, monkeypatch, model_bundle)
    before_meta, before_arrays = read_npz(cached)
    calls = count_calls("measured", background_speed, (vision.extract, "background_speed"))
    first = vision.extract.pose_track(info.path, model=model_bundle.path, workers=1)
    assert first.source["background_px_s"] == pytest.approx(3 * FPS, rel=0.1)
    meta, arrays = read_npz(cached)
    assert meta["source"].pop("background_px_frame") == pytest.approx(3, rel=0.1)
    assert meta["source"].pop("camera_roll") == first.source["camera_roll"]
    assert meta == before_meta
    assert arrays.keys() == before_arrays.keys()
    for name, values in arrays.items():
        assert values.dtype == before_arrays[name].dtype
        np.testing.assert_array_equal(values, before_arrays[name])
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no partial file left beside it
    again = vision.extract.pose_track(info.path, model=model_bundle.path, workers=1)
    assert calls["measured"] == 1
    assert again.source["background_px_s"] == first.source["background_px_s"]


@pytest.mark.model
def test_a_write_back_that_fails_halfway_leaves_the_cache_entry_as_it_was(tmp_path, monkeypatch, model_bundle):
    """The disk fills while the entry is rewritten: the old entry stays byte for byte, no partial file is
    left, and the analysis still gets the speed it measured."""
    import vision.extract
    import vision.npz

    info, cached = _track_cached_before_background_speed(tmp_path, monkeypatch, model_bundle)
    stored = cached.read_bytes()

    def disk_full(f, **arrays):
        f.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(vision.npz.np, "savez_compressed", disk_full)
    track = vision.extract.pose_track(info.path, model=model_bundle.path, workers=1)
    assert track.source["background_px_s"] == pytest.approx(3 * FPS, rel=0.1)
    assert cached.read_bytes() == stored
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]
