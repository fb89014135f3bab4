"""The PDF report (reportlab): summary page first, then figures, key frames, method and references.

Pages: 1 findings, clip facts, measures; 2 gait-cycle curves; 3 per-stride
values; 4 left/right and the event timeline; 5 key frames; 6 method, limits,
references.  DejaVu Sans (shipped with matplotlib) is embedded so that °, ≤
and → print.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

from matplotlib import font_manager
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from metrics.analysis import Analysis
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

_FONT, _BOLD = "DejaVuSans", "DejaVuSans-Bold"


def _register_fonts() -> None:
    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, weight in ((_FONT, "normal"), (_BOLD, "bold")):
        path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight=weight))
        pdfmetrics.registerFont(TTFont(name, path))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=_BOLD, fontSize=18),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=_BOLD, fontSize=13, spaceBefore=8),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=_FONT, fontSize=9, leading=12),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=_FONT, fontSize=7, leading=9),
        "finding": ParagraphStyle("finding", parent=base["BodyText"], fontName=_FONT, fontSize=9, leading=12,
                                  leftIndent=6, borderPadding=4, backColor=colors.HexColor("#f5f5f5")),
    }


def _image(png: bytes, max_w: float, max_h: float) -> Image:
    img = Image(io.BytesIO(png))
    k = min(max_w / img.imageWidth, max_h / img.imageHeight)
    img.drawWidth, img.drawHeight = img.imageWidth * k, img.imageHeight * k
    return img


def _table(rows: list[list], widths: list[float], header: bool = True) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("FONTNAME", (0, 0), (-1, -1), _FONT), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]
    if header:
        style += [("FONTNAME", (0, 0), (-1, 0), _BOLD), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))]
    t.setStyle(TableStyle(style))
    return t


def write_pdf(analysis: Analysis, assets: ReportAssets, path: str | Path, athlete: str = "",
              date: str | None = None, title_text: str = "Running gait report") -> Path:
    """Write the PDF report to ``path``."""
    _register_fonts()
    st = _styles()
    path = Path(path)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=14 * mm, bottomMargin=14 * mm, title=title_text, author="Stridescope")
    width, height = doc.width, doc.height
    p = lambda text, style="body": Paragraph(escape(text), st[style])  # noqa: E731

    story = [p(title_text, "h1"), p(f"{athlete or 'Runner'} · {date or dt.date.today().isoformat()}"),
             p("Findings", "h2")]
    story += [p(f.text, "finding") for f in analysis.findings] or [p("No measure stood out.")]
    if analysis.not_assessable:
        story += [p("Not assessable on this clip", "body")]
        story += [p(line, "small") for line in not_assessable_lines(analysis)]
    story.append(p("Clip and capture quality", "h2"))
    story.append(_table([[k, v] for k, v in clip_facts(analysis)], [45 * mm, width - 45 * mm], header=False))
    story += [Spacer(1, 3), *[p(f"{q.severity}: {q.message}", "small") for q in analysis.quality]]
    story.append(p("Measures", "h2"))
    rows = [["Measure", "Value", "Left", "Right", "IQR", "Reference", "Confidence", "n"]]
    for r in metric_rows(analysis):
        flag = "" if r.in_range is None else ("" if r.in_range else " ●")
        value = escape(r.value + flag) + (f"<br/>{escape(r.category)}" if r.category else "")
        cells = [Paragraph(v, st["small"]) for v in (value, escape(r.left), escape(r.right), escape(r.spread))]
        rows.append([Paragraph(f"<b>{escape(r.title)}</b>", st["small"]), *cells,
                     Paragraph(escape(r.reference), st["small"]),
                     Paragraph(f"{escape(r.confidence)}<br/>{escape(r.confidence_reasons)}", st["small"]),
                     str(r.n_strides)])
    story.append(_table(rows, [40 * mm, 17 * mm, 15 * mm, 15 * mm, 14 * mm, 24 * mm, width - 133 * mm, 8 * mm]))
    story.append(p("● outside the reference range (something to look at, not a diagnosis).", "small"))

    figure_pages = [["gait_cycle"], ["per_stride"], ["left_right", "timeline"]]
    for keys in figure_pages:
        present = [k for k in keys if k in assets.plots]
        if not present:
            continue
        story.append(PageBreak())
        for k in present:
            story += [p(PLOT_TITLES.get(k, k), "h2"),
                      _image(assets.plots[k], width, (height - 20 * mm * len(present)) / len(present))]

    if assets.stills:
        story += [PageBreak(), p("Key frames", "h2")]
        cells = [[_image(s.path.read_bytes(), width / 3 - 4 * mm, 70 * mm), ] for s in assets.stills]
        caps = [p(s.caption, "small") for s in assets.stills]
        grid = []
        for i in range(0, len(cells), 3):
            grid.append([c[0] for c in cells[i:i + 3]] + [""] * (3 - len(cells[i:i + 3])))
            grid.append(caps[i:i + 3] + [""] * (3 - len(caps[i:i + 3])))
        t = Table(grid, colWidths=[width / 3] * 3)
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        story.append(t)

    story += [PageBreak(), p("Method", "h2"), *[p("• " + m) for m in METHOD], p("Limits", "h2"),
              *[p("• " + m) for m in LIMITS], p("References", "h2"), *[p("• " + r) for r in references(analysis)]]
    doc.build(story)
    return path
