"""``stridescope compare A B -o OUT``: what changed between two runs, and whether it is real."""

from __future__ import annotations

from pathlib import Path

from reports.compare_report import write_comparison
from stridescope.commands.report import add_analysis_options, load_or_analyse
from stridescope.progress import ProgressBar

HELP = "compare two runs (clips or analysis folders): changes, detectable change, aligned side-by-side replay"


def add_arguments(parser) -> None:
    parser.add_argument("before", help="first run: a clip, or a folder holding analysis.json, gait.npz and pose.npz")
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
    result, video, plan = write_comparison(a.analysis, a.gait, b.analysis, b.gait, out,
                                           labels=tuple(args.labels), slow_motion=args.slow_motion,
                                           progress=ProgressBar("side-by-side"))
    print(f"{len(result.detectable)} of {len(result.changes)} measures changed by more than their detectable change:")
    for c in result.detectable:
        print(f"  {c.sentence()}")
    print(f"side-by-side: {video.frames} frames, {plan.n_strides} {plan.foot} strides aligned -> {video.path}")
    print(f"comparison: {out / 'comparison.html'}")
    return 0
