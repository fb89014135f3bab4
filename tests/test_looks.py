"""Findings against the synthetic runners' truth: the rule the validation counts false findings by, and a
small slice of ``benchmarks/validate_synth.py``'s varied-look runners through the real pose model.

The slice is rendered once and cached by its parameters (~/.cache/stridescope/synth); the pose model runs
once per clip (its tracks are cached by clip).  The benchmark prints the same figures over all its runs.
"""

from __future__ import annotations

import pytest

from metrics.analysis import Analysis, Finding, Metric, Reference
from synth.support import judge, true_change


def analysis(metrics: list[Metric], findings: list[Finding]) -> Analysis:
    return Analysis({}, {"kind": "rear"}, [], [], {m.name: m for m in metrics}, findings)


def truth_of(**values: tuple[float, float, float]) -> dict:
    """A truth with each measure's (value, left, right)."""
    return {"metrics": {name: {"value": v, "left": left, "right": right} for name, (v, left, right) in values.items()}}


BAND = Reference(None, 15.0, "cm", "Wille 2014")


# --- the rule ----------------------------------------------------------------------------------------------------
def test_a_band_finding_is_supported_only_when_the_true_value_is_beyond_the_band_on_its_side():
    found = Finding("overstride", "", ["overstride_cm"])
    clip = analysis([Metric("overstride_cm", 19.0, "cm", "", reference=BAND)], [found])
    assert judge(found, clip, truth_of(overstride_cm=(16.0, 16.0, 16.0))).verdict == "supported"
    verdict = judge(found, clip, truth_of(overstride_cm=(12.0, 12.0, 12.0)))
    assert verdict.verdict == "unsupported" and "true 12.00, clip 19.00" in verdict.why


def test_a_left_right_finding_is_supported_only_by_a_true_difference_of_that_side_and_size():
    found = Finding("step_time_ms_asymmetry", "", ["step_time_ms"])
    clip = analysis([Metric("step_time_ms", 340.0, "ms", "", left=300.0, right=380.0, symmetry_index_pct=23.5)],
                    [found])
    assert judge(found, clip, truth_of(step_time_ms=(340.0, 310.0, 370.0))).verdict == "supported"
    assert judge(found, clip, truth_of(step_time_ms=(340.0, 330.0, 350.0))).verdict == "unsupported"  # SI 5.9 %
    assert judge(found, clip, truth_of(step_time_ms=(340.0, 370.0, 310.0))).verdict == "unsupported"  # other side


def test_a_change_finding_is_supported_by_a_true_trend_of_that_sign_at_least_the_meaningful_change():
    found = Finding("trunk_lean_deg_drift", "", ["trunk_lean_deg"])
    clip = analysis([Metric("trunk_lean_deg", 7.0, "deg", "", drift={"change": 5.0})], [found])

    def truth(end: float) -> dict:  # 20 strides, lean rising linearly from 4 deg to ``end`` over an 8 s clip
        strides = [{"start_s": 0.4 * k, "foot": "lr"[k % 2], "values": {"trunk_lean_deg": 4 + (end - 4) * k / 20}}
                   for k in range(20)]
        return {"strides": strides, "render": {"duration_s": 8.0}, "metrics": {"trunk_lean_deg": {}}}

    assert true_change(truth(10.0), "trunk_lean_deg") == pytest.approx(6.0)
    assert judge(found, clip, truth(10.0)).verdict == "supported"
    assert judge(found, clip, truth(5.0)).verdict == "unsupported"  # 1 deg: below the 2 deg that matters
    assert judge(found, clip, truth(-2.0)).verdict == "unsupported"  # the other way


def test_a_finding_on_a_measure_without_truth_is_unverifiable_never_supported():
    found = Finding("overstride", "", ["overstride_cm"])
    clip = analysis([Metric("overstride_cm", 19.0, "cm", "", reference=BAND)], [found])
    assert judge(found, clip, truth_of()).verdict == "unverifiable"


# --- a slice of the varied-look runners (the real pose model) ---------------------------------------------------
# Checking runs (not among the plain looks that set metrics/accuracy.json's error floors), each of which stated
# a false finding before its root cause was fixed: rear-122-drift, a rear view whose left initial contacts are
# found later than its right ones (a steady false step-time asymmetry, SI -19 %, now within the measured error
# of a right-minus-left difference); side-141-asym, a 30 fps portrait clip whose vertical oscillation fell
# 1.9 cm over the clip against 0.6 cm true (a change now needs to pass the 1.5 cm that matters by its
# uncertainty).  side-101: a rearfoot striker with supported findings; side-100: a midfoot striker read as
# rearfoot until the foot strike's flat reference moved from the middle third of the detected stance to where
# the hips pass over the foot.
SLICE = ("rear-122-drift", "side-141-asym", "side-101", "side-100")


@pytest.fixture(scope="session")
def slice_runs():
    """``{run name: measure_run result}`` of the slice (renders on first use, 0.5-2 min each)."""
    from synth.evaluate import measure_run
    from synth.runs import runs

    return {r.name: measure_run(r) for r in runs(n_looks=2, n_drift=3, n_asymmetric=2) if r.name in SLICE}


def _strike(r: dict) -> tuple[str, str | None]:
    from metrics.foot_strike import strike_pattern

    return strike_pattern(r["truth"]["foot_strike_angle_deg"]), strike_pattern(r["values"].get("foot_strike_angle_deg"))


@pytest.mark.model
@pytest.mark.parametrize("name", SLICE)
def test_no_finding_the_truth_does_not_support(slice_runs, name):
    r = slice_runs[name]
    # Analysed with the runner's height and belt speed, and with neither (as most app users do).
    assert [(j.id, j.why) for j in r["findings"] + r["findings_unscaled"] if j.verdict != "supported"] == []


# Measured 2026-11-30 (clip / true deg): side-101 11.0 / 15.0, side-100 5.5 / 3.4 (9.4 with the mid-stance
# reference), side-141-asym 7.3 / 2.3.  Over the 13 side runners of benchmarks/validate_synth.py the class is
# right in 9: three misses are 9 deg strikes (1 deg above the band edge) read 5.7-7.9 deg, and side-120-drift
# reads 16.0 for 3.1.
@pytest.mark.model
@pytest.mark.parametrize("name", ["side-101", "side-100", "side-141-asym"])
def test_foot_strike_class_is_right(slice_runs, name):
    true, clip = _strike(slice_runs[name])
    assert clip == true


@pytest.mark.model
@pytest.mark.parametrize("name", ["side-101", pytest.param("side-100", marks=pytest.mark.xfail(strict=True, reason=(
    "measured +10.6 %: its toe-offs are found 0.8 frames early but its initial contacts 2.0 frames early (it read "
    "+6.7 % while toe-off was 1.6 frames early too and the two errors cancelled); metrics/events.py")))])
def test_contact_time_within_ten_percent(slice_runs, name):
    r = slice_runs[name]
    true, clip = r["truth"]["ground_contact_time_ms"], r["values"]["ground_contact_time_ms"]
    assert abs(clip - true) <= 0.1 * true
