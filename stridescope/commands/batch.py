"""``stridescope batch INPUT -o OUT``: every clip of a folder or CSV manifest analysed, with a summary table."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from stridescope.batch import INDEX_HTML, MANIFEST_COLUMNS, SUMMARY_CSV, SUMMARY_PARQUET, ClipResult, run_batch
from stridescope.progress import ProgressBar
from vision.errors import InputError

HELP = "analyse every clip of a folder or CSV manifest (resumable, parallel, optionally on a Dask cluster)"


def add_arguments(parser) -> None:
    parser.add_argument("input", help="a folder of clips, or a CSV manifest with columns "
                                      + ", ".join(MANIFEST_COLUMNS) + " (only 'clip' is required)")
    parser.add_argument("-o", "--output", required=True,
                        help="folder for the per-clip results, summary.csv/.parquet and index.html")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="clips analysed at once (the number of cores by default)")
    parser.add_argument("--cluster", nargs="?", const="local", default=None, metavar="ADDRESS",
                        help="run on Dask distributed: alone, a local cluster of --workers processes; "
                             "with a scheduler address (tcp://host:8786), that cluster")
    parser.add_argument("--report", action="store_true", help="also write each clip's HTML/PDF report and replay")
    parser.add_argument("--model", help="pose .task bundle (default: the provisioned one)")


class _Lines:
    """The overall progress bar on stderr, and one line per finished clip on stdout."""

    def __init__(self):
        self.bar = ProgressBar("batch")

    def __call__(self, result: ClipResult, done: int, total: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
        print(f"[{done}/{total}] {_line(result)}", flush=True)
        self.bar(done, total)


def _line(r: ClipResult) -> str:
    name = Path(r.clip).name
    if not r.ok:  # input errors already start with the file's name
        return f"{name}: {r.status}: {r.error.removeprefix(name + ': ')}"
    took = f" in {r.seconds:.0f} s" if r.seconds else ""
    strides, findings = r.row.get("strides"), r.row.get("findings")
    return (f"{name}: {r.status}{took}: {r.row.get('view')} view, {strides} stride{'' if strides == 1 else 's'}, "
            f"{findings} finding{'' if findings == 1 else 's'}")


def run(args) -> int:
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    out = Path(args.output)
    results = run_batch(args.input, out, workers=args.workers, cluster=args.cluster,
                        with_report=args.report, model=args.model, notify=_Lines())
    unusable = [r for r in results if r.status in ("not a video", "duplicate")]
    for r in unusable:  # not clips the bar counted: listed once at the end
        print(f"{Path(r.clip).name}: {r.status}: {r.error}")
    failed = [r for r in results if r.status == "failed"]
    done = sum(r.ok for r in results)
    print(f"\n{done} clips analysed or already analysed, {len(failed)} failed, {len(unusable)} skipped")
    for r in failed:
        print(f"  failed: {r.clip}: {r.error.removeprefix(Path(r.clip).name + ': ')}")
    print(f"summary: {out / SUMMARY_CSV}, {out / SUMMARY_PARQUET}\nindex:   {out / INDEX_HTML}")
    return 1 if failed else 0
