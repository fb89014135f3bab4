"""Shared fixtures: where the real clips are, and the pose model (built once)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_VIDEOS = ROOT.parent / "shared" / "videos"
INCOMING = SHARED_VIDEOS / "incoming"
GROUNDTRUTH = SHARED_VIDEOS / "groundtruth"
SAMPLES = ROOT / "sample_videos"


def incoming(name: str) -> Path:
    """A real clip from ``../shared/videos/incoming``; skips the test if the folder is absent."""
    path = INCOMING / name
    if not path.is_file():
        pytest.skip(f"real clip {name} not available beside the repository")
    return path


@pytest.fixture(scope="session")
def model_bundle():
    """The provisioned pose model (built from the mediapipe 0.10.21 wheel on first use)."""
    from vision.model import resolve_model

    return resolve_model()


@pytest.fixture(scope="session")
def real_track():
    """``real_track(name)``: the pose track of a real clip, computed at most once per session.

    Tracks are also cached on disk by clip content, so later sessions skip the model.
    """
    from vision.extract import pose_track

    tracks = {}

    def get(name: str, **options):
        key = (name, tuple(sorted(options.items())))
        if key not in tracks:
            tracks[key] = pose_track(incoming(name), **options)
        return tracks[key]

    return get
