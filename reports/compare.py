"""Comparing two analyses of one runner (before/after): what changed, which way, and whether it is real.

For every metric both analyses have: the change, whether the value moved
toward its reference range, and whether the change exceeds the minimal
detectable change (:mod:`reports.mdc`).  Nothing is re-measured.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.analysis import Analysis, Reference
from reports.labels import fmt, reference_text, title
from reports.mdc import DetectableChange, detectable_change


def distance_to_range(value: float, ref: Reference | None) -> float | None:
    """How far ``value`` lies outside the reference range (0 inside; None without a range).

    >>> distance_to_range(30, Reference(10, 25, "deg", ""))
    5
    """
    if ref is None or (ref.low is None and ref.high is None):
        return None
    if ref.low is not None and value < ref.low:
        return ref.low - value
    if ref.high is not None and value > ref.high:
        return value - ref.high
    return 0


@dataclass
class MetricChange:
    """One metric, before and after."""

    name: str
    unit: str
    before: float
    after: float
    reference: Reference | None
    detectable: DetectableChange

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def exceeds_mdc(self) -> bool | None:
        return None if self.detectable.value is None else abs(self.change) > self.detectable.value

    @property
    def direction(self) -> str:
        """"toward" / "away from" the reference range, "within" it both times, or "no reference"."""
        d0, d1 = distance_to_range(self.before, self.reference), distance_to_range(self.after, self.reference)
        if d0 is None:
            return "no reference"
        if d0 == 0 and d1 == 0:
            return "within"
        if d1 < d0:
            return "toward"
        return "away from" if d1 > d0 else "unchanged"

    def sentence(self) -> str:
        """The change said in numbers, e.g. for the top of a comparison report."""
        ref = reference_text(self.reference)
        where = {"toward": f"toward the reference ({ref})", "away from": f"away from the reference ({ref})",
                 "within": f"within the reference ({ref}) both times", "unchanged": "no closer to the reference",
                 "no reference": "no reference range"}[self.direction]
        if self.exceeds_mdc is None:
            real = "no detectable-change threshold available"
        elif self.exceeds_mdc:
            real = f"larger than the detectable change ({fmt(self.detectable.value, self.unit)})"
        else:
            real = f"within measurement noise (detectable change {fmt(self.detectable.value, self.unit)})"
        return (f"{title(self.name)}: {fmt(self.before, self.unit)} → {fmt(self.after, self.unit)} "
                f"({fmt(self.change, self.unit, signed=True)}), {where}; {real}.")


@dataclass
class Comparison:
    before_label: str
    after_label: str
    before: Analysis
    after: Analysis
    changes: list[MetricChange]

    @property
    def detectable(self) -> list[MetricChange]:
        """Changes larger than their detectable change, largest relative change first."""
        real = [c for c in self.changes if c.exceeds_mdc]
        return sorted(real, key=lambda c: -abs(c.change) / (c.detectable.value or 1))


def compare(before: Analysis, after: Analysis, before_label: str = "before",
            after_label: str = "after") -> Comparison:
    """Compare every metric measured in both analyses."""
    changes = []
    for name, mb in before.metrics.items():
        ma = after.metrics.get(name)
        if ma is None or mb.value is None or ma.value is None:
            continue
        changes.append(MetricChange(name, mb.unit, mb.value, ma.value, mb.reference or ma.reference,
                                    detectable_change(name, before, after)))
    return Comparison(before_label, after_label, before, after, changes)
