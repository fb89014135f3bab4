"""A visit: the side clip and the rear clip (or more) of one runner on one day, as one report.

Each measure is taken from the clip whose view measures it: the first view its
specification lists (:attr:`metrics.spec.MetricSpec.views`, side before rear for
the step timing), then the more confident value, then the one over more
strides.  A finding is kept only from the clip its measures were taken from, so
one claim never appears twice or contradicts the value shown.  Every measure,
finding and capture note names the clip it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from metrics.analysis import Analysis, Finding, Metric, QualityNote
from metrics.registry import SPECS
from reports.content import LIMITS, METHOD, references
from reports.labels import fmt, reference_text, title

# Capture notes that say a view is missing: within a visit the other clip may supply it.
VIEW_ONLY_NOTES = {"side_view_only": ("rear", "front"), "frontal_view_only": ("side",)}
CONFIDENCE_ORDER = {"high": 2, "medium": 1, "low": 0}


@dataclass
class VisitClip:
    """One clip of the visit: its name as the user knows it and its analysis."""

    label: str
    analysis: Analysis
    gait_cycle_png: bytes | None = None

    @property
    def view(self) -> str:
        return str(self.analysis.view.get("kind", "unknown"))


@dataclass
class VisitMeasure:
    """A measure of the visit and the clip it was taken from; ``also``: the other clips' values."""

    metric: Metric
    clip: VisitClip
    also: list[tuple[VisitClip, Metric]] = field(default_factory=list)


@dataclass
class Visit:
    athlete: str
    date: str
    clips: list[VisitClip]
    measures: dict[str, VisitMeasure]
    findings: list[tuple[Finding, VisitClip]]
    notes: list[tuple[QualityNote, VisitClip]]


def _view_rank(name: str, view: str) -> int:
    views = next((s.views for s in SPECS if s.name == name), ())
    return views.index(view) if view in views else len(views)


def _preference(name: str, clip: VisitClip, m: Metric) -> tuple:
    level = m.confidence.level if m.confidence else "low"
    return (_view_rank(name, clip.view), -CONFIDENCE_ORDER.get(level, 0), -m.n_strides)


def merge_visit(clips: list[VisitClip], athlete: str = "", date: str | None = None) -> Visit:
    """The visit's measures, findings and notes, each from the clip that measures it."""
    if not clips:
        raise ValueError("a visit needs at least one clip")
    candidates: dict[str, list[tuple[VisitClip, Metric]]] = {}
    for clip in clips:
        for name, m in clip.analysis.metrics.items():
            if m.value is not None:
                candidates.setdefault(name, []).append((clip, m))
    measures = {}
    for name, found in candidates.items():
        ranked = sorted(found, key=lambda cm: _preference(name, *cm))
        (clip, metric), rest = ranked[0], ranked[1:]
        measures[name] = VisitMeasure(metric, clip, rest)
    order = [n for s in SPECS for n in [s.name] if n in measures] + sorted(set(measures) - {s.name for s in SPECS})
    measures = {n: measures[n] for n in order}
    findings = [(f, clip) for clip in clips for f in clip.analysis.findings
                if all(measures.get(n) is not None and measures[n].clip is clip for n in f.metrics)]
    views = {c.view for c in clips}
    notes = [(q, clip) for clip in clips for q in clip.analysis.quality
             if not (q.code in VIEW_ONLY_NOTES and views & set(VIEW_ONLY_NOTES[q.code]))]
    return Visit(athlete, date or dt.date.today().isoformat(), clips, measures, findings, notes)


def source_text(clip: VisitClip) -> str:
    return f"{clip.label} ({clip.view} view)"


def visit_rows(visit: Visit) -> list[dict[str, str]]:
    """The measures table: value, sides, reference, confidence, and the clip it came from."""
    rows = []
    for name, vm in visit.measures.items():
        m = vm.metric
        rows.append({
            "Measure": title(name), "Value": fmt(m.value, m.unit), "Left": fmt(m.left, m.unit),
            "Right": fmt(m.right, m.unit), "Reference": reference_text(m.reference),
            "Confidence": m.confidence.level if m.confidence else "n/a", "From": source_text(vm.clip),
            "Other clips": "; ".join(f"{fmt(o.value, o.unit)} on {c.label}" for c, o in vm.also),
        })
    return rows


def _visit_references(visit: Visit) -> list[str]:
    merged = Analysis(clip={}, view={}, events=[], strides=[],
                      metrics={n: vm.metric for n, vm in visit.measures.items()},
                      findings=[f for f, _ in visit.findings])
    return references(merged)


def render_visit_html(visit: Visit, title_text: str = "Running gait report — visit") -> str:
    """The visit report as one self-contained HTML string."""
    from reports.html import CSS, _img

    e = html_escape
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title_text)}</title>",
             f"<style>{CSS}</style></head><body><h1>{e(title_text)}</h1>",
             f"<p class='sub'>{e(visit.athlete or 'Runner')} · {e(visit.date)} · "
             f"{len(visit.clips)} clips: {e(', '.join(source_text(c) for c in visit.clips))}</p>",
             "<h2>Findings</h2>"]
    parts += [f"<div class='finding {e(f.severity)}'>{e(f.text)} <small>({e(source_text(c))})</small></div>"
              for f, c in visit.findings] or ["<p>No measure stood out.</p>"]
    rows = visit_rows(visit)
    parts.append("<h2>Measures</h2><table>")
    if rows:
        parts.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in rows[0]) + "</tr>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row.values()) + "</tr>")
    parts.append("</table><h2>Clips and capture quality</h2>")
    for clip in visit.clips:
        a = clip.analysis
        parts.append(f"<h3>{e(source_text(clip))}</h3><p class='sub'>{len(a.strides)} strides, runner seen in "
                     f"{100 * a.detected_fraction:.0f} % of frames, "
                     f"{a.clip.get('capture_fps', a.clip.get('fps', 0)):.0f} fps</p>")
        parts += [f"<div class='finding {e(q.severity)}'>{e(q.message)}</div>" for q, c in visit.notes if c is clip]
        if clip.gait_cycle_png:
            parts.append(_img(clip.gait_cycle_png, f"gait cycle, {clip.label}"))
    parts.append("<h2>Method</h2><ul>" + "".join(f"<li>{e(m)}</li>" for m in METHOD)
                 + "<li>Each measure is taken from the clip whose camera view measures it (side view for "
                   "sagittal angles and step timing, rear view for pelvic drop and knee collapse); the "
                   "clip is named beside it.</li></ul>")
    parts.append("<h2>Limits</h2><ul>" + "".join(f"<li>{e(m)}</li>" for m in LIMITS) + "</ul>")
    parts.append("<h2>References</h2><ul>" + "".join(f"<li>{e(r)}</li>" for r in _visit_references(visit))
                 + "</ul></body></html>")
    return "\n".join(parts)


def write_visit_pdf(visit: Visit, path: str | Path, title_text: str = "Running gait report — visit") -> Path:
    """The visit report as a PDF (reportlab), laid out like the single-clip report."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from reports.pdf import _image, _register_fonts, _styles, _table

    _register_fonts()
    st = _styles()
    path = Path(path)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=14 * mm, bottomMargin=14 * mm, title=title_text, author="Stridescope")
    p = lambda text, style="body": Paragraph(xml_escape(text), st[style])  # noqa: E731
    story = [p(title_text, "h1"), p(f"{visit.athlete or 'Runner'} · {visit.date}"),
             p("Clips: " + ", ".join(source_text(c) for c in visit.clips)), p("Findings", "h2")]
    story += [p(f"{f.text} ({source_text(c)})", "finding") for f, c in visit.findings] or [
        p("No measure stood out.")]
    story.append(p("Measures", "h2"))
    rows = visit_rows(visit)
    keys = ["Measure", "Value", "Left", "Right", "Reference", "Confidence", "From"]
    table = [keys] + [[Paragraph(xml_escape(r[k]), st["small"]) for k in keys] for r in rows]
    w = doc.width
    story.append(_table(table, [38 * mm, 18 * mm, 16 * mm, 16 * mm, 26 * mm, 18 * mm, w - 132 * mm]))
    story.append(p("Capture quality", "h2"))
    story += [p(f"{source_text(c)} — {q.severity}: {q.message}", "small") for q, c in visit.notes]
    for clip in visit.clips:
        if clip.gait_cycle_png:
            story += [PageBreak(), p(f"Joint angles over the gait cycle — {source_text(clip)}", "h2"),
                      _image(clip.gait_cycle_png, w, doc.height - 30 * mm)]
    story += [PageBreak(), p("Method", "h2"), *[p("• " + m) for m in METHOD], p("Limits", "h2"),
              *[p("• " + m) for m in LIMITS], p("References", "h2"),
              *[p("• " + r) for r in _visit_references(visit)]]
    doc.build(story)
    return path
