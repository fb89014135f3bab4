"""``stridescope compare A B -o OUT``: what changed between two runs, and whether it is real."""

from __future__ import annotations

import json
from pathlib import Path

from reports import plots
from reports.compare import compare
from reports.cycle import cycle_curves
from reports.html import render_comparison_html
from reports.sidebyside import write_side_by_side
from stridescope.commands.report import add_analysis_options, load_or_analyse
from stridescope.progress import ProgressBar

HELP = "compare two runs (clips or analysis folders): changes, detectable change, aligned side-by-side replay"


def add_arguments(parser) -> None:
    parser.add_argument("before", help="first run: a clip, or a folder holding analysis.json and pose.npz")
    parser.add_argument("after", help="second run: a clip, or an analysis folder")
    parser.add_argument("-o", "--output", required=True, help="folder to write the comparison into")
    parser.add_argument("--labels", nargs=2, default=("before", "after"), metavar=("A", "B"),
                        help="names of the two runs")
    parser.add_argument("--slow-motion", type=float, default=1.0, metavar="FACTOR",
                        help="play the side-by-side replay this many times slower")
    add_analysis_options(parser)


def run(args) -> int:
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    a = load_or_analyse(args.before, out / "before_analysis", args)
    b = load_or_analyse(args.after, out / "after_analysis", args)
    result = compare(a.analysis, b.analysis, *args.labels)
    overlay = plots.png(plots.plot_gait_cycle({args.labels[0]: cycle_curves(a.analysis, a.track),
                                               args.labels[1]: cycle_curves(b.analysis, b.track)}))
    (out / "gait_cycle_compare.png").write_bytes(overlay)
    video, plan = write_side_by_side(a.analysis, a.track, b.analysis, b.track, out / "sidebyside.mp4",
                                     labels=tuple(args.labels), slow_motion=args.slow_motion,
                                     progress=ProgressBar("side-by-side"))
    (out / "comparison.html").write_text(render_comparison_html(result, overlay, video.path.name), encoding="utf-8")
    (out / "comparison.json").write_text(json.dumps({
        "before": args.labels[0], "after": args.labels[1], "aligned_on": plan.foot, "aligned_strides": plan.n_strides,
        "changes": [{"metric": c.name, "unit": c.unit, "before": c.before, "after": c.after, "change": c.change,
                     "direction": c.direction, "mdc": c.detectable.value, "mdc_source": c.detectable.source,
                     "exceeds_mdc": c.exceeds_mdc} for c in result.changes]}, indent=2))
    print(f"{len(result.detectable)} of {len(result.changes)} measures changed by more than their detectable change:")
    for c in result.detectable:
        print(f"  {c.sentence()}")
    print(f"side-by-side: {video.frames} frames, {plan.n_strides} {plan.foot} strides aligned -> {video.path}")
    print(f"comparison: {out / 'comparison.html'}")
    return 0
