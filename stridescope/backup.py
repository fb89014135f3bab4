"""A whole clinic in one file: every database row and every stored file, and back.

The archive (``.tar``) holds::

    manifest.json        format, schema revision, when, rows per table, every file's hash
    rows/<table>.json    the rows of each table, as plain JSON (restorable into SQLite or PostgreSQL)
    files/ab/abcdef...   every stored clip and analysis file, named by its SHA-256
    comparisons/...      cached comparisons (they could be made again, but are kept)

Rows are read in one transaction and stored files never change (they are
named by their content), so a backup taken while the app runs is consistent.
Restoring checks every file against its name, and refuses to touch a data
folder that already holds sessions unless told to replace them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Date, DateTime, delete, func, insert, select, text
from sqlalchemy.orm import Session

from stridescope import migrations
from stridescope.storage import Base, Repository
from vision.errors import InputError
from vision.extract import file_sha256

FORMAT = "stridescope-backup"
FORMAT_VERSION = 1
TABLES = [t for t in Base.metadata.sorted_tables]  # parents before children


class BackupError(InputError):
    """A backup cannot be written or read; the message says why."""


def _rows(db: Session, table) -> list[dict]:
    out = []
    for row in db.execute(select(table).order_by(*table.primary_key.columns)).mappings():
        out.append({k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()})
    return out


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup(repo: Repository, out: Path) -> dict:
    """Write the clinic's rows and files to the archive ``out`` (never over an existing file); return the manifest."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out}: already exists; choose a new name so no earlier backup is overwritten")
    with Session(repo.engine) as db, db.begin():
        rows = {t.name: _rows(db, t) for t in TABLES}
    hashes = sorted({r["clip_sha256"] for r in rows["sessions"]} | {r["sha256"] for r in rows["analysis_files"]})
    missing = [h for h in hashes if not repo.files.path(h).is_file()]
    if missing:
        raise BackupError(f"{len(missing)} stored file(s) are missing from {repo.files.root} "
                          f"(first: {missing[0]}); the data folder is damaged")
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": migrations.current(repo.engine),
        "created_at": datetime.now(UTC).isoformat(), "rows": {t: len(r) for t, r in rows.items()},
        "files": hashes,
    }
    part = out.with_name(out.name + ".part")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(part, "w") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
            for name, table_rows in rows.items():
                _add_bytes(tar, f"rows/{name}.json", json.dumps(table_rows, default=str).encode())
            for h in hashes:
                tar.add(repo.files.path(h), arcname=f"files/{h[:2]}/{h}")
            if repo.comparisons_root.is_dir():
                tar.add(repo.comparisons_root, arcname="comparisons")
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return manifest


def holdings(repo: Repository) -> tuple[int, int]:
    """Sessions and stored files the data folder holds now."""
    return repo.counts()["sessions"], sum(1 for _ in repo.files.hashes())


def restore(repo: Repository, archive: Path, replace: bool = False) -> dict:
    """Put the clinic in ``archive`` into ``repo`` (empty of sessions unless ``replace``); return its manifest.

    With ``replace`` the sessions and files already there are deleted first;
    callers say so and keep a backup of them (see ``stridescope restore``).
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such backup file")
    try:
        tar = tarfile.open(archive, "r")
    except tarfile.TarError as e:
        raise BackupError(f"{archive.name}: not a Stridescope backup ({e})") from e
    with tar:
        manifest = _manifest(tar, archive)
        sessions, files = holdings(repo)
        if (sessions or files) and not replace:
            raise BackupError(f"{repo.settings.data_dir} already holds {sessions} session(s) and {files} file(s); "
                              "restore into an empty installation, or pass --replace to discard them")
        staging = repo.settings.data_dir / "restoring"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _extract_checked(tar, staging, manifest, archive)
            rows = {t.name: json.loads((staging / "rows" / f"{t.name}.json").read_text()) for t in TABLES}
            for h in manifest["files"]:  # added beside any old files, so a failed insert below loses nothing
                repo.files.put(staging / "files" / h[:2] / h, h)  # checked against its hash above
            with Session(repo.engine) as db, db.begin():
                for table in reversed(TABLES):
                    db.execute(delete(table))
                for table in TABLES:
                    if rows[table.name]:
                        db.execute(insert(table), [_typed(table, r) for r in rows[table.name]])
                continue_id_sequences(db)
            repo.collect_garbage()  # the replaced sessions' files
            _replace_dir(staging / "comparisons", repo.comparisons_root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _manifest(tar: tarfile.TarFile, archive: Path) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, tarfile.TarError, json.JSONDecodeError, TypeError, EOFError, OSError) as e:
        raise BackupError(f"{archive.name}: not a Stridescope backup (no readable manifest)") from e
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name}: not a Stridescope backup")
    if manifest.get("format_version", 0) > FORMAT_VERSION or (
            manifest.get("schema_revision") or "0") > migrations.head():
        raise BackupError(f"{archive.name}: made by a newer Stridescope; upgrade this one before restoring")
    return manifest


def _extract_checked(tar: tarfile.TarFile, staging: Path, manifest: dict, archive: Path) -> None:
    """Unpack into ``staging`` and check every stored file against the hash that names it."""
    try:
        tar.extractall(staging, filter="data")  # no absolute paths, links or devices from an archive
    except (tarfile.TarError, OSError, EOFError) as e:
        raise BackupError(f"{archive.name}: the backup is damaged or cut short ({e})") from e
    for h in manifest["files"]:
        path = staging / "files" / h[:2] / h
        if not path.is_file() or file_sha256(path) != h:
            raise BackupError(f"{archive.name}: stored file {h} is missing or damaged; nothing was restored")


def _typed(table, row: dict) -> dict:
    """A row read from JSON with its dates turned back into datetimes; columns this schema lacks dropped."""
    out = {}
    for column in table.columns:
        if column.name in row:
            v = row[column.name]
            if isinstance(column.type, DateTime | Date) and isinstance(v, str):
                v = datetime.fromisoformat(v)
            out[column.name] = v
    return out


def continue_id_sequences(db: Session | Connection) -> None:
    """PostgreSQL hands out ids from sequences; after inserting ids they must continue past the largest."""
    bind = db.get_bind() if isinstance(db, Session) else db
    if bind.dialect.name != "postgresql":
        return
    for table in TABLES:
        top = db.scalar(select(func.max(table.c.id)))
        if top is not None:
            db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {int(top)})"))


def _replace_dir(new: Path, target: Path) -> None:
    """``target`` becomes ``new`` (absent ``new``: an empty ``target``)."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    if new.is_dir():
        os.replace(new, target)
    else:
        target.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(old, ignore_errors=True)
