"""Findings: plain-language statements a therapist can read aloud, and what this clip cannot support.

Each finding says what was measured, the reference it was compared with and
its source.  They describe movement; they never diagnose.  A finding is a
clinical claim, so it is stated only when

* its measure has at least medium confidence,
* in a side view, a measure of each stride's own leg holds on the near leg alone
  (:attr:`metrics.analysis.Metric.near_side`; the far leg, partly hidden, cannot
  carry a finding by itself), and
* the deviation from the reference band (or the left/right difference, or the
  change over the clip beyond the smallest change that matters,
  :meth:`~metrics.spec.MetricSpec.meaningful_change`) exceeds the measure's own uncertainty on this clip
  (:attr:`metrics.analysis.Metric.uncertainty`, see :mod:`metrics.summary`), which covers how differently
  the value (or the change) reads when the same run is filmed a little differently.

Otherwise a :class:`~metrics.analysis.NotAssessable` says what was seen and
why it is not stated.  The single-measure rules are data on each measure's
:class:`~metrics.spec.MetricSpec`; the patterns combining measures are data
here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from metrics.accuracy import unseen_change
from metrics.analysis import Confidence, Finding, Metric, NotAssessable, QualityNote
from metrics.registry import SPECS, spec
from metrics.spec import words
from metrics.trend import filming_note, unconfirmed_by_definition

UNKNOWN_UNCERTAINTY = "too few strides to know its uncertainty on this clip"
MIN_ASYMMETRY_PCT = 10.0  # a symmetry index below this is not worth a finding, however certain
Direction = Literal["above", "below"]


@dataclass(frozen=True)
class Part:
    """One measure's condition in a pattern; the first of ``names`` that is outside its band is used."""

    names: tuple[str, ...]
    when: Direction


@dataclass(frozen=True)
class Pattern:
    """Measures that often go together, stated as one finding when every part holds.

    ``text`` is formatted with one :class:`Said` per part (``{0.what}``, ``{1.value}``...).
    """

    id: str
    parts: tuple[Part, ...]
    text: str
    severity: Literal["info", "notice", "flag"] = "flag"


PATTERNS = (
    Pattern(
        "overstride_heel_strike_low_cadence",
        (Part(("overstride_cm", "overstride_pct_leg", "shank_angle_at_contact_deg"), "above"),
         Part(("foot_strike_angle_deg",), "above"), Part(("cadence_spm",), "below")),
        "The heel lands well ahead of the body ({0.what} {0.value}, working band {0.band}), heel first "
        "(foot-strike angle {1.value}; rearfoot above {1.limit}) and at a low step rate ({2.value}; typical "
        "{2.band}). These three often appear together; a 5-10% higher step rate usually shortens the reach."),
    Pattern(
        "forward_lean_little_hip_extension",
        (Part(("trunk_lean_deg",), "above"), Part(("hip_extension_deg",), "below")),
        "The trunk leans forward {0.value} (typical {0.band}) while the thigh reaches only {1.value} of extension "
        "relative to the trunk around toe-off (typical {1.band}): the forward lean may be making up for little "
        "hip extension."),
)


@dataclass(frozen=True)
class Said:
    """A metric as findings word it.

    >>> from metrics.analysis import Reference
    >>> s = Said(Metric("overstride_cm", 21.0, "cm", "", left=20.0, right=22.5,
    ...                 reference=Reference(None, 15.0, "cm", "Wille 2014")), "above")
    >>> s.what, s.value, s.band, s.limit
    ('overstride', '21.0 cm (left 20.0, right 22.5)', 'up to 15 cm', '15 cm')
    """

    m: Metric
    where: Direction | None = None

    @property
    def What(self) -> str:  # noqa: N802 - the capitalised form, for the start of a sentence
        s = spec(self.m.name)
        return s.title if s else words(self.m.name)

    @property
    def what(self) -> str:
        return self.What.lower()

    @property
    def value(self) -> str:
        m = self.m
        text = f"{m.value:.1f} {m.unit}"
        if m.left is not None and m.right is not None:
            text += f" (left {m.left:.1f}, right {m.right:.1f})"
        return text

    @property
    def band(self) -> str:
        r = self.m.reference
        if r.low is not None and r.high is not None:
            return f"{r.low:g}-{r.high:g} {r.unit}"
        return f"up to {r.high:g} {r.unit}" if r.high is not None else f"from {r.low:g} {r.unit}"

    @property
    def limit(self) -> str:
        r = self.m.reference
        return f"{r.high if self.where == 'above' else r.low:g} {r.unit}"


def beyond(m: Metric, when: Direction) -> float | None:
    """How far the value lies outside its band on the ``when`` side (<= 0 inside), None without that limit.

    >>> from metrics.analysis import Reference
    >>> beyond(Metric("x", 20.0, "cm", "", reference=Reference(None, 15.0, "cm", "")), "above")
    5.0
    """
    r = m.reference
    if m.value is None or r is None:
        return None
    if when == "above":
        return None if r.high is None else m.value - r.high
    return None if r.low is None else r.low - m.value


def unconfident(m: Metric) -> str | None:
    """Why the metric's confidence is too low for a finding, or None when it is at least medium."""
    c = m.confidence
    if c is None or c.level != "low":
        return None
    return "confidence is low on this clip (" + ("; ".join(c.reasons) or "no reason recorded") + ")"


def distrusted(metrics: dict[str, Metric], quality: list[QualityNote]) -> dict[str, Metric]:
    """The metrics with a capture error's reason made their confidence: a capture error voids what it affects."""
    out = dict(metrics)
    for note in quality:
        if note.severity != "error":
            continue
        for name in note.affects:
            if name in out:
                m = out[name]
                reason = f"the capture check says: {note.message}"
                if m.confidence and reason in m.confidence.reasons:
                    continue  # already distrusted for it
                reasons = (m.confidence.reasons if m.confidence else []) + [reason]
                out[name] = replace(m, confidence=Confidence("low", 0.0, reasons))
    return out


def far_leg_only(drift: dict) -> str | None:
    """Why a change seen over both legs' strides is not stated when the near leg's own strides do not show it
    (:func:`metrics.trend.drift`), or None."""
    if not drift.get("far_leg_only"):
        return None
    near = drift["near"]
    far = "right" if near == "left" else "left"
    own = "" if drift["near_change"] is None else (
        f" ({drift['near_change']:+.1f} over the clip, one-sided p {drift['near_p_value']:.2f})")
    return (f"the change shows only with the {far} leg's strides: the near ({near}) leg's own strides do not confirm "
            f"it{own}, and the far leg, partly hidden behind the near one, cannot carry a finding alone")


def check(m: Metric | None, when: Direction) -> tuple[bool, str | None]:
    """(outside the band at face value, why it cannot be stated — None when it can).

    The uncertainty covers how differently the value reads when the same run is filmed a little differently
    (:func:`metrics.accuracy.value_floor`), and a decline within it says so: such a value may lie inside the band.
    """
    if m is None:
        return False, None
    excess = beyond(m, when)
    if excess is None or excess <= 0:
        return False, None
    if reason := unconfident(m):
        return True, reason
    if m.uncertainty is None:
        return True, UNKNOWN_UNCERTAINTY
    within = f"within this clip's uncertainty of +/-{m.uncertainty:.1f} {m.unit}{filming_note(m.name, m.unit, 'value')}"
    if excess <= m.uncertainty:
        return True, f"it is {excess:.1f} {m.unit} {when} the band, {within}: it may lie inside the band"
    near = m.left if m.near_side == "left" else m.right if m.near_side == "right" else None
    if near is not None and (own := beyond(replace(m, value=near), when)) <= m.uncertainty:
        where = f"{own:.1f} {m.unit} {when} the band, {within}" if own > 0 else "inside the band"
        return True, (f"the near ({m.near_side}) leg's own value, {near:.1f} {m.unit}, is {where}: the far leg, "
                      f"partly hidden behind the near one, cannot carry a finding alone")
    return True, None


def _worst(per_stride: dict[str, list], name: str, largest: bool = True) -> int | None:
    values = [(v, i) for i, v in enumerate(per_stride.get(name, [])) if v is not None]
    if not values:
        return None
    return (max(values) if largest else min(values))[1]


def _sources(*metrics: Metric) -> list[str]:
    return sorted({m.reference.source for m in metrics if m.reference and m.reference.source})


class _Assessment:
    """Findings and not-assessable notes as they are collected (each id once)."""

    def __init__(self, metrics: dict[str, Metric], per_stride: dict[str, list]) -> None:
        self.metrics, self.per_stride = metrics, per_stride
        self.findings: list[Finding] = []
        self.not_assessable: list[NotAssessable] = []
        self.used: set[str] = set()

    def ids(self) -> set[str]:
        return {f.id for f in self.findings} | {n.id for n in self.not_assessable}

    def state(self, finding: Finding) -> None:
        if finding.id not in self.ids():
            self.findings.append(finding)
            self.used |= set(finding.metrics)

    def decline(self, id_: str, names: list[str], seen: str, reason: str) -> None:
        if id_ not in self.ids():
            self.not_assessable.append(NotAssessable(id_, names, seen, reason))

    def pattern(self, p: Pattern) -> None:
        chosen, reasons = [], []
        for part in p.parts:
            for name in part.names:
                outside, reason = check(self.metrics.get(name), part.when)
                if outside:
                    chosen.append(self.metrics[name])
                    if reason:
                        reasons.append(f"{Said(self.metrics[name]).what}: {reason}")
                    break
            else:
                return
        text = p.text.format(*(Said(m, part.when) for m, part in zip(chosen, p.parts)))
        names = [m.name for m in chosen]
        if reasons:
            self.decline(p.id, names, text, "; ".join(reasons))
        else:
            self.state(Finding(p.id, text, names, p.severity, _worst(self.per_stride, names[0]), _sources(*chosen)))

    def rules(self) -> None:
        for s in SPECS:
            m = self.metrics.get(s.name)
            if m is None or s.name in self.used:
                continue
            for rule in s.rules:
                outside, reason = check(m, rule.when)
                if not outside:
                    continue
                said = Said(m, rule.when)
                text = rule.text.format(What=said.What, what=said.what, value=said.value, band=said.band,
                                        limit=said.limit, where=rule.when)
                id_ = rule.id or s.name
                if reason:
                    self.decline(id_, [s.name], text, reason)
                else:
                    self.state(Finding(id_, text, [s.name], rule.severity,
                                       _worst(self.per_stride, s.name, rule.when == "above"), _sources(m)))

    def change(self, name: str, growing_words: str) -> None:
        """A drift over the clip: a flag when a measure with ``growing_words`` grows, otherwise a note."""
        m = self.metrics[name]
        d = m.drift
        if not d or name in self.used:
            return
        if not (d["significant"] or d.get("far_leg_only")):
            # Silence would read as "no change": say so where the measure hardly sees a change.
            if blind := unseen_change(name):
                id_ = f"{name}_growing" if growing_words else f"{name}_drift"
                what = growing_words or Said(m).what
                self.decline(id_, [name], f"Whether the {what} changes over the clip cannot be judged.", blind)
            return
        # Like a value and its reference band: the change must pass the smallest change that matters (a
        # steady runner's band) by more than this clip's uncertainty of a change.
        u, meaningful = m.change_uncertainty, spec(name).meaningful_change() if spec(name) else 0.0
        drifts = {n: x.drift for n, x in self.metrics.items()}
        doubt = far_leg_only(d) or unconfirmed_by_definition(name, d["change"], drifts)
        reason = doubt or unconfident(m) or (UNKNOWN_UNCERTAINTY if u is None else (
            f"the change of {abs(d['change']):.1f} {m.unit} is within the smallest change that matters "
            f"({meaningful:g} {m.unit}) plus this clip's uncertainty of +/-{u:.1f} {m.unit} for a change over the clip"
            f"{filming_note(name, m.unit)}" if abs(d["change"]) - meaningful <= u else None))
        if growing_words and d["change"] > 0:
            id_ = f"{name}_growing"
            text = (f"The {growing_words} grows late in the clip: {d['early']:.1f} {m.unit} in the first third, "
                    f"{d['late']:.1f} {m.unit} in the last third, more than the stride-to-stride spread "
                    f"({d['spread']:.1f} {m.unit}).")
            if m.reference and m.reference.high is not None:
                text += f" Reference: up to {m.reference.high:g} {m.unit} ({m.reference.source})."
            finding = Finding(id_, text, [name], "flag", _worst(self.per_stride, name), _sources(m))
        else:
            id_ = f"{name}_drift"
            text = (f"{Said(m).What} changed from {d['early']:.1f} to {d['late']:.1f} {m.unit} between the first "
                    f"and last third of the clip, more than the stride-to-stride spread ({d['spread']:.1f}).")
            finding = Finding(id_, text, [name], "info")
        if reason:
            self.decline(id_, [name], text, reason)
        else:
            self.state(finding)

    def asymmetry(self, name: str) -> None:
        m = self.metrics[name]
        si = m.symmetry_index_pct
        if si is None or abs(si) < MIN_ASYMMETRY_PCT:
            return
        side = "right" if si > 0 else "left"
        text = (f"{Said(m).What} differs between sides: left {m.left:.1f}, right {m.right:.1f} {m.unit} "
                f"(symmetry index {si:+.0f}%, {side} larger).")
        u = m.side_difference_uncertainty
        reason = m.side_comparison_caveat or unconfident(m) or (UNKNOWN_UNCERTAINTY if u is None else (
            f"the difference of {abs(m.side_difference):.1f} {m.unit} is within this clip's uncertainty of "
            f"+/-{u:.1f} {m.unit}" if abs(m.side_difference) <= u else None))
        if reason:
            self.decline(f"{name}_asymmetry", [name], text, reason)
        else:
            self.state(Finding(f"{name}_asymmetry", text, [name], "info"))


def assess(metrics: dict[str, Metric], per_stride: dict[str, list],
           quality: list[QualityNote] = ()) -> tuple[list[Finding], list[NotAssessable]]:
    """All findings for a clip (the combined patterns first) and what looked like one but cannot be stated.

    A capture error (``quality``, severity "error") makes every measure it affects not assessable.
    """
    metrics = distrusted(metrics, quality)
    a = _Assessment(metrics, per_stride)
    for p in PATTERNS:
        a.pattern(p)
    for s in SPECS:
        if s.growing and s.name in metrics:
            a.change(s.name, s.growing)
    a.rules()
    for s in SPECS:
        if s.name in metrics and s.ratio_scale and s.asymmetry_finding:
            a.asymmetry(s.name)
    for s in SPECS:
        if s.name in metrics and not s.growing:
            a.change(s.name, "")
    return a.findings, a.not_assessable

