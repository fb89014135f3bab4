"""The analysis of one clip: the data behind ``analysis.json``.

``analysis.json`` is a public interface (other tools read it): fields may be
added, never renamed or removed.  Everything is plain JSON types; times are
in seconds of real (capture) time, frames are 0-based decode indices.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

SCHEMA_VERSION = 1

Foot = Literal["left", "right"]
EventKind = Literal["initial_contact", "toe_off"]


@dataclass
class GaitEvent:
    """One initial contact or toe-off of one foot."""

    foot: Foot
    kind: EventKind
    frame: int
    time_s: float
    source: str = "detected"  # "detected" | "interpolated" (bridged by the gait-cycle prior) | "user"


@dataclass
class Reference:
    """A reference range for a metric, with where it comes from."""

    low: float | None
    high: float | None
    unit: str
    source: str  # short citation, e.g. "Heiderscheit et al. 2011, MSSE 43(2)"
    note: str = ""


@dataclass
class Confidence:
    """How far to trust a metric: a level a person reads and the reasons behind it."""

    level: Literal["high", "medium", "low"]
    score: float  # 0..1
    reasons: list[str] = field(default_factory=list)


@dataclass
class Metric:
    """One measure summarised over the clip.

    ``value`` is the median over strides (both sides; in a side view the near leg's alone when the far leg
    misreads the measure, :attr:`metrics.spec.MetricSpec.near_leg_tolerance`), ``left``/``right`` the
    per-side medians (None when the measure has no side or the side was not
    seen), ``spread`` the inter-quartile range over strides.
    """

    name: str
    value: float | None
    unit: str
    definition: str
    left: float | None = None
    right: float | None = None
    spread: float | None = None
    n_strides: int = 0
    reference: Reference | None = None
    confidence: Confidence | None = None
    symmetry_index_pct: float | None = None
    drift: dict | None = None  # {"early": x, "late": y, "change": d, "significant": bool}
    side_difference: float | None = None  # right - left, in the metric's unit
    uncertainty: float | None = None  # 95% uncertainty of ``value`` on this clip, in its unit
    side_difference_uncertainty: float | None = None  # 95% uncertainty of ``side_difference``
    side_comparison_caveat: str | None = None  # why left and right cannot be compared here (None: they can)
    change_uncertainty: float | None = None  # 95% uncertainty of a change between the clip's first and last third
    # Side view, a measure of each stride's own leg: the near leg, whose value a finding must hold on too (the far
    # leg is partly hidden and cannot carry a finding alone); None otherwise.
    near_side: str | None = None
    # The named class the value states within its uncertainty (foot strike: "rearfoot or midfoot"); None: no classes.
    category: str | None = None


@dataclass
class Stride:
    """One stride of one foot: from its initial contact to its next one."""

    index: int
    foot: Foot
    initial_contact_frame: int
    toe_off_frame: int | None
    next_initial_contact_frame: int | None
    start_s: float
    end_s: float | None
    values: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Finding:
    """A plain-language statement a therapist can read aloud. Describes, never diagnoses."""

    id: str
    text: str
    metrics: list[str]
    severity: Literal["info", "notice", "flag"] = "notice"
    worst_stride: int | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class NotAssessable:
    """Something that would be a finding, but this clip cannot support it: what was seen and why not."""

    id: str
    metrics: list[str]
    seen: str
    reason: str


@dataclass
class QualityNote:
    """A warning about what the clip can or cannot support, in a runner's words (no front end's controls)."""

    code: str
    message: str
    severity: Literal["info", "warning", "error"] = "warning"
    affects: list[str] = field(default_factory=list)
    # What the user could give to fix it (keys of metrics.quality.NEEDS); each front end says how.
    needs: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    """Everything measured on one clip."""

    clip: dict  # vision.video.VideoInfo.to_dict()
    view: dict  # {"kind": "side"|"rear"|"front", "direction": ..., "near_side": ..., "source": "auto"|"user"}
    events: list[GaitEvent]
    strides: list[Stride]
    metrics: dict[str, Metric]
    findings: list[Finding] = field(default_factory=list)
    quality: list[QualityNote] = field(default_factory=list)
    not_assessable: list[NotAssessable] = field(default_factory=list)
    scale: dict = field(default_factory=dict)  # {"height_cm":..., "treadmill_speed_kmh":..., "px_per_m":...}
    detected_fraction: float = 0.0
    model: str = ""
    software: dict = field(default_factory=dict)  # {"stridescope": version, ...}
    schema_version: int = SCHEMA_VERSION
    # Set when a person reviewed the events: counts of changes, when, the automatic events (metrics.event_io).
    events_review: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=False))
        tmp.replace(path)
        return path

    @classmethod
    def from_dict(cls, d: dict) -> Analysis:
        def metric(m: dict) -> Metric:
            m = dict(m)
            m["reference"] = Reference(**m["reference"]) if m.get("reference") else None
            m["confidence"] = Confidence(**m["confidence"]) if m.get("confidence") else None
            return Metric(**m)

        d = dict(d)
        d["events"] = [GaitEvent(**e) for e in d["events"]]
        d["strides"] = [Stride(**s) for s in d["strides"]]
        d["metrics"] = {k: metric(m) for k, m in d["metrics"].items()}
        d["findings"] = [Finding(**f) for f in d.get("findings", [])]
        d["quality"] = [QualityNote(**q) for q in d.get("quality", [])]
        d["not_assessable"] = [NotAssessable(**n) for n in d.get("not_assessable", [])]
        return cls(**d)

    @classmethod
    def load(cls, path: str | Path) -> Analysis:
        return cls.from_dict(json.loads(Path(path).read_text()))
