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


# Real clips with hand-labelled gait events (see ../shared/videos/groundtruth/LABELS.md).
LABELLED_CLIPS = ("zzzhushi_treadmill_side_portrait_30fps", "mhuang24_treadmill_side_portrait_60fps")


def event_labels(clip_stem: str):
    """The hand-labelled events of a real clip; skips the test if the labels are absent."""
    from metrics.validation import read_event_labels

    path = GROUNDTRUTH / f"{clip_stem}.events.csv"
    if not path.is_file():
        pytest.skip(f"labels {path.name} not available beside the repository")
    return read_event_labels(path)


@pytest.fixture(scope="session")
def real_analysis(real_track):
    """``real_analysis(name)``: :func:`metrics.measure.analyze_track` of a real clip, once per session."""
    from metrics.measure import analyze_track

    analyses = {}

    def get(name: str):
        if name not in analyses:
            analyses[name] = analyze_track(real_track(name))
        return analyses[name]

    return get
