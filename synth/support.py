"""Whether a synthetic runner's ground truth supports a finding: the rule the validation counts false findings by.

A finding is a clinical claim about the runner, so it is judged against the
runner's true values (``truth["metrics"]``, ``truth["strides"]``), never
against what the clip showed:

* a finding that a measure lies outside its reference band (alone, or as a
  part of a combined pattern) is supported when the TRUE value lies beyond
  that band's limit on the side the finding states;
* a left/right finding is supported when the TRUE symmetry index has the
  same sign and is at least :data:`metrics.findings.MIN_ASYMMETRY_PCT`;
* a change-over-the-clip finding is supported when the TRUE change (Theil-Sen
  trend of the true strides over the clip) has the same sign and is at least
  the measure's clinically meaningful change (:meth:`MetricSpec.meaningful_change`).

A finding on a measure the truth does not define is "unverifiable" (counted
apart, never as supported).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import theilslopes

from metrics.analysis import Analysis, Finding
from metrics.findings import MIN_ASYMMETRY_PCT, PATTERNS
from metrics.registry import spec
from metrics.summary import symmetry_index

Verdict = Literal["supported", "unsupported", "unverifiable"]


@dataclass(frozen=True)
class Judged:
    """One finding with the truth's verdict and why."""

    id: str
    verdict: Verdict
    why: str


def beyond_band(value: float, low: float | None, high: float | None, when: str) -> bool:
    """Whether ``value`` lies beyond the band's limit on the ``when`` ("above"/"below") side.

    >>> beyond_band(16.0, None, 15.0, "above"), beyond_band(14.0, None, 15.0, "above")
    (True, False)
    """
    limit = high if when == "above" else low
    if limit is None:
        return False
    return value > limit if when == "above" else value < limit


def true_change(truth: dict, name: str) -> float | None:
    """The true trend of a measure over the clip (Theil-Sen slope x clip length), each foot's median removed."""
    rows = [(s["start_s"], s["foot"], s["values"][name]) for s in truth.get("strides", []) if name in s["values"]]
    if len(rows) < 4:
        return None
    t = np.array([r[0] for r in rows])
    feet = np.array([r[1] for r in rows])
    v = np.array([r[2] for r in rows], float)
    for foot in set(feet):
        v[feet == foot] -= np.median(v[feet == foot])
    return float(theilslopes(v, t)[0] * truth["render"]["duration_s"])


def _band_part(analysis: Analysis, truth: dict, name: str, when: str) -> tuple[Verdict, str]:
    m, true = analysis.metrics.get(name), truth["metrics"].get(name)
    if m is None or m.reference is None:
        return "unverifiable", f"{name}: no reference band"
    if true is None:
        return "unverifiable", f"{name}: the truth does not define it"
    ok = beyond_band(true["value"], m.reference.low, m.reference.high, when)
    band = f"{m.reference.low}..{m.reference.high}"
    return ("supported" if ok else "unsupported"), f"{name} {when} {band}: true {true['value']:.2f}, clip {m.value:.2f}"


def _direction(analysis: Analysis, name: str) -> str:
    """The side of its band a single-measure finding states (the clip value lies outside on that side)."""
    m = analysis.metrics[name]
    return "above" if m.reference.high is not None and m.value > m.reference.high else "below"


def judge(finding: Finding, analysis: Analysis, truth: dict) -> Judged:
    """The truth's verdict on one finding of ``analysis`` (see the module's rules)."""
    name = finding.metrics[0]
    patterns = {p.id: p for p in PATTERNS}
    if finding.id in patterns:
        parts = [_band_part(analysis, truth, n, part.when)
                 for n, part in zip(finding.metrics, patterns[finding.id].parts)]
        verdicts = {v for v, _ in parts}
        verdict = ("unsupported" if "unsupported" in verdicts else
                   "unverifiable" if "unverifiable" in verdicts else "supported")
        return Judged(finding.id, verdict, "; ".join(w for _, w in parts))
    if finding.id == f"{name}_asymmetry":
        true, m = truth["metrics"].get(name), analysis.metrics[name]
        if true is None:
            return Judged(finding.id, "unverifiable", f"{name}: the truth does not define it")
        si = symmetry_index(true["left"], true["right"])
        ok = si is not None and abs(si) >= MIN_ASYMMETRY_PCT and np.sign(si) == np.sign(m.symmetry_index_pct)
        return Judged(finding.id, "supported" if ok else "unsupported",
                      f"true SI {si:+.1f}%, clip {m.symmetry_index_pct:+.1f}% (threshold {MIN_ASYMMETRY_PCT:g}%)")
    if finding.id in (f"{name}_growing", f"{name}_drift"):
        change, m = true_change(truth, name), analysis.metrics[name]
        if change is None:
            return Judged(finding.id, "unverifiable", f"{name}: the truth does not define it")
        meaningful = spec(name).meaningful_change()
        ok = abs(change) >= meaningful and np.sign(change) == np.sign(m.drift["change"])
        return Judged(finding.id, "supported" if ok else "unsupported",
                      f"true change {change:+.2f}, clip {m.drift['change']:+.2f} (meaningful {meaningful:g})")
    verdict, why = _band_part(analysis, truth, name, _direction(analysis, name))
    return Judged(finding.id, verdict, why)


def judge_all(analysis: Analysis, truth: dict) -> list[Judged]:
    """The truth's verdict on every finding of ``analysis``."""
    return [judge(f, analysis, truth) for f in analysis.findings]
