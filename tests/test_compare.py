"""Before/after comparison: detectable change, direction, and the aligned side-by-side replay."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import GROUNDTRUTH, SAMPLES, incoming

pytestmark = [pytest.mark.model, pytest.mark.shared]

CLIP = "zzzhushi_treadmill_side_portrait_30fps.mp4"


@pytest.fixture(scope="session")
def real(tmp_path_factory):
    """The pipeline's analysis of the real clip, and the same clip with its hand-labelled events."""
    from reports_fixture import labelled_analysis

    from reports.report import AnalysisFiles
    from stridescope.pipeline import analyze_clip

    out = tmp_path_factory.mktemp("cmp")
    analyze_clip(incoming(CLIP), out)
    files = AnalysisFiles.load(out)
    labelled = labelled_analysis(GROUNDTRUTH / CLIP.replace(".mp4", ".events.csv"), files.gait, files.track)
    return files, labelled


def test_a_run_compared_with_itself_shows_no_change_beyond_the_detectable_change(real):
    from reports.compare import compare

    files, _ = real
    result = compare(files.analysis, files.analysis)
    assert result.changes
    assert result.detectable == []
    assert all(c.change == 0 for c in result.changes)


def test_a_change_larger_than_the_published_mdc_is_reported_with_its_direction():
    from metrics.analysis import Analysis, Metric, Reference
    from reports.compare import compare

    def run(knee: float) -> Analysis:
        ref = Reference(10, 25, "deg", "test")
        return Analysis(clip={}, view={}, events=[], strides=[],
                        metrics={"knee_flexion_at_contact_deg": Metric("knee_flexion_at_contact_deg", knee, "deg",
                                                                       "", reference=ref)})

    change, = compare(run(5.0), run(15.0)).changes
    assert change.detectable.value == 7.0  # Damsted 2015; no strides to derive one from
    assert change.exceeds_mdc and change.direction == "toward"
    small, = compare(run(12.0), run(16.0)).changes
    assert not small.exceeds_mdc and small.direction == "within"


def test_side_by_side_starts_both_clips_at_initial_contact_of_the_same_foot(real, tmp_path):
    from reports.sidebyside import align, write_side_by_side

    files, labelled = real
    plan = align(files.analysis, files.gait, labelled, files.gait)
    ic = {(e.foot, e.frame) for e in files.analysis.events if e.kind == "initial_contact"}
    ic_labelled = {(e.foot, e.frame) for e in labelled.events if e.kind == "initial_contact"}
    assert (plan.foot, int(plan.frames_a[0])) in ic
    assert (plan.foot, int(plan.frames_b[0])) in ic_labelled
    # Every aligned stride starts at that foot's contact in both clips: they step together.
    starts = [i for i in range(len(plan.stride)) if i == 0 or plan.stride[i] != plan.stride[i - 1]]
    assert len(starts) == plan.n_strides >= 5
    for i in starts:
        assert (plan.foot, int(plan.frames_a[i])) in ic and (plan.foot, int(plan.frames_b[i])) in ic_labelled

    video, short = write_side_by_side(files.analysis, files.gait, labelled, files.gait, tmp_path / "sbs.mp4",
                                      max_strides=2)
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames",
         "-of", "json", str(video.path)], capture_output=True, text=True, check=True).stdout)["streams"][0]
    assert probe["codec_name"] == "h264"
    assert int(probe["nb_read_frames"]) == len(short.frames_a) == video.frames


@pytest.mark.skipif(not (SAMPLES / "before_side.mp4").is_file(), reason="synthetic before/after samples not built")
def test_before_after_samples_show_the_injected_improvements(tmp_path):
    """Every change the synthetic runner was given beyond the detectable change is found, with its sign."""
    from reports.compare import compare
    from reports.report import AnalysisFiles
    from stridescope.pipeline import analyze_clip

    runs, truth = {}, {}
    for name in ("before_side", "after_side"):
        analyze_clip(SAMPLES / f"{name}.mp4", tmp_path / name)
        runs[name] = AnalysisFiles.load(tmp_path / name).analysis
        truth[name] = json.loads((SAMPLES / f"{name}.truth.json").read_text())["metrics"]
    result = compare(runs["before_side"], runs["after_side"])
    injected = [c for c in result.changes if c.name in truth["before_side"] and c.detectable.value
                and abs(truth["after_side"][c.name]["value"] - truth["before_side"][c.name]["value"])
                > 2 * c.detectable.value]
    assert injected, "the samples should differ in at least one measure by more than its detectable change"
    for c in injected:
        true_change = truth["after_side"][c.name]["value"] - truth["before_side"][c.name]["value"]
        assert c.exceeds_mdc, f"{c.name}: injected {true_change:+.1f} not detected ({c.sentence()})"
        assert (c.change > 0) == (true_change > 0), c.sentence()
