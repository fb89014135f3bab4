"""The files of a before/after comparison: change table, overlaid curves, aligned replay."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from metrics.analysis import Analysis
from metrics.gait import Gait
from reports import plots
from reports.compare import Comparison, compare
from reports.cycle import cycle_curves
from reports.html import render_comparison_html
from reports.replay import ReplayResult
from reports.sidebyside import Alignment, write_side_by_side

COMPARISON_JSON = "comparison.json"


def write_comparison(
    a: Analysis, gait_a: Gait, b: Analysis, gait_b: Gait, out: str | Path,
    labels: tuple[str, str] = ("before", "after"),
    clips: tuple = (None, None),
    slow_motion: float = 1.0,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Comparison, ReplayResult, Alignment]:
    """Write ``gait_cycle_compare.png``, ``sidebyside.mp4``, ``comparison.html`` and
    ``comparison.json`` into ``out``; ``clips`` overrides where the videos are."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = compare(a, b, *labels)
    overlay = plots.png(plots.plot_gait_cycle({labels[0]: cycle_curves(a, gait_a),
                                               labels[1]: cycle_curves(b, gait_b)}))
    (out / "gait_cycle_compare.png").write_bytes(overlay)
    video, plan = write_side_by_side(a, gait_a, b, gait_b, out / "sidebyside.mp4", labels=labels,
                                     clips=clips, slow_motion=slow_motion, progress=progress)
    (out / "comparison.html").write_text(render_comparison_html(result, overlay, video.path.name),
                                         encoding="utf-8")
    changes = [{"metric": c.name, "unit": c.unit, "before": c.before, "after": c.after, "change": c.change,
                "direction": c.direction, "mdc": c.detectable.value, "mdc_source": c.detectable.source,
                "exceeds_mdc": c.exceeds_mdc, "sentence": c.sentence()} for c in result.changes]
    (out / COMPARISON_JSON).write_text(json.dumps({
        "before": labels[0], "after": labels[1], "aligned_on": plan.foot, "aligned_strides": plan.n_strides,
        "changes": changes}, indent=2))
    return result, video, plan
