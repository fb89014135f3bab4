"""Many clips, one command: every clip analysed, resumable, a summary table and an index.

A batch reads a folder (every video in it) or a CSV manifest (one clip per row
with the athlete, view, treadmill speed, height and capture frame rate) and
writes, under ``OUT``::

    clips/<clip>-<key>/   analysis.json, strides.csv, pose.npz, batch.json (+ report/ with --report)
    summary.csv, summary.parquet   one row per clip: status, error, every measure
    index.html                      links to each clip's report or analysis

``key`` is a hash of the clip's content, the pose model and the options, so
a clip already analysed with the same model and options is skipped, a
renamed copy of a clip is recognised as a duplicate, and nothing already
analysed is redone or overwritten.  A clip that fails is listed with its
error and never stops the others.

Clips run in a standard-library process pool, or on Dask distributed
(``pip install "stridescope[cluster]"``): a local cluster, or the scheduler
at an address (what dask-jobqueue or dask-kubernetes give you).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import html
import json
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import stridescope
from vision.errors import InputError
from vision.extract import file_sha256
from vision.parallel import PosePool

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".3gp"})
VIEWS = ("auto", "side", "rear", "front")
CLIPS_DIR, MARKER_FILE, REPORT_DIR = "clips", "batch.json", "report"
SUMMARY_CSV, SUMMARY_PARQUET, INDEX_HTML = "summary.csv", "summary.parquet", "index.html"
CONNECT_TIMEOUT = "10s"
"""How long to try to reach a Dask scheduler before saying it cannot be reached."""
MANIFEST_COLUMNS = ("clip", "athlete", "view", "treadmill_speed_kmh", "height_cm", "capture_fps")


class ClusterUnavailableError(InputError):
    """The Dask scheduler cannot be reached, or Dask is not installed."""


@dataclass(frozen=True)
class ClipJob:
    """One clip to analyse and the options it is analysed with."""

    path: str
    athlete: str = ""
    view: str = "auto"
    treadmill_speed_kmh: float | None = None
    height_cm: float | None = None
    capture_fps: float | None = None
    content_sha256: str = ""

    def key(self, model_identity: str) -> str:
        """Hash of what decides the result: content, model, options and software version."""
        facts = [self.content_sha256, model_identity, self.view, self.treadmill_speed_kmh, self.height_cm,
                 self.capture_fps, stridescope.__version__]
        return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:12]

    def folder_name(self, model_identity: str) -> str:
        return f"{Path(self.path).stem}-{self.key(model_identity)}"


@dataclass
class ClipResult:
    """What became of one clip."""

    clip: str
    status: str  # "analysed", "already analysed", "duplicate", "failed", "not a video"
    athlete: str = ""
    folder: str = ""
    error: str = ""
    seconds: float = 0.0
    row: dict = field(default_factory=dict)  # the clip's measures, for the summary table

    @property
    def ok(self) -> bool:
        return self.status in ("analysed", "already analysed")


# --- what to analyse -------------------------------------------------------------------------------------


def collect(input_path: str | Path, exclude: Path | None = None) -> tuple[list[ClipJob], list[ClipResult]]:
    """The clips named by a folder or a CSV manifest, and the entries that are not usable clips.

    Raises:
        InputError: the input is neither a folder nor a readable CSV manifest.
    """
    source = Path(input_path)
    if source.is_dir():
        jobs, problems = _from_folder(source, exclude)
    elif source.is_file() and source.suffix.lower() == ".csv":
        jobs, problems = _from_manifest(source)
    elif source.exists():
        raise InputError(f"{source}: give a folder of clips or a CSV manifest (.csv), not a single file")
    else:
        raise InputError(f"{source}: no such folder or manifest")
    hashed = []
    for job in jobs:
        try:
            hashed.append(replace(job, content_sha256=file_sha256(job.path)))
        except OSError as e:
            problems.append(ClipResult(job.path, "failed", job.athlete, error=f"cannot read the file ({e.strerror})"))
    return hashed, problems


def _from_folder(folder: Path, exclude: Path | None) -> tuple[list[ClipJob], list[ClipResult]]:
    jobs, problems = [], []
    excluded = exclude.resolve() if exclude else None
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):  # broken links: reported
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if hidden or (excluded is not None and excluded in path.resolve().parents):
            continue
        if path.suffix.lower() in VIDEO_SUFFIXES:
            jobs.append(ClipJob(str(path)))
        else:
            problems.append(ClipResult(str(path), "not a video",
                                       error=f"skipped: '{path.suffix or 'no extension'}' is not a video file type"))
    return jobs, problems


def _from_manifest(manifest: Path) -> tuple[list[ClipJob], list[ClipResult]]:
    try:
        with open(manifest, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{manifest.name}: cannot read the manifest ({e})") from e
    if not rows or "clip" not in rows[0]:
        raise InputError(f"{manifest.name}: the manifest needs a header row with a 'clip' column "
                         f"(columns: {', '.join(MANIFEST_COLUMNS)})")
    jobs, problems = [], []
    for line, row in enumerate(rows, start=2):
        try:
            jobs.append(_manifest_job(manifest.parent, row))
        except ValueError as e:
            problems.append(ClipResult(row.get("clip") or f"{manifest.name} line {line}", "failed",
                                       row.get("athlete") or "", error=f"{manifest.name} line {line}: {e}"))
    return jobs, problems


def _manifest_job(base: Path, row: dict) -> ClipJob:
    clip = (row.get("clip") or "").strip()
    if not clip:
        raise ValueError("no clip named")
    path = Path(clip) if Path(clip).is_absolute() else base / clip
    if not path.is_file():
        raise ValueError(f"{clip}: no such file")
    view = (row.get("view") or "auto").strip().lower()
    if view not in VIEWS:
        raise ValueError(f"view '{view}' is not one of {', '.join(VIEWS)}")
    return ClipJob(str(path), athlete=(row.get("athlete") or "").strip(), view=view,
                   treadmill_speed_kmh=_number(row, "treadmill_speed_kmh", 0.5, 40),
                   height_cm=_number(row, "height_cm", 50, 250), capture_fps=_number(row, "capture_fps", 1, 10000))


def _number(row: dict, column: str, low: float, high: float) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{column} '{text}' is not a number") from None
    if not low <= value <= high:
        raise ValueError(f"{column} {value:g} is outside {low:g}..{high:g}")
    return value


# --- one clip ---------------------------------------------------------------------------------------------


def analyse_job(job: ClipJob, folder: str, model: str | None, with_report: bool,
                poses: PosePool | None = None) -> ClipResult:
    """Analyse one clip into ``folder`` (runs on a worker); never raises.

    ``poses``: the pool to spread its pose extraction over (in-process runs only); else one core.

    The marker file is written last, so a clip interrupted half way is
    analysed again next time rather than taken for done.
    """
    from metrics.analysis import Analysis
    from stridescope.pipeline import ANALYSIS_FILE, analyze_clip

    start = time.monotonic()
    out = Path(folder)
    try:
        if _read_marker(out) and (out / ANALYSIS_FILE).is_file():
            analysis = Analysis.load(out / ANALYSIS_FILE)  # analysed before; only the report is new
        else:
            analysis = analyze_clip(job.path, out, view=job.view, treadmill_speed_kmh=job.treadmill_speed_kmh,
                                    height_cm=job.height_cm, capture_fps=job.capture_fps, model=model,
                                    clip_sha256=job.content_sha256 or None,
                                    workers=poses.workers if poses else 1, pool=poses).analysis
        report = ""
        if with_report:
            from reports.report import AnalysisFiles, build_report

            files = AnalysisFiles.load(out)
            written = build_report(files.analysis, files.track, out / REPORT_DIR, clip=job.path, athlete=job.athlete)
            report = str(Path(written["html"]).relative_to(out))
        marker = {"clip": job.path, "job": asdict(job), "report": report, "analysed_at": time.time()}
        _write_marker(out, marker)
        return ClipResult(job.path, "analysed", job.athlete, folder, seconds=time.monotonic() - start,
                          row=summary_row(analysis, marker))
    except InputError as e:
        return ClipResult(job.path, "failed", job.athlete, folder, str(e), time.monotonic() - start)
    except Exception as e:  # one clip's bug must not stop the batch; its trace is kept beside it
        out.mkdir(parents=True, exist_ok=True)
        (out / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
        return ClipResult(job.path, "failed", job.athlete, folder,
                          f"internal error {type(e).__name__}: {e} (details in {out / 'error.txt'})",
                          time.monotonic() - start)


def already_analysed(job: ClipJob, folder: Path, with_report: bool) -> ClipResult | None:
    """The earlier result of this clip with these options, if it is complete (and has its report if asked)."""
    from metrics.analysis import Analysis
    from stridescope.pipeline import ANALYSIS_FILE

    marker = _read_marker(folder)
    if not marker or not (folder / ANALYSIS_FILE).is_file() or (with_report and not marker.get("report")):
        return None
    try:
        analysis = Analysis.load(folder / ANALYSIS_FILE)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # damaged: analyse again
    return ClipResult(job.path, "already analysed", job.athlete, str(folder), row=summary_row(analysis, marker))


def _read_marker(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_marker(folder: Path, marker: dict) -> None:
    tmp = folder / (MARKER_FILE + ".part")
    tmp.write_text(json.dumps(marker, indent=1), encoding="utf-8")
    tmp.replace(folder / MARKER_FILE)


def summary_row(analysis, marker: dict) -> dict:
    """One clip's line of the summary table: what it is, then value, left and right of every measure."""
    job = marker.get("job", {})
    row = {
        "view": analysis.view.get("kind"), "strides": len(analysis.strides),
        "findings": len(analysis.findings), "detected_pct": round(100 * analysis.detected_fraction, 1),
        "treadmill_speed_kmh": job.get("treadmill_speed_kmh"), "height_cm": job.get("height_cm"),
        "capture_fps": job.get("capture_fps"), "report": marker.get("report", ""),
        "quality_notes": "; ".join(q.code for q in analysis.quality),
    }
    for name, m in analysis.metrics.items():
        row[name], row[f"{name}_left"], row[f"{name}_right"] = m.value, m.left, m.right
    return row


# --- many clips -------------------------------------------------------------------------------------------


Notify = Callable[[ClipResult, int, int], None]
"""Called as ``notify(result, done, total)`` when a clip is finished."""


def run_batch(
    input_path: str | Path,
    out_dir: str | Path,
    *,
    workers: int = 1,
    cluster: str | None = None,
    with_report: bool = False,
    model: str | None = None,
    notify: Notify | None = None,
) -> list[ClipResult]:
    """Analyse every clip of ``input_path`` into ``out_dir``; write the summary table and index.

    ``cluster``: None runs ``workers`` local processes (1: in this process);
    ``"local"`` starts a Dask LocalCluster of ``workers`` processes; anything
    else is a Dask scheduler address.

    Raises:
        InputError: the input cannot be read, or the cluster cannot be reached
            (before any clip is started).
    """
    from vision.model import resolve_model

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: the output must be a folder, and this is a file")
    jobs, results = collect(input_path, exclude=out)
    identity = resolve_model(model).identity
    unique: dict[str, ClipJob] = {}
    for job in jobs:
        key = job.key(identity)
        if key in unique:
            results.append(ClipResult(job.path, "duplicate", job.athlete,
                                      error=f"same content and options as {unique[key].path}; analysed once"))
        else:
            unique[key] = job
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{out}: cannot create the output folder ({e.strerror})") from None
    total, done, todo = len(unique), 0, []
    for job in unique.values():
        folder = _folder_for(out / CLIPS_DIR, job, identity)
        if (earlier := already_analysed(job, folder, with_report)) is not None:
            done += 1
            results.append(earlier)
            if notify:
                notify(earlier, done, total)
        else:
            todo.append((job, folder))
    if todo:
        # Several clips: one per core, which wastes nothing on chunk warm-ups; one clip: its chunks take the cores.
        inline = cluster is None and (workers <= 1 or len(todo) == 1)
        with (PosePool(workers) if inline else contextlib.nullcontext()) as poses, \
                _executor(1 if inline else workers, cluster) as pool:
            futures = {pool.submit(analyse_job, job, str(folder), model, with_report, poses): job
                       for job, folder in todo}
            for future in as_completed(futures):
                done += 1
                results.append(result := _result_of(future, futures[future]))
                if notify:
                    notify(result, done, total)
    order = {job.path: i for i, job in enumerate(jobs)}
    results.sort(key=lambda r: (order.get(r.clip, len(order)), r.clip))
    write_summary(results, out)
    write_index(results, out)
    return results


def _folder_for(clips: Path, job: ClipJob, identity: str) -> Path:
    """The clip's folder: the one already made for this content and options (under any earlier name), or a new one."""
    earlier = sorted(clips.glob(f"*-{job.key(identity)}")) if clips.is_dir() else []
    return earlier[0] if earlier else clips / job.folder_name(identity)


def _result_of(future: Future, job: ClipJob) -> ClipResult:
    """The worker's result, or the failure of the worker itself (killed, out of memory, lost node)."""
    try:
        return future.result()
    except Exception as e:
        return ClipResult(job.path, "failed", job.athlete,
                          error=f"the worker running it failed: {type(e).__name__}: {e}")


class _InProcess(Executor):
    """Runs each submitted call at once, here: the serial batch needs no processes."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def _executor(workers: int, cluster: str | None) -> Executor:
    if cluster is not None:
        return _dask_executor(workers, cluster)
    if workers <= 1:
        return _InProcess()
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


class _DaskExecutor(Executor):
    """A Dask ``Client`` seen as a ``concurrent.futures`` executor; closes its local cluster too."""

    def __init__(self, client, cluster=None):
        self._client, self._cluster = client, cluster
        self._executor = client.get_executor(pure=False)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self._executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, **kwargs) -> None:
        self._executor.shutdown(wait=wait)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _dask_executor(workers: int, address: str) -> Executor:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterUnavailableError(
            'running on a cluster needs Dask distributed: pip install "stridescope[cluster]"') from None
    if address == "local":
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        return _DaskExecutor(Client(cluster), cluster)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as e:
        raise ClusterUnavailableError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    return _DaskExecutor(client)


# --- results ----------------------------------------------------------------------------------------------


def summary_rows(results: list[ClipResult]) -> list[dict]:
    """Every clip's row, with the same columns in the same order."""
    rows = [{"clip": r.clip, "athlete": r.athlete, "status": r.status, "error": r.error,
             "folder": r.folder, "seconds": round(r.seconds, 1), **r.row} for r in results]
    columns = list(dict.fromkeys(c for row in rows for c in row))
    return [{c: row.get(c) for c in columns} for row in rows]


def write_summary(results: list[ClipResult], out: Path) -> tuple[Path, Path]:
    """``summary.csv`` and ``summary.parquet``: one row per clip, each written whole then renamed."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(summary_rows(results))
    paths = out / SUMMARY_CSV, out / SUMMARY_PARQUET
    for path, write in zip(paths, (pa_csv.write_csv, pq.write_table)):
        tmp = path.with_name(path.name + ".part")
        write(table, str(tmp))
        tmp.replace(path)
    return paths


def write_index(results: list[ClipResult], out: Path) -> Path:
    """``index.html``: one line per clip linking its report (or analysis), failures with their error."""
    lines = []
    for r in results:
        name = html.escape(Path(r.clip).name)
        if r.ok:
            folder = Path(r.folder).relative_to(out)
            target = folder / (r.row.get("report") or "analysis.json")
            cell = f'<a href="{html.escape(target.as_posix())}">{name}</a>'
            detail = f"{r.row.get('view')} view, {r.row.get('strides')} strides, {r.row.get('findings')} findings"
        else:
            cell, detail = name, html.escape(r.error)
        lines.append(f"<tr class=\"{html.escape(r.status.replace(' ', '-'))}\"><td>{cell}</td>"
                     f"<td>{html.escape(r.athlete)}</td><td>{html.escape(r.status)}</td><td>{detail}</td></tr>")
    ok = sum(r.ok for r in results)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stridescope batch</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em .8em;text-align:left}}
tr.failed td,tr.not-a-video td{{color:#a00}}tr.duplicate td{{color:#666}}</style></head>
<body><h1>Stridescope batch</h1>
<p>{ok} of {len(results)} clips analysed. Summary table: <a href="{SUMMARY_CSV}">{SUMMARY_CSV}</a>,
<a href="{SUMMARY_PARQUET}">{SUMMARY_PARQUET}</a>.</p>
<table><tr><th>clip</th><th>athlete</th><th>status</th><th>result</th></tr>
{chr(10).join(lines)}
</table></body></html>
"""
    path = out / INDEX_HTML
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def default_workers() -> int:
    return os.cpu_count() or 1
