"""What the app does, without the app: take a clip, analyse it, keep the session; open, step, compare.

The workflow of a new session is all-or-nothing::

    upload --check type, size, content--> work/clip
           --pipeline + reports--------> work/analysis/...
           --Repository.add_session----> files by hash + rows in one transaction

Until the last step nothing is in the store, and the work folder is removed
whatever happens.  Opening a stored session reads its files; nothing is
recomputed.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np

import stridescope
from metrics.analysis import Analysis
from metrics.gait import Gait
from reports.annotate import annotated_frame, default_annotators
from reports.compare_report import COMPARISON_JSON, write_comparison
from reports.report import AnalysisFiles, build_report, legacy_gait
from reports.state import ClipStates
from stridescope import uploads
from stridescope.pipeline import ANALYSIS_FILE, GAIT_FILE, POSE_FILE, analyze_clip
from stridescope.storage import AnalysisMeta, NewSession, Repository, SessionInfo
from vision.errors import InputError
from vision.extract import file_sha256
from vision.track import PoseTrack
from vision.video import VideoInfo, iter_frames, probe

StageProgress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``."""

VIEWS = ("auto", "side", "rear")
COMPARISON_FILE = COMPARISON_JSON


def analyse_upload(repo: Repository, source: BinaryIO, filename: str, new: NewSession,
                   progress: StageProgress | None = None) -> int:
    """Check, analyse and store an uploaded clip; return the new session's id.

    Raises :class:`vision.errors.InputError` (with a one-line message) for a
    clip that cannot be used; the store is then unchanged.
    """
    label = uploads.clip_label(filename)
    with repo.workspace() as work:
        _report(progress, "checking the clip", 0, 1)
        clip = work / "clip"
        uploads.receive(source, label, clip, repo.settings.max_upload_bytes)
        _report(progress, "checking the clip", 1, 1)
        out = work / "analysis"
        sha = file_sha256(clip)  # the one hash of the upload: cache key, store name and recorded path
        # The stored analysis names the stored clip, so reports made from it later find the video.
        gait, analysis = analyze_clip(
            clip, out, view=new.view_requested, treadmill_speed_kmh=new.treadmill_speed_kmh,
            height_cm=new.height_cm, capture_fps=new.capture_fps, model=None, progress=progress,
            clip_sha256=sha, recorded_path=repo.files.path(sha), workers=os.cpu_count() or 1,
        )
        _write_reports(analysis, gait, out, clip, new.athlete_name, progress)
        _report(progress, "saving the session", 0, 1)
        session_id = repo.add_session(replace(new, clip_label=label), clip, out, analysis_meta(analysis),
                                      clip_sha256=sha)
        _report(progress, "saving the session", 1, 1)
        return session_id


def analyse_file(repo: Repository, path: Path, new: NewSession,
                 progress: StageProgress | None = None) -> int:
    """:func:`analyse_upload` for a clip on disk (a bundled sample)."""
    with open(path, "rb") as source:
        return analyse_upload(repo, source, path.name, new, progress)


def _write_reports(analysis: Analysis, gait: Gait, out: Path, clip: Path, athlete: str,
                   progress: StageProgress | None) -> None:
    """The annotated replay, stills, plots, HTML/PDF report and exports, beside ``analysis.json``."""
    build_report(analysis, gait, PoseTrack.load(out / POSE_FILE), out, clip=clip, athlete=athlete,
                 progress=lambda step: lambda done, total: _report(progress, step, done, total))


def _report(progress: StageProgress | None, stage: str, done: int, total: int) -> None:
    if progress:
        progress(stage, done, total)


def analysis_meta(analysis: Analysis) -> AnalysisMeta:
    """What the database keeps about an analysis: versions, view, and each metric's headline value."""
    summary = {
        name: {"value": m.value, "unit": m.unit, "left": m.left, "right": m.right,
               "confidence": m.confidence.level if m.confidence else None}
        for name, m in analysis.metrics.items()
    }
    return AnalysisMeta(
        model=analysis.model,
        code_version=str(analysis.software.get("stridescope", stridescope.__version__)),
        view_kind=str(analysis.view.get("kind", "unknown")),
        summary=summary,
        software=analysis.software,
    )


def load_analysis(session: SessionInfo) -> Analysis:
    """The stored ``analysis.json`` of a session."""
    return Analysis.load(session.file(ANALYSIS_FILE))


def stored_files(session: SessionInfo) -> AnalysisFiles:
    """A session's analysis, gait and pose track as stored (sessions stored before ``gait.npz``
    existed get their gait rebuilt from the track, see :func:`reports.report.legacy_gait`)."""
    analysis, track = load_analysis(session), PoseTrack.load(session.file(POSE_FILE))
    gait_file = session.files.get(GAIT_FILE)
    gait = Gait.load(gait_file) if gait_file is not None else legacy_gait(analysis, track)
    return AnalysisFiles(analysis, gait, track)


def sample_clips(folder: Path) -> list[Path]:
    """The bundled example clips, by name."""
    return sorted(p for p in folder.glob("*") if p.suffix.lower() in uploads.ACCEPTED_SUFFIXES)


SAMPLE_ATHLETE = "Sample runner"


def sample_session(clip: Path) -> NewSession:
    """What a therapist would type for a bundled sample: belt speed and height from its ``.truth.json``.

    The measured values in that file are never read here.
    """
    facts = clip.with_suffix(".truth.json")
    params = json.loads(facts.read_text()).get("params", {}) if facts.is_file() else {}
    height_m = params.get("height_m")
    return NewSession(athlete_name=SAMPLE_ATHLETE, clip_label=clip.name, view_requested="auto",
                      treadmill_speed_kmh=params.get("belt_speed_kmh"),
                      height_cm=100 * height_m if height_m else None, notes="bundled sample")


def import_samples(repo: Repository, folder: Path,
                   progress: Callable[[Path], StageProgress | None] = lambda clip: None) -> list[int]:
    """Analyse every bundled sample not stored yet (so a new installation has sessions to show)."""
    return [analyse_file(repo, clip, sample_session(clip), progress(clip))
            for clip in sample_clips(folder) if not repo.has_clip(file_sha256(clip))]


class NotComparableError(InputError):
    """Two sessions share no complete stride of one foot to align the replays on."""


@dataclass(frozen=True)
class ComparisonFiles:
    """A comparison of two sessions as stored in its folder."""

    folder: Path

    @property
    def replay(self) -> Path:
        return self.folder / "sidebyside.mp4"

    @property
    def report(self) -> Path:
        return self.folder / "comparison.html"

    @property
    def curves(self) -> list[Path]:
        return sorted(self.folder.glob("*.png"))

    def changes(self) -> list[dict]:
        """Per metric: before, after, change, direction relative to the reference, detectable change."""
        return json.loads((self.folder / COMPARISON_FILE).read_text())["changes"]


def compare_sessions(repo: Repository, before: SessionInfo, after: SessionInfo,
                     progress: StageProgress | None = None) -> ComparisonFiles:
    """The comparison of two stored sessions: made once, then read from its folder."""
    out = repo.comparison_dir(before.analysis_id, after.analysis_id)
    if not (out / COMPARISON_FILE).is_file():
        with repo.workspace() as work:
            made = work / "comparison"
            _write_comparison(before, after, made, progress)
            out.parent.mkdir(parents=True, exist_ok=True)
            os.replace(made, out)  # the folder appears complete or not at all
    return ComparisonFiles(out)


def _write_comparison(before: SessionInfo, after: SessionInfo, out: Path,
                      progress: StageProgress | None) -> None:
    """The files of a comparison, as ``stridescope compare`` writes them, into ``out``."""
    out.mkdir(parents=True)
    labels = tuple(f"{word} · {s.recorded_at.astimezone():%d %b %Y}"
                   for word, s in (("before", before), ("after", after)))
    a, b = (stored_files(s) for s in (before, after))
    try:
        write_comparison(a.analysis, a.gait, b.analysis, b.gait, out, labels=labels,
                         clips=(before.clip_path, after.clip_path),
                         progress=lambda done, total: _report(progress, "side-by-side replay", done, total))
    except ValueError as e:  # no stride to align on
        raise NotComparableError(f"these two sessions cannot be shown side by side: {e}") from e


@dataclass
class _Cursor:
    frames: Iterator[tuple[int, float, np.ndarray]]
    index: int = -1


class FrameStepper:
    """Frames of a stored clip with the replay's annotations, for stepping one at a time.

    Stepping forward continues the open decoder; stepping back restarts it
    (clips have few key frames), and the last few frames are kept so back
    and forth is instant.
    """

    def __init__(self, session: SessionInfo, keep: int = 16):
        files = stored_files(session)
        self.analysis = files.analysis
        self.info: VideoInfo = probe(session.clip_path, capture_fps=self.analysis.clip.get("capture_fps"))
        self.states = ClipStates(self.analysis, files.gait)
        self.layers = default_annotators(self.states.stance_intervals())
        self.n_frames = min(self.info.n_frames, len(self.states))
        self._recent: OrderedDict[int, np.ndarray] = OrderedDict()
        self._keep = keep
        self._cursor: _Cursor | None = None
        self._lock = threading.Lock()

    def time_of(self, index: int) -> float:
        return self.states.time_of(index)

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` (RGB) with skeleton, angles and readouts drawn as on the replay."""
        with self._lock:
            if index not in self._recent:
                self._recent[index] = annotated_frame(self._decoded(index), self.states[index], self.layers)
                while len(self._recent) > self._keep:
                    self._recent.popitem(last=False)
            self._recent.move_to_end(index)
            return self._recent[index]

    def _decoded(self, index: int) -> np.ndarray:
        if not 0 <= index < self.n_frames:
            raise IndexError(f"frame {index} is outside 0..{self.n_frames - 1}")
        if self._cursor is None or self._cursor.index >= index:
            self._cursor = _Cursor(iter_frames(self.info))
        for i, _, rgb in self._cursor.frames:
            self._cursor.index = i
            if i == index:
                return rgb
        raise IndexError(f"frame {index} could not be decoded")
