"""``stridescope events ANALYSIS_DIR -o EVENTS.csv``: an analysis's gait events as an events CSV.

The file is in the hand-label format ``stridescope analyze --events`` reads, so
events can be exported, corrected in a spreadsheet and used again, or kept as
new ground truth.
"""

from __future__ import annotations

from pathlib import Path

from metrics.analysis import Analysis
from metrics.event_io import write_events_csv
from stridescope.pipeline import ANALYSIS_FILE
from vision.errors import InputError

HELP = "write the initial contacts and toe-offs of an analysis as an events CSV (the format --events reads)"


def add_arguments(parser) -> None:
    parser.add_argument("analysis", help="folder holding analysis.json (as written by stridescope analyze)")
    parser.add_argument("-o", "--output", required=True, help="events CSV to write")


def run(args) -> int:
    source = Path(args.analysis)
    path = source / ANALYSIS_FILE if source.is_dir() else source
    if not path.is_file():
        raise InputError(f"no {ANALYSIS_FILE} in {source}: give the folder stridescope analyze wrote")
    try:
        analysis = Analysis.load(path)
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path} is not a Stridescope analysis: {e}") from e
    out = write_events_csv(analysis.events, args.output)
    counts = {kind: sum(e.kind == kind for e in analysis.events) for kind in ("initial_contact", "toe_off")}
    print(f"{out}: {counts['initial_contact']} initial contacts, {counts['toe_off']} toe-offs")
    return 0
