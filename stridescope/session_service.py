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
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np

import stridescope
from metrics.analysis import Analysis, GaitEvent
from metrics.gait import Gait
from metrics.measure import Analysed, write_strides_csv
from metrics.review import reviewed_analysis
from reports.annotate import annotated_frame, default_annotators
from reports.compare_report import COMPARISON_JSON, write_comparison
from reports.report import AnalysisFiles, build_report, legacy_gait
from reports.state import ClipStates
from stridescope import uploads
from stridescope.pipeline import ANALYSIS_FILE, GAIT_FILE, POSE_FILE, STRIDES_FILE, analyze_clip
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
    a, b = (stored_files(s) for s in (before, after))
    labels = tuple(f"{word} · {s.recorded_at.astimezone():%d %b %Y}" + _reviewed_label(files.analysis)
                   for word, s, files in (("before", before, a), ("after", after, b)))
    try:
        write_comparison(a.analysis, a.gait, b.analysis, b.gait, out, labels=labels,
                         clips=(before.clip_path, after.clip_path),
                         progress=lambda done, total: _report(progress, "side-by-side replay", done, total))
    except ValueError as e:  # no stride to align on
        raise NotComparableError(f"these two sessions cannot be shown side by side: {e}") from e


def _reviewed_label(analysis: Analysis) -> str:
    """`` · events reviewed (3 changed)`` for a comparison's labels, or nothing."""
    r = analysis.events_review
    return f" · events reviewed ({r['changed']} changed)" if r and r.get("reviewed") else ""


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


# -- reviewing the events of a stored session --------------------------------------------------------------
#
# A session's first analysis holds the automatic events.  Each correction stores a newer analysis
# of the session, measured again from the stored pose track on the corrected events, beside
# ``events_review.json`` (automatic and corrected events, strides left out, what changed when);
# the previous corrected analysis is replaced, so a session keeps at most two.  The replay and
# report are carried over until regenerated on request.

REVIEW_FILE = "events_review.json"
QUICK_ROLES = (ANALYSIS_FILE, GAIT_FILE, STRIDES_FILE, REVIEW_FILE)  # rewritten on every correction

_EDITING: dict[int, threading.RLock] = {}
_EDITING_GUARD = threading.Lock()


class StaleReviewError(InputError):
    """A correction made on a session's events as they were before another correction was stored."""


@contextmanager
def editing(session_id: int) -> Iterator[None]:
    """Hold while reading a session's events, changing them and storing the change.

    Changes that arrive together (a double click in the app runs both clicks' callbacks at once, in two
    script threads; two browser tabs) are then made one after the other, each on the stored result of the
    one before.  Made at once on the same stored state, one correction was lost and the session's newer
    analysis kept none of the pose track, replay or report (the other had replaced the analysis they came
    from), so the results page failed.
    """
    with _EDITING_GUARD:
        lock = _EDITING.setdefault(session_id, threading.RLock())
    with lock:
        yield


@dataclass
class EventReview:
    """A person's events of one session and how they came to be."""

    automatic: list[GaitEvent]
    events: list[GaitEvent]
    excluded: list[tuple[str, int]] = field(default_factory=list)  # (foot, initial_contact_frame)
    history: list[dict] = field(default_factory=list)  # {"at", "action", ...} oldest first
    reports_current: bool = True  # replay and report show these events

    @property
    def changed(self) -> bool:
        return bool(self.history)

    def to_dict(self) -> dict:
        return {"automatic": [asdict(e) for e in self.automatic], "events": [asdict(e) for e in self.events],
                "excluded": [list(x) for x in self.excluded], "history": self.history,
                "reports_current": self.reports_current}

    @classmethod
    def from_dict(cls, d: dict) -> EventReview:
        return cls([GaitEvent(**e) for e in d["automatic"]], [GaitEvent(**e) for e in d["events"]],
                   [(foot, int(frame)) for foot, frame in d.get("excluded", [])], list(d.get("history", [])),
                   bool(d.get("reports_current", False)))


def event_review(session: SessionInfo) -> EventReview:
    """The session's review: as stored, or a fresh one on the automatic events."""
    stored = session.file(REVIEW_FILE)
    if stored is not None:
        return EventReview.from_dict(json.loads(stored.read_text()))
    events = load_analysis(session).events
    return EventReview(list(events), list(events))


def session_track(session: SessionInfo) -> PoseTrack:
    return PoseTrack.load(session.file(POSE_FILE))


def session_gait(session: SessionInfo) -> Gait:
    """The session's stored :class:`Gait` (cleaned once when analysed), reused for every correction."""
    return stored_files(session).gait


def _options(session: SessionInfo) -> dict:
    return {"view": session.view_requested, "treadmill_speed_kmh": session.treadmill_speed_kmh,
            "height_cm": session.height_cm}


def recompute(session: SessionInfo, review: EventReview, track: PoseTrack | None = None,
              at: datetime | None = None, gait: Gait | None = None) -> Analysed:
    """The session measured again on ``review``'s events from its stored pose track (no pose model)."""
    track = track or session_track(session)
    result = reviewed_analysis(
        track, review.events, excluded=review.excluded, source="reviewed in the app", automatic=review.automatic,
        history=review.history, at=at, gait=gait or session_gait(session), **_options(session))
    result.analysis.clip = load_analysis(session).clip  # names the stored clip
    return result


def save_review(repo: Repository, session: SessionInfo, review: EventReview, action: dict,
                track: PoseTrack | None = None, gait: Gait | None = None) -> SessionInfo:
    """Store ``review`` after the edit ``action`` (e.g. ``{"action": "move", ...}``); return the session as stored.

    The measures, findings and per-stride table are made again at once; the replay, report
    figures, report and exports are kept as they were, marked out of date.  Raises
    :class:`StaleReviewError`, storing nothing, when ``session`` is no longer the stored one (another
    correction came first; read, change and save under :func:`editing` to make them one after the other).
    """
    with editing(session.id):
        if repo.session(session.id).analysis_id != session.analysis_id:
            raise StaleReviewError("The events were changed meanwhile (another correction was stored first); "
                                   "nothing was saved: make the correction again on the events as they are now.")
        now = datetime.now(UTC)
        review = replace(review, history=[*review.history, {"at": now.isoformat(timespec="seconds"), **action}],
                         reports_current=False)
        track = track or session_track(session)
        gait, analysis = recompute(session, review, track, at=now, gait=gait)
        with repo.workspace() as work:
            _write_quick(analysis, gait, review, work)
            keep = {role: sha for role, sha in repo.analysis_files(session.analysis_id).items()
                    if role not in QUICK_ROLES}
            _store(repo, session, work, analysis, keep)
        return repo.session(session.id)


def regenerate_reports(repo: Repository, session: SessionInfo, progress: StageProgress | None = None) -> SessionInfo:
    """Make the replay, stills, plots, report and exports again for the session's current events."""
    with editing(session.id):
        session = repo.session(session.id)  # as stored now: a correction may have come since it was read
        review = replace(event_review(session), reports_current=True)
        files = stored_files(session)
        analysis, gait, track = files.analysis, files.gait, files.track
        with repo.workspace() as work:
            _write_quick(analysis, gait, review, work)
            build_report(analysis, gait, track, work, clip=session.clip_path, athlete=session.athlete_name,
                         progress=lambda step: lambda done, total: _report(progress, step, done, total))
            _store(repo, session, work, analysis, {POSE_FILE: repo.analysis_files(session.analysis_id)[POSE_FILE]})
        return repo.session(session.id)


def revert_to_automatic(repo: Repository, session: SessionInfo) -> SessionInfo:
    """Back to the automatic events: the corrected analyses are deleted, the first one is shown again."""
    with editing(session.id):
        first, *later = repo.analysis_ids(session.id)
        if later:
            with repo.workspace() as work:
                repo.add_analysis(session.id, work, _meta_of(repo, session, first),
                                  keep=repo.analysis_files(first), replaces=later)
        return repo.session(session.id)


def _meta_of(repo: Repository, session: SessionInfo, analysis_id: int) -> AnalysisMeta:
    """The first analysis's facts, read back from its own analysis.json."""
    path = repo.files.path(repo.analysis_files(analysis_id)[ANALYSIS_FILE])
    return analysis_meta(Analysis.load(path))


def _write_quick(analysis: Analysis, gait: Gait, review: EventReview, out: Path) -> None:
    """analysis.json, gait.npz, strides.csv and the review: what a correction changes at once."""
    analysis.save(out / ANALYSIS_FILE)
    gait.save(out / GAIT_FILE)
    write_strides_csv(analysis, out / STRIDES_FILE)
    (out / REVIEW_FILE).write_text(json.dumps(review.to_dict(), indent=1))


def _store(repo: Repository, session: SessionInfo, work: Path, analysis: Analysis, keep: dict[str, str]) -> None:
    first, *later = repo.analysis_ids(session.id)
    repo.add_analysis(session.id, work, analysis_meta(analysis), keep=keep, replaces=later)


# -- several people in view: who is measured --------------------------------------------------------------
#
# The pose track of a session says who was found in view and who was measured (``PoseTrack.people``,
# see :func:`vision.people.follow_runner`).  When the user picks another person, the clip is analysed
# again for that person and stored as a newer analysis of the session (beside ``person.json``, the
# choice), as an event correction is; going back to the automatic analysis undoes it.

PERSON_FILE = "person.json"


def people_in_view(session: SessionInfo) -> dict:
    """Who was found in view and who was measured (``candidates``, ``chosen``, ...; empty if one person)."""
    people = session_track(session).people
    return people if len(people.get("candidates") or []) > 1 else {}


def person_thumbnails(clip: Path, people: dict, width: int = 360) -> list[np.ndarray]:
    """One picture per person found: the frame they are shown at, around them, their box drawn (green: the
    measured one), ``width`` pixels wide."""
    from PIL import Image, ImageDraw

    wanted = {p["shown_at"]["frame"] for p in people["candidates"]}
    frames = {}
    for i, _, rgb in iter_frames(probe(clip), only=wanted):
        frames[i] = rgb
        if len(frames) == len(wanted):
            break
    pictures = []
    for k, p in enumerate(people["candidates"]):
        image = Image.fromarray(frames[p["shown_at"]["frame"]])
        x0, y0, x1, y1 = p["shown_at"]["box"]
        colour = (0, 170, 0) if k == people["chosen"] else (230, 120, 0)
        ImageDraw.Draw(image).rectangle((x0, y0, x1, y1), outline=colour, width=max(3, image.width // 300))
        # Around the person, with enough of the scene to tell where they are: 4:3, at least half the frame high.
        h = min(max(2.0 * (y1 - y0), 0.5 * image.height), image.height)
        w = min(4 / 3 * h, image.width)
        left = min(max((x0 + x1) / 2 - w / 2, 0), image.width - w)
        top = min(max((y0 + y1) / 2 - h / 2, 0), image.height - h)
        crop = image.crop((round(left), round(top), round(left + w), round(top + h)))
        pictures.append(np.asarray(crop.resize((width, round(crop.height * width / crop.width)))))
    return pictures


def measure_person(repo: Repository, session: SessionInfo, person: int,
                   progress: StageProgress | None = None) -> SessionInfo:
    """Analyse the session's clip again for ``person`` (an index into the people found) and store it as the
    session's newer analysis, with its reports; return the session as stored."""
    clip = load_analysis(session).clip
    capture_fps = clip.get("capture_fps") if clip.get("capture_fps_source") == "user" else None
    with repo.workspace() as work:
        gait, analysis = analyze_clip(
            session.clip_path, work, view=session.view_requested, treadmill_speed_kmh=session.treadmill_speed_kmh,
            height_cm=session.height_cm, capture_fps=capture_fps, progress=progress,
            recorded_path=session.clip_path, workers=os.cpu_count() or 1, person=person)
        _write_reports(analysis, gait, work, session.clip_path, session.athlete_name, progress)
        (work / PERSON_FILE).write_text(json.dumps({"person": person, "at": datetime.now(UTC).isoformat()}))
        first, *later = repo.analysis_ids(session.id)
        repo.add_analysis(session.id, work, analysis_meta(analysis), replaces=later)
    return repo.session(session.id)
