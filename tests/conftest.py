"""Shared fixtures: where the real clips are, the pose model (built once), and the test tiers.

Tiers (markers, see pyproject.toml): ``model`` tests run the pose model (or read a
track it made), ``shared`` tests read the real clips in ``../shared/videos``,
``browser`` tests drive headless Chromium.  Everything unmarked is a fast,
model-free unit test: ``pytest -m "not model and not shared and not browser"``.
The tiers are enforced, not trusted: an unmarked test that resolves the pose
model or asks for a shared clip fails, saying which mark it needs.

Without ``../shared/videos`` the ``shared`` tests skip, unless
``STRIDESCOPE_REQUIRE_SHARED=1`` (set by ``.ci/run``): then they fail, so CI
cannot pass by skipping the real-clip tests.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import pytest

pytest_plugins = ["tests.postgres"]  # the PostgreSQL server fixtures (database_url, postgres_server)

ROOT = Path(__file__).resolve().parents[1]
SHARED_VIDEOS = ROOT.parent / "shared" / "videos"
INCOMING = SHARED_VIDEOS / "incoming"
GROUNDTRUTH = SHARED_VIDEOS / "groundtruth"
SAMPLES = ROOT / "sample_videos"

# Fixtures that imply a tier, so tests using them need no mark of their own.
FIXTURE_TIERS = {"real_track": ("model", "shared"), "real_analysis": ("model", "shared"),
                 "model_bundle": ("model",),
                 "samples": ("model",),  # test_metrics_synthetic: the bundled samples through the model
                 "stored": ("model",)}  # test_app: an analysed sample in the store

# The running test, kept where both names this file is imported under ("conftest",
# "tests.conftest") see the same one.
_running = sys.modules.setdefault("stridescope_running_test", types.SimpleNamespace(item=None))


def _needs(tier: str, what: str) -> None:
    """Fail the running test if it is not marked with ``tier`` (it would hide in the fast tier)."""
    item = _running.item
    if item is not None and item.get_closest_marker(tier) is None:
        pytest.fail(f"{item.nodeid} uses {what} but is not marked @pytest.mark.{tier}", pytrace=False)


def _missing(why: str) -> None:
    if os.environ.get("STRIDESCOPE_REQUIRE_SHARED") == "1":
        pytest.fail(f"{why} (STRIDESCOPE_REQUIRE_SHARED=1: the real clips must be present)", pytrace=False)
    pytest.skip(why)


def incoming(name: str) -> Path:
    """A real clip from ``../shared/videos/incoming``; skips the test if the folder is absent."""
    _needs("shared", f"the shared clip {name}")
    path = INCOMING / name
    if not path.is_file():
        _missing(f"real clip {name} not available beside the repository")
    return path


def kept_transform(src: Path, name: str) -> Path:
    """The clip ``src`` under transform ``name`` of :data:`benchmarks.metamorphic.TRANSFORMS`, encoded once per
    machine (kept beside the pose tracks).

    The same frames do not always give the same bytes (see :func:`benchmarks.metamorphic.transform_clip`),
    and other bytes give other landmarks; kept, every session measures the same clip. The key holds the
    transforms' source.
    """
    import hashlib

    from benchmarks import metamorphic
    from vision.extract import file_sha256
    from vision.model import cache_dir

    version = hashlib.sha256(Path(metamorphic.__file__).read_bytes()).hexdigest()[:8]
    path = cache_dir() / "metamorphic" / f"{file_sha256(src)[:16]}.{version}.{name}.mp4"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        metamorphic.transform_clip(src, metamorphic.TRANSFORMS[name], path)
    return path


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, tiers in FIXTURE_TIERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                for tier in tiers:
                    item.add_marker(tier)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _running.item = item


def pytest_runtest_teardown(item):
    _running.item = None


def pytest_configure(config):
    """Guard the pose model: resolving it from an unmarked test fails that test."""
    import vision.extract
    import vision.model

    real = vision.model.resolve_model

    def resolve_model(*args, **kwargs):
        _needs("model", "the pose model")
        return real(*args, **kwargs)

    vision.model.resolve_model = vision.extract.resolve_model = resolve_model


@pytest.fixture
def count_calls(monkeypatch):
    """``count_calls(name, real, *(module, attribute))``: replace ``real`` by a counting wrapper
    wherever named; returns the dict of counts by ``name``."""
    counts: dict[str, int] = {}

    def count(name: str, real, *where: tuple[object, str]) -> dict[str, int]:
        counts[name] = 0

        def wrapper(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)

        for module, attribute in where:
            monkeypatch.setattr(module, attribute, wrapper)
        return counts

    return count


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

    _needs("shared", f"the labels of {clip_stem}")
    path = GROUNDTRUTH / f"{clip_stem}.events.csv"
    if not path.is_file():
        _missing(f"labels {path.name} not available beside the repository")
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


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where browser tests save their screenshots: ``$STRIDESCOPE_SCREENSHOTS`` or a temporary folder."""
    folder = Path(os.environ.get("STRIDESCOPE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
