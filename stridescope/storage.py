"""Stored sessions: the database tables, the content-addressed file store, and a small repository.

Layout of the data folder (``Settings.data_dir``)::

    stridescope.db        SQLite database (unless STRIDESCOPE_DB_URL names another)
    files/ab/abcdef...    every clip and analysis file, named by its SHA-256
    work/                 analyses in progress (emptied at start-up)
    comparisons/A-B/      cached comparisons of analyses A and B (re-creatable)

A session's rows are inserted in one transaction, and only after all of its
files are in the store, so a crash never leaves a session pointing at missing
files; files left without rows by a crash are swept by :meth:`Repository.collect_garbage`.
Names on disk never come from an upload: they are content hashes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship

from stridescope import migrations
from stridescope.settings import Settings
from vision.extract import file_sha256


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Athlete(Base):
    """A person whose running is analysed."""

    __tablename__ = "athletes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    sessions: Mapped[list[GaitSession]] = relationship(
        back_populates="athlete", cascade="all, delete-orphan"
    )


class GaitSession(Base):
    """One recorded clip of an athlete and what the user told us about it."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    clip_sha256: Mapped[str] = mapped_column(String(64), index=True)
    clip_label: Mapped[str] = mapped_column(String(255))  # shown to the user only, never a path
    clip_bytes: Mapped[int] = mapped_column(BigInteger)
    view_requested: Mapped[str] = mapped_column(String(8), default="auto")
    treadmill_speed_kmh: Mapped[float | None] = mapped_column(Float, nullable=True)
    height_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    capture_fps: Mapped[float | None] = mapped_column(Float, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    athlete: Mapped[Athlete] = relationship(back_populates="sessions")
    analyses: Mapped[list[AnalysisRecord]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AnalysisRecord.id"
    )


class AnalysisRecord(Base):
    """The analysis of a session's clip, with the model and code versions that made it."""

    __tablename__ = "analyses"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    model: Mapped[str] = mapped_column(String(200))
    code_version: Mapped[str] = mapped_column(String(100))
    software: Mapped[dict] = mapped_column(JSON, default=dict)
    view_kind: Mapped[str] = mapped_column(String(16))
    # {metric: {"value", "unit", "confidence"}}: enough for lists and trends without opening files.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    session: Mapped[GaitSession] = relationship(back_populates="analyses")
    files: Mapped[list[StoredFile]] = relationship(back_populates="analysis", cascade="all, delete-orphan")


class StoredFile(Base):
    """One file an analysis produced (``role`` is its path in the analysis folder)."""

    __tablename__ = "analysis_files"
    __table_args__ = (UniqueConstraint("analysis_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    analysis: Mapped[AnalysisRecord] = relationship(back_populates="files")


class FileStore:
    """Files named by their SHA-256 under ``root`` (two-level fan-out)."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, src: Path, sha256: str | None = None) -> tuple[str, bool]:
        """Move ``src`` into the store; return its hash and whether the store lacked it.

        ``sha256`` is ``src``'s hash if the caller already computed it (a clip is hashed once).
        """
        sha = sha256 or file_sha256(src)
        target = self.path(sha)
        if target.is_file():
            src.unlink()
            return sha, False
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")  # two uploads of one clip: two parts
        shutil.move(src, part)  # a rename when on the same file system
        os.replace(part, target)  # atomic: the name appears only when complete
        return sha, True

    def hashes(self) -> Iterator[str]:
        yield from (p.name for p in self.root.glob("??/*") if not p.name.endswith(".part"))

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)


@dataclass(frozen=True)
class AthleteInfo:
    id: int
    name: str
    n_sessions: int
    last_recorded_at: datetime | None


@dataclass(frozen=True)
class SessionInfo:
    """A stored session as the app shows it (plain data, safe to keep across reruns)."""

    id: int
    athlete_id: int
    athlete_name: str
    recorded_at: datetime
    clip_label: str
    clip_path: Path
    view_requested: str
    treadmill_speed_kmh: float | None
    height_cm: float | None
    notes: str
    analysis_id: int
    model: str
    code_version: str
    view_kind: str
    summary: dict
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``"Anna Berg · 2025-03-04 10:15 · side"``: how a session is named in pickers."""
        return f"{self.athlete_name} · {self.recorded_at.astimezone():%Y-%m-%d %H:%M} · {self.view_kind} (#{self.id})"

    def file(self, role: str) -> Path | None:
        return self.files.get(role)


@dataclass(frozen=True)
class NewSession:
    """What is known about a clip before it is stored."""

    athlete_name: str
    clip_label: str
    view_requested: str = "auto"
    treadmill_speed_kmh: float | None = None
    height_cm: float | None = None
    capture_fps: float | None = None
    notes: str = ""


@dataclass(frozen=True)
class AnalysisMeta:
    """Facts about an analysis that the database keeps beside its files."""

    model: str
    code_version: str
    view_kind: str
    summary: dict
    software: dict = field(default_factory=dict)


class Repository:
    """Sessions, athletes and their files: every write is one transaction."""

    def __init__(self, settings: Settings):
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.files = FileStore(settings.data_dir / "files")
        self.work_root = settings.data_dir / "work"
        self.comparisons_root = settings.data_dir / "comparisons"
        self.engine = create_engine(settings.database_url)
        # Browser sessions store concurrently: storing one session (files and rows) and undoing a
        # failed one must not interleave, or an undo could remove a file another session just got.
        self._storing = threading.RLock()
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_foreign_keys)
        migrations.upgrade(self.engine)  # a new database is made, an older one brought up to date

    # -- reading ---------------------------------------------------------------------------------

    def athletes(self) -> list[AthleteInfo]:
        """All athletes by name, with how many sessions each has."""
        with Session(self.engine) as db:
            rows = db.execute(
                select(Athlete.id, Athlete.name, func.count(GaitSession.id), func.max(GaitSession.recorded_at))
                .outerjoin(GaitSession)
                .group_by(Athlete.id)
                .order_by(Athlete.name)
            ).all()
        return [AthleteInfo(i, n, c, last) for i, n, c, last in rows]

    def sessions(self, athlete_id: int | None = None) -> list[SessionInfo]:
        """Sessions, newest first (only ``athlete_id``'s when given)."""
        query = _session_query().order_by(GaitSession.recorded_at.desc(), GaitSession.id.desc())
        if athlete_id is not None:
            query = query.where(GaitSession.athlete_id == athlete_id)
        with Session(self.engine) as db:
            return [info for s in db.scalars(query).unique() if (info := self._info(s))]

    def session(self, session_id: int) -> SessionInfo | None:
        with Session(self.engine) as db:
            s = db.scalars(_session_query().where(GaitSession.id == session_id)).unique().first()
            return self._info(s) if s else None

    def _info(self, s: GaitSession) -> SessionInfo | None:
        if not s.analyses:
            return None
        a = s.analyses[-1]  # the newest analysis of the clip
        return SessionInfo(
            id=s.id, athlete_id=s.athlete_id, athlete_name=s.athlete.name,
            recorded_at=_aware(s.recorded_at), clip_label=s.clip_label,
            clip_path=self.files.path(s.clip_sha256), view_requested=s.view_requested,
            treadmill_speed_kmh=s.treadmill_speed_kmh, height_cm=s.height_cm, notes=s.notes,
            analysis_id=a.id, model=a.model, code_version=a.code_version, view_kind=a.view_kind,
            summary=a.summary, files={f.role: self.files.path(f.sha256) for f in a.files},
        )

    def has_clip(self, sha256: str) -> bool:
        """Whether a session of this clip (by content hash) is stored."""
        with Session(self.engine) as db:
            return db.scalar(select(GaitSession.id).where(GaitSession.clip_sha256 == sha256).limit(1)) is not None

    def counts(self) -> dict[str, int]:
        """Rows per table: what a failed write must leave unchanged."""
        with Session(self.engine) as db:
            return {m.__tablename__: db.scalar(select(func.count()).select_from(m))
                    for m in (Athlete, GaitSession, AnalysisRecord, StoredFile)}

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def workspace(self) -> Iterator[Path]:
        """A private folder inside the data folder (same file system, so moves are renames); removed after."""
        self.work_root.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(dir=self.work_root))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def add_session(self, new: NewSession, clip: Path, out_dir: Path, meta: AnalysisMeta,
                    clip_sha256: str | None = None) -> int:
        """Store ``clip`` and every file under ``out_dir`` by hash, then insert the rows; return the session id.

        ``clip_sha256`` is the clip's hash if already known.
        The source files are moved, not copied.  If anything fails, files this
        call added to the store are removed again and no row is written.
        """
        added: list[str] = []
        with self._storing:
            try:
                clip_sha, clip_bytes = self._put(clip, added, clip_sha256)
                stored = self._put_folder(out_dir, added)
                for attempt in range(2):
                    try:
                        with Session(self.engine) as db, db.begin():
                            session = GaitSession(
                                athlete=self._athlete(db, new.athlete_name), clip_sha256=clip_sha,
                                clip_label=new.clip_label[:255], clip_bytes=clip_bytes,
                                view_requested=new.view_requested, treadmill_speed_kmh=new.treadmill_speed_kmh,
                                height_cm=new.height_cm, capture_fps=new.capture_fps, notes=new.notes,
                            )
                            session.analyses.append(AnalysisRecord(
                                model=meta.model, code_version=meta.code_version, software=meta.software,
                                view_kind=meta.view_kind, summary=meta.summary, files=stored,
                            ))
                            db.add(session)
                            db.flush()
                            return session.id
                    except IntegrityError:
                        # Another process (another app server on the same database) created this new
                        # athlete in the meantime: the name is unique, so try again and find theirs.
                        if attempt:
                            raise
                        stored = [StoredFile(role=f.role, sha256=f.sha256, size=f.size) for f in stored]
            except BaseException:
                self._remove_unreferenced(added)
                raise

    def _put(self, path: Path, added: list[str], sha256: str | None = None) -> tuple[str, int]:
        """Move one file into the store (``sha256``: its hash, if known); note its hash in ``added``
        if the store lacked it."""
        size = path.stat().st_size
        sha, is_new = self.files.put(path, sha256)
        if is_new:
            added.append(sha)
        return sha, size

    def _put_folder(self, out_dir: Path, added: list[str]) -> list[StoredFile]:
        return [StoredFile(role=p.relative_to(out_dir).as_posix(), sha256=sha, size=size)
                for p in sorted(out_dir.rglob("*")) if p.is_file()
                for sha, size in [self._put(p, added)]]

    def add_analysis(self, session_id: int, out_dir: Path, meta: AnalysisMeta, keep: dict[str, str] | None = None,
                     replaces: list[int] = ()) -> int:
        """A newer analysis of a stored session (e.g. on events a person corrected); return its id.

        Files under ``out_dir`` are moved into the store; ``keep`` maps further roles to files
        already stored (by hash).  The analyses ``replaces`` of the same session are deleted in
        the same transaction.  On failure nothing changes.
        """
        added: list[str] = []
        try:
            stored = self._put_folder(out_dir, added)
            roles = {f.role for f in stored}
            stored += [StoredFile(role=role, sha256=sha, size=self.files.path(sha).stat().st_size)
                       for role, sha in (keep or {}).items() if role not in roles]
            with Session(self.engine) as db, db.begin():
                session = db.get(GaitSession, session_id)
                if session is None:
                    raise ValueError(f"session {session_id} is not stored")
                old = [a for a in session.analyses if a.id in set(replaces)]
                gone = [f.sha256 for a in old for f in a.files]
                for a in old:
                    session.analyses.remove(a)
                record = AnalysisRecord(model=meta.model, code_version=meta.code_version, software=meta.software,
                                        view_kind=meta.view_kind, summary=meta.summary, files=stored)
                session.analyses.append(record)
                db.flush()
                new_id = record.id
        except BaseException:
            self._remove_unreferenced(added)
            raise
        self._forget_comparisons(replaces)
        self._remove_unreferenced(gone)
        return new_id

    def analysis_files(self, analysis_id: int) -> dict[str, str]:
        """Role -> hash of the files of one analysis."""
        with Session(self.engine) as db:
            return dict(db.execute(select(StoredFile.role, StoredFile.sha256)
                                   .where(StoredFile.analysis_id == analysis_id)).all())

    def analysis_ids(self, session_id: int) -> list[int]:
        """The session's analyses, oldest first (the first is the automatic one)."""
        with Session(self.engine) as db:
            return list(db.scalars(select(AnalysisRecord.id).where(AnalysisRecord.session_id == session_id)
                                   .order_by(AnalysisRecord.id)))

    @staticmethod
    def _athlete(db: Session, name: str) -> Athlete:
        name = " ".join(name.split())
        if not name:
            raise ValueError("the athlete needs a name")
        return db.scalars(select(Athlete).where(Athlete.name == name)).first() or Athlete(name=name)

    def delete_session(self, session_id: int) -> None:
        """Delete a session, its analyses, its cached comparisons and the files nothing else uses."""
        with Session(self.engine) as db, db.begin():
            s = db.get(GaitSession, session_id)
            if s is None:
                return
            analysis_ids = [a.id for a in s.analyses]
            hashes = [s.clip_sha256] + [f.sha256 for a in s.analyses for f in a.files]
            db.delete(s)
        self._forget_comparisons(analysis_ids)
        self._remove_unreferenced(hashes)

    def _forget_comparisons(self, analysis_ids: list[int]) -> None:
        for a_id in analysis_ids:
            for cached in self.comparisons_root.glob("*"):
                if str(a_id) in cached.name.split("-"):
                    shutil.rmtree(cached, ignore_errors=True)

    def comparison_dir(self, analysis_a: int, analysis_b: int) -> Path:
        """Where the comparison of two analyses is cached (it can always be made again)."""
        return self.comparisons_root / f"{analysis_a}-{analysis_b}"

    # -- housekeeping ----------------------------------------------------------------------------

    def _referenced(self, db: Session) -> set[str]:
        return set(db.scalars(select(GaitSession.clip_sha256))) | set(db.scalars(select(StoredFile.sha256)))

    def _remove_unreferenced(self, hashes: list[str]) -> None:
        with self._storing:  # not while another session is being stored
            with Session(self.engine) as db:
                used = self._referenced(db)
            for sha in set(hashes) - used:
                self.files.remove(sha)

    def collect_garbage(self) -> int:
        """Remove stored files no row refers to and leftovers of interrupted analyses; return files removed.

        Run at start-up, before any analysis is under way.
        """
        shutil.rmtree(self.work_root, ignore_errors=True)
        for part in self.files.root.glob("??/*.part"):
            part.unlink(missing_ok=True)
        with Session(self.engine) as db:
            used = self._referenced(db)
        orphans = [sha for sha in self.files.hashes() if sha not in used]
        for sha in orphans:
            self.files.remove(sha)
        return len(orphans)


def _session_query():
    # One SELECT with joins, not one per relation: separate SELECTs each see the database as it is then, so a
    # read while a correction replaces an analysis could get the new analysis without its files.
    return select(GaitSession).options(
        joinedload(GaitSession.athlete),
        joinedload(GaitSession.analyses).joinedload(AnalysisRecord.files),
    )


def _aware(t: datetime) -> datetime:
    """SQLite returns naive datetimes; they were stored in UTC."""
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
