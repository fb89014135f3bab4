"""``stridescope analyze CLIP -o OUT``: gait events, per-stride measures and findings of a clip."""

from __future__ import annotations

import os
from pathlib import Path

from metrics.analysis import Analysis
from metrics.review import review_text
from reports.content import not_assessable_lines
from stridescope.pipeline import ANALYSIS_FILE, GAIT_FILE, STRIDES_FILE, analyze_clip
from stridescope.progress import ProgressBar
from stridescope.slow_motion import slow_motion_found, suggestion_text

HELP = "measure a runner's gait in a clip: findings, per-stride measures, analysis.json"


def add_arguments(parser) -> None:
    parser.add_argument("clip", help="video file of a runner")
    parser.add_argument("-o", "--output", required=True,
                        help="folder to write analysis.json, gait.npz, strides.csv, pose.npz")
    parser.add_argument("--view", choices=["auto", "side", "rear", "front"], default="auto",
                        help="camera view of the runner")
    parser.add_argument("--treadmill-speed", type=float, metavar="KMH",
                        help="belt speed in km/h (gives distances in cm)")
    parser.add_argument("--height", type=float, metavar="CM", help="runner's height in cm (gives distances in cm)")
    parser.add_argument("--capture-fps", type=float, default=None,
                        help="frame rate the camera recorded at, for slow-motion clips stored at a lower rate")
    parser.add_argument("--model", help="pose .task bundle (default: the provisioned one)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes running the pose model, each on a time chunk of the clip")
    parser.add_argument("--events", metavar="EVENTS.csv",
                        help="use these initial contacts and toe-offs instead of detecting them "
                             "(columns frame, time_s, event IC/TO, foot_body_side left/right)")
    parser.add_argument("--person", type=int, metavar="N",
                        help="measure person N of those the capture notes say were found in view, "
                             "instead of the one chosen as the runner")


class _Stages:
    """A progress bar per stage, on stderr."""

    def __init__(self):
        self.bars: dict[str, ProgressBar] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.bars:
            self.bars[stage] = ProgressBar(stage)
        self.bars[stage](done, total)


def summary(a: Analysis) -> str:
    """The readable summary: view, findings first, then the metric table, then capture notes."""
    lines = [f"{Path(a.clip.get('path', '')).name}: {a.view['kind']} view, {a.view.get('setting', '')}, "
             f"{len(a.strides)} strides, runner detected in {100 * a.detected_fraction:.0f}% of frames"]
    lines += [review] if (review := review_text(a)) else []
    lines.append("")
    lines.append("Findings")
    lines += [f"  [{f.severity}] {f.text}" for f in a.findings] or [
        "  none stated: see below what cannot be judged on this clip" if a.not_assessable
        else "  none: every measure is within its reference range"]
    if a.not_assessable:
        lines += ["", "Not assessable on this clip"] + [f"  {line}" for line in not_assessable_lines(a)]
    lines += ["", f"  {'measure':34} {'value':>9} {'left':>9} {'right':>9} {'IQR':>7}  {'reference':>14}  confidence"]
    for m in a.metrics.values():
        ref = m.reference
        band = "" if ref is None or (ref.low is None and ref.high is None) else \
            f"{'' if ref.low is None else f'{ref.low:g}'}..{'' if ref.high is None else f'{ref.high:g}'}"
        lines.append(f"  {m.name:34} {_f(m.value):>9} {_f(m.left):>9} {_f(m.right):>9} {_f(m.spread):>7}  "
                     f"{band:>14}  {m.confidence.level if m.confidence else ''}")
    if a.quality:
        lines += ["", "About this clip"] + [f"  [{q.severity}] {q.message}{_how_to_give(q.needs)}" for q in a.quality]
    return "\n".join(lines)


# How to give, on the command line, what a capture note says is needed (metrics.quality.NEEDS).
FLAGS = {"capture_fps": "--capture-fps", "height_cm": "--height", "treadmill_speed_kmh": "--treadmill-speed"}


def _how_to_give(needs: list[str]) -> str:
    return f" Give it with {' or '.join(FLAGS[n] for n in needs)}." if needs else ""


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def print_slow_motion_hint(analysis: Analysis) -> None:
    """How slow motion was handled: the rate read from the clip, or, if the step rate is too slow
    for running, the likely slow-motion rates to try (never applied)."""
    if (found := slow_motion_found(analysis.clip)) is not None:
        print("\n" + found)
    cadence = analysis.metrics.get("cadence_spm")
    hint = suggestion_text(cadence.value if cadence else None, float(analysis.clip.get("capture_fps") or 0),
                           "run the analysis again with --capture-fps")
    if hint:
        print("\n" + hint)


def run(args) -> int:
    out = Path(args.output)
    _, analysis = analyze_clip(args.clip, out, view=args.view, treadmill_speed_kmh=args.treadmill_speed,
                            height_cm=args.height, capture_fps=args.capture_fps, model=args.model,
                            progress=_Stages(), workers=max(1, args.workers),
                            events_csv=args.events, person=None if args.person is None else args.person - 1)
    print(summary(analysis))
    print_slow_motion_hint(analysis)
    print(f"\nwritten: {out / ANALYSIS_FILE}, {out / GAIT_FILE}, {out / STRIDES_FILE}")
    return 0
