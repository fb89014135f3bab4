"""What a report says, independent of its format: facts about the clip, metric rows, method, references.

:mod:`reports.html` and :mod:`reports.pdf` lay these out; neither decides content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from metrics.analysis import Analysis
from metrics.review import review_text
from reports.labels import fmt, reference_text, title

if TYPE_CHECKING:  # drawing stills needs OpenCV; the report's text does not
    from reports.stills import Still


@dataclass
class ReportAssets:
    """The pictures a report shows: plot PNGs by name, and key-frame stills."""

    plots: dict[str, bytes] = field(default_factory=dict)
    stills: list[Still] = field(default_factory=list)
    replay: str | None = None  # file name of the replay, beside the report


PLOT_TITLES = {
    "gait_cycle": "Joint angles over the gait cycle (mean ± SD per side)",
    "per_stride": "Each measure stride by stride across the clip",
    "left_right": "Left vs right",
    "timeline": "Gait events",
}

METHOD = [
    "The runner's body landmarks were detected in every frame by a pose model (MediaPipe Pose Landmarker); "
    "the tracks were cleaned (left/right swaps repaired, outliers removed, short gaps filled, low-pass "
    "filtered).",
    "Initial contacts and toe-offs were found from the foot motion; each stride runs from one initial "
    "contact of a foot to its next.",
    "Each measure is taken per stride and summarised as the median over strides (spread = inter-quartile "
    "range); left and right are summarised separately.",
]

LIMITS = [
    "Angles are 2D projections onto the image: a camera that is not level, not square to the runner or "
    "too close distorts them.",
    "The pose model estimates joint centres from appearance; loose clothing, occlusion (e.g. the treadmill "
    "console hiding the far leg) and motion blur reduce accuracy.",
    "At 30 fps an event can be off by one frame (33 ms); contact time and foot strike angle are the most "
    "affected.  Slow-motion capture (120-240 fps) is recommended.",
    "Reference ranges describe typical runners; a value outside a range is something to look at, not a "
    "diagnosis.",
]


def clip_facts(a: Analysis) -> list[tuple[str, str]]:
    """(label, value) rows describing the clip and how well it could be measured."""
    c = a.clip
    rows = [
        ("Clip", Path(str(c.get("path", ""))).name),
        ("Size", f"{c.get('width')} × {c.get('height')} px"),
        ("Frame rate", f"{c.get('capture_fps', c.get('fps', 0)):.1f} fps"
         + (" (slow motion)" if c.get("capture_fps") and c.get("fps") and c["capture_fps"] > c["fps"] else "")),
        ("Duration", f"{c.get('duration_s', 0):.1f} s, {c.get('n_frames')} frames"),
        ("View", f"{a.view.get('kind', '?')}" + (f", {a.view['setting']}" if a.view.get("setting") else "")
         + (f", running toward image-{a.view['direction']}" if a.view.get("direction") else "")
         + (f" ({'detected' if a.view.get('source') == 'auto' else 'given'})" if a.view.get("source") else "")),
        ("Runner detected", f"{100 * a.detected_fraction:.0f} % of frames"),
        ("Camera level", f"ground line tilted {a.view['ground_tilt_deg']:.1f}° in the image"
         if a.view.get("ground_tilt_deg") is not None else "not measured"),
        ("Strides", f"{len(a.strides)} ({sum(s.foot == 'left' for s in a.strides)} left, "
                    f"{sum(s.foot == 'right' for s in a.strides)} right)"),
    ]
    for key, label, unit in (("treadmill_speed_kmh", "Treadmill speed", " km/h"),
                             ("height_cm", "Runner height", " cm")):
        if a.scale.get(key) is not None:
            rows.append((label, f"{a.scale[key]:g}{unit}"))
    reviewed = review_text(a)
    rows.append(("Gait events", reviewed[0].upper() + reviewed[1:] if reviewed else "detected automatically"))
    rows.append(("Model / software", f"{a.model or 'n/a'} · stridescope {a.software.get('stridescope', '?')}"))
    return rows


@dataclass
class MetricRow:
    name: str
    title: str
    value: str
    left: str
    right: str
    spread: str
    reference: str
    in_range: bool | None
    confidence: str
    confidence_reasons: str
    n_strides: int
    definition: str
    uncertainty: str = ""  # "± 4.1 spm": 95% uncertainty of the value on this clip
    category: str = ""  # "rearfoot or midfoot": the class the value states within its uncertainty


def not_assessable_lines(a: Analysis) -> list[str]:
    """What looked like a finding but this clip cannot support, each with why, in plain sentences."""
    return [f"{n.seen} Not stated: {n.reason}." for n in a.not_assessable]


def metric_rows(a: Analysis) -> list[MetricRow]:
    """One row per metric of the analysis, formatted."""
    rows = []
    for name, m in a.metrics.items():
        ref = m.reference
        in_range = None
        if m.value is not None and ref is not None and (ref.low is not None or ref.high is not None):
            in_range = (ref.low is None or m.value >= ref.low) and (ref.high is None or m.value <= ref.high)
        conf = m.confidence
        rows.append(MetricRow(
            name=name, title=title(name), value=fmt(m.value, m.unit), left=fmt(m.left, m.unit),
            right=fmt(m.right, m.unit), spread=fmt(m.spread, m.unit), reference=reference_text(ref),
            in_range=in_range, confidence=conf.level if conf else "n/a",
            confidence_reasons="; ".join(conf.reasons) if conf else "", n_strides=m.n_strides,
            definition=m.definition,
            uncertainty=f"± {fmt(m.uncertainty, m.unit)}" if m.uncertainty is not None else "",
            category=m.category or ""))
    return rows


def references(a: Analysis, extra: list[str] = ()) -> list[str]:
    """Every source cited by the analysis' reference ranges and findings (plus ``extra``), once each."""
    cited = []
    for m in a.metrics.values():
        if m.reference and m.reference.source:
            cited += [s.strip() for s in m.reference.source.split(";")]
    for f in a.findings:
        cited += f.sources
    cited += list(extra)
    return sorted(dict.fromkeys(c for c in cited if c))
