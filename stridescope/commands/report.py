"""``stridescope report CLIP_OR_ANALYSIS_DIR -o OUT``: annotated replay, stills, plots, HTML and PDF."""

from __future__ import annotations

import time
from pathlib import Path

from reports.report import ANALYSIS_FILE, AnalysisFiles, build_report
from stridescope.progress import ProgressBar
from vision.errors import InputError

HELP = "write the annotated replay, key-frame stills, plots, HTML and PDF report of a clip or an analysis"


def add_analysis_options(parser) -> None:
    """Options used when a clip must be analysed first."""
    parser.add_argument("--view", default="auto", choices=("auto", "side", "rear", "front"),
                        help="camera view, when analysing a clip")
    parser.add_argument("--treadmill-speed", type=float, default=None, metavar="KMH",
                        help="belt speed in km/h, when analysing a clip (gives stride length)")
    parser.add_argument("--height", type=float, default=None, metavar="CM",
                        help="runner's height in cm, when analysing a clip (gives lengths in cm)")
    parser.add_argument("--capture-fps", type=float, default=None,
                        help="frame rate the camera recorded at, for slow-motion clips")


def add_arguments(parser) -> None:
    parser.add_argument("input", help="a video of a runner, or a folder holding analysis.json, gait.npz and pose.npz")
    parser.add_argument("-o", "--output", required=True, help="folder to write the report into")
    parser.add_argument("--athlete", default="", help="runner's name for the report header")
    parser.add_argument("--date", default=None, help="session date for the report header (default: today)")
    parser.add_argument("--clip", default=None, help="the clip, if it moved since the analysis was made")
    parser.add_argument("--slow-motion", type=float, default=1.0, metavar="FACTOR",
                        help="play the replay this many times slower")
    add_analysis_options(parser)


def load_or_analyse(source: str | Path, work_dir: Path, args) -> AnalysisFiles:
    """The analysis of ``source``: read from its folder, or made by running the pipeline on a clip."""
    source = Path(source)
    if source.is_dir() and (source / ANALYSIS_FILE).is_file():
        try:
            return AnalysisFiles.load(source)
        except (OSError, ValueError, KeyError, TypeError) as e:  # a damaged or foreign analysis folder
            raise InputError(f"{source}: its analysis files cannot be read ({type(e).__name__}: {e}); "
                             "analyse the clip again") from e
    from stridescope.pipeline import analyze_clip

    bars: dict[str, ProgressBar] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bars.setdefault(stage, ProgressBar(stage))(done, total)

    analyze_clip(source, work_dir, view=args.view, treadmill_speed_kmh=args.treadmill_speed,
                 height_cm=args.height, capture_fps=args.capture_fps, progress=progress)
    return AnalysisFiles.load(work_dir)


def run(args) -> int:
    out = Path(args.output)
    start = time.monotonic()
    files = load_or_analyse(args.input, out / "analysis", args)
    written = build_report(files.analysis, files.gait, files.track, out, clip=args.clip, athlete=args.athlete,
                           date=args.date, slow_motion=args.slow_motion, progress=lambda step: ProgressBar(step))
    print(f"report of {Path(files.analysis.clip['path']).name}: {len(files.analysis.strides)} strides, "
          f"{len(files.analysis.findings)} findings ({time.monotonic() - start:.1f} s)")
    for kind, path in written.items():
        print(f"  {kind:<14} {path}")
    return 0
