"""``analyze_clip``: one clip in, its files out, each piece of work done once."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

pytestmark = pytest.mark.model  # the bundled sample goes through the pose model (cached by content)


def test_an_analysis_hashes_the_clip_once_writes_each_file_once_and_returns_its_gait(tmp_path, count_calls):
    import metrics.analysis
    import vision.extract
    from metrics.gait import Gait
    from stridescope.pipeline import analyze_clip

    clip = SAMPLES / "runner_side.mp4"
    sha = vision.extract.file_sha256(clip)
    count_calls("hash", vision.extract.file_sha256, (vision.extract, "file_sha256"))
    calls = count_calls("analysis.json", metrics.analysis.Analysis.save, (metrics.analysis.Analysis, "save"))
    gait, analysis = analyze_clip(clip, tmp_path, treadmill_speed_kmh=10, clip_sha256=sha,
                                  recorded_path="/store/ab/abcdef")
    assert calls == {"hash": 0, "analysis.json": 1}
    assert analysis.clip["sha256"] == sha and analysis.clip["path"] == "/store/ab/abcdef"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis.json", "gait.npz", "pose.npz", "strides.csv"]
    saved = Gait.load(tmp_path / "gait.npz")
    assert saved.contacts == gait.contacts and saved.view == gait.view
    assert len(analysis.strides) == len(gait.strides)
