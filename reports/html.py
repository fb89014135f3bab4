"""The HTML report: one self-contained file (pictures embedded as base64), findings first."""

from __future__ import annotations

import base64
import datetime as dt
from html import escape

from metrics.analysis import Analysis
from metrics.registry import spec
from reports.compare import Comparison
from reports.content import (
    LIMITS,
    METHOD,
    PLOT_TITLES,
    ReportAssets,
    clip_facts,
    metric_rows,
    not_assessable_lines,
    references,
)
from reports.labels import fmt, reference_text, title
from reports.mdc import PUBLISHED

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1050px;margin:24px auto;
  padding:0 16px;color:#1d1d1f;line-height:1.45}
h1{margin-bottom:4px} h2{border-bottom:2px solid #eee;padding-bottom:4px;margin-top:32px}
.sub{color:#666} table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #e5e5e5;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#fafafa} td.num{text-align:right;white-space:nowrap}
.facts td:first-child{color:#666;width:220px}
.finding{padding:8px 12px;border-left:4px solid #999;margin:8px 0;background:#fafafa}
.flag{border-color:#d9480f} .notice{border-color:#f59f00} .info{border-color:#1c7ed6}
.warning{border-color:#f59f00} .error{border-color:#d9480f}
.out{color:#d9480f;font-weight:600} .in{color:#2b8a3e}
.conf-high{color:#2b8a3e} .conf-medium{color:#e67700} .conf-low{color:#c92a2a}
img{max-width:100%} .stills{display:flex;flex-wrap:wrap;gap:12px}
.stills figure{margin:0;flex:1 1 300px} figcaption{font-size:13px;color:#555}
.L{color:#f58220;font-weight:600} .R{color:#28a0f5;font-weight:600}
"""


def _img(data: bytes, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{base64.b64encode(data).decode()}">'


def render_html(analysis: Analysis, assets: ReportAssets, athlete: str = "", date: str | None = None,
                title_text: str = "Running gait report") -> str:
    """The whole report as one HTML string."""
    date = date or dt.date.today().isoformat()
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title_text)}</title>",
             f"<style>{CSS}</style></head><body>",
             f"<h1>{escape(title_text)}</h1><p class='sub'>{escape(athlete or 'Runner')} · {escape(date)}</p>"]

    parts.append("<h2>Findings</h2>")
    if analysis.findings:
        for f in analysis.findings:
            parts.append(f"<div class='finding {escape(f.severity)}'>{escape(f.text)}</div>")
    else:
        parts.append("<p>No measure stood out.</p>")
    if analysis.not_assessable:
        parts.append("<h3>Not assessable on this clip</h3><ul>")
        parts += [f"<li>{escape(line)}</li>" for line in not_assessable_lines(analysis)]
        parts.append("</ul>")

    parts.append("<h2>Clip and capture quality</h2><table class='facts'>")
    parts += [f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in clip_facts(analysis)]
    parts.append("</table>")
    for q in analysis.quality:
        parts.append(f"<div class='finding {escape(q.severity)}'>{escape(q.message)}</div>")

    parts.append("<h2>Measures</h2><table><tr><th>Measure</th><th>Value</th><th><span class='L'>Left</span>"
                 "</th><th><span class='R'>Right</span></th><th>Spread (IQR)</th><th>Reference</th>"
                 "<th>Confidence</th><th>Strides</th></tr>")
    for r in metric_rows(analysis):
        cls = "" if r.in_range is None else (" in" if r.in_range else " out")
        parts.append(
            f"<tr id='metric-{escape(r.name)}'><td><b>{escape(r.title)}</b><br><small>{escape(r.definition)}"
            f"</small></td><td class='num{cls}'>{escape(r.value)}<br><small>{escape(r.uncertainty)}"
            f"{'<br>' + escape(r.category) if r.category else ''}</small></td>"
            f"<td class='num'>{escape(r.left)}</td>"
            f"<td class='num'>{escape(r.right)}</td><td class='num'>{escape(r.spread)}</td>"
            f"<td>{escape(r.reference)}</td><td class='conf-{escape(r.confidence)}' "
            f"title='{escape(r.confidence_reasons)}'>{escape(r.confidence)}<br><small>"
            f"{escape(r.confidence_reasons)}</small></td><td class='num'>{r.n_strides}</td></tr>")
    parts.append("</table>")

    if assets.replay:
        parts.append(f"<h2>Annotated replay</h2><video controls muted playsinline style='max-height:720px' "
                     f"src='{escape(assets.replay)}'></video><p class='sub'>The replay file "
                     f"<code>{escape(assets.replay)}</code> sits beside this report.</p>")

    for key, png in assets.plots.items():
        parts.append(f"<h2>{escape(PLOT_TITLES.get(key, key))}</h2>{_img(png, key)}")

    if assets.stills:
        parts.append("<h2>Key frames</h2><div class='stills'>")
        for s in assets.stills:
            parts.append(f"<figure>{_img(s.path.read_bytes(), s.caption)}<figcaption>{escape(s.caption)}"
                         f"</figcaption></figure>")
        parts.append("</div>")

    parts.append("<h2>Method</h2><ul>" + "".join(f"<li>{escape(m)}</li>" for m in METHOD) + "</ul>")
    parts.append("<h2>Limits</h2><ul>" + "".join(f"<li>{escape(m)}</li>" for m in LIMITS) + "</ul>")
    parts.append("<h2>References</h2><ul>" + "".join(f"<li>{escape(r)}</li>" for r in references(analysis))
                 + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_comparison_html(comparison: Comparison, overlay_png: bytes | None, video: str | None = None,
                           title_text: str = "Before / after comparison") -> str:
    """The comparison as one HTML page: detectable changes first, then every metric, curves and video."""
    c = comparison
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title_text)}</title>",
             f"<style>{CSS}</style></head><body><h1>{escape(title_text)}</h1>",
             f"<p class='sub'>{escape(c.before_label)}: {escape(str(c.before.clip.get('path', '')))}<br>"
             f"{escape(c.after_label)}: {escape(str(c.after.clip.get('path', '')))}</p>",
             "<h2>Changes larger than the measurement can detect</h2>"]
    parts += [f"<div class='finding flag'>{escape(ch.sentence())}</div>" for ch in c.detectable] or [
        "<p>No change exceeds its minimal detectable change.</p>"]
    parts.append(f"<h2>Every measure</h2><table><tr><th>Measure</th><th>{escape(c.before_label)}</th>"
                 f"<th>{escape(c.after_label)}</th><th>Change</th><th>Reference</th><th>Direction</th>"
                 "<th>Detectable change</th><th>Beyond it?</th></tr>")
    for ch in c.changes:
        beyond = {True: "<b>yes</b>", False: "no", None: "n/a"}[ch.exceeds_mdc]
        parts.append(f"<tr id='change-{escape(ch.name)}'><td>{escape(title(ch.name))}</td>"
                     f"<td class='num'>{escape(fmt(ch.before, ch.unit))}</td>"
                     f"<td class='num'>{escape(fmt(ch.after, ch.unit))}</td>"
                     f"<td class='num'>{escape(fmt(ch.change, ch.unit, signed=True))}</td>"
                     f"<td>{escape(reference_text(ch.reference))}</td><td>{escape(ch.direction)}</td>"
                     f"<td>{escape(fmt(ch.detectable.value, ch.unit))}<br><small>{escape(ch.detectable.source)}"
                     f"</small></td><td>{beyond}</td></tr>")
    parts.append("</table>")
    if overlay_png:
        parts.append(f"<h2>Gait-cycle curves, {escape(c.before_label)} (solid) vs {escape(c.after_label)} "
                     f"(dashed)</h2>{_img(overlay_png, 'gait cycle overlay')}")
    if video:
        parts.append(f"<h2>Side by side, stepping together</h2><video controls muted playsinline "
                     f"style='max-width:100%' src='{escape(video)}'></video>")
    parts.append("<h2>How a change is judged</h2><p>A change counts when it is larger than the minimal "
                 "detectable change (MDC95): the larger of a published test-retest value for 2D video running "
                 "analysis and the value derived from the two clips' stride-to-stride spread "
                 "(MDC95 = 1.96·√2·SEM, SEM = 1.2533·SD/√n of the strides).</p><ul>")
    parts += [f"<li>{escape(title(k))}: {v.value:g} {escape(spec(k).unit)} — {escape(v.source)}. "
              f"{escape(v.note)}</li>"
              for k, v in PUBLISHED.items()]
    parts.append("<li>Every other measure: no published MDC found; derived from the strides only.</li></ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
