"""Upgrades and backups keep everything: every session of an older database opens after the upgrade,
and a clinic backed up and restored (into SQLite or PostgreSQL) is the same, file for file, byte for byte."""

from __future__ import annotations

import hashlib
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from stridescope import migrations
from stridescope.backup import BackupError, backup, continue_id_sequences, restore
from stridescope.cli import main
from stridescope.settings import load_settings
from stridescope.storage import NewSession, Repository
from tests.test_storage import META, analysis_output

DATA = Path(__file__).parent / "data"


def settings_for(data_dir: Path, url: str):
    return load_settings({"STRIDESCOPE_DATA": str(data_dir), "STRIDESCOPE_DB_URL": url})


def put_file(data_dir: Path, content: bytes) -> str:
    sha = hashlib.sha256(content).hexdigest()
    path = data_dir / "files" / sha[:2] / sha
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return sha


def make_0_1_0_clinic(data_dir: Path, url: str) -> dict[int, dict[str, bytes]]:
    """A data folder as Stridescope 0.1.0 left it: its DDL, two athletes, three sessions, files, a comparison.

    Returns each session's expected files (role -> bytes; "clip" for the clip).
    """
    engine = create_engine(url)
    ddl = (DATA / f"schema_0.1.0.{engine.dialect.name}.sql").read_text()
    expected: dict[int, dict[str, bytes]] = {}
    with engine.begin() as db:
        for statement in ddl.split(";"):
            if statement.strip().strip("-").strip() and "CREATE" in statement:
                db.execute(text(statement))
        t = datetime(2025, 3, 4, 10, 15, tzinfo=UTC)
        db.execute(text("INSERT INTO athletes (id, name, created_at) VALUES (1, 'Anna Berg', :t), "
                        "(2, 'Jörg Ødegård <b>', :t)"), {"t": t})
        for sid, athlete in ((1, 1), (2, 1), (3, 2)):
            clip = f"clip {sid}".encode() * 100
            files = {"analysis.json": json.dumps({"session": sid}).encode(), "strides.csv": b"stride\n0\n",
                     "plots/knee.png": b"\x89PNG" + bytes([sid]) * 50}
            db.execute(text(
                "INSERT INTO sessions (id, athlete_id, recorded_at, clip_sha256, clip_label, clip_bytes, "
                "view_requested, treadmill_speed_kmh, height_cm, capture_fps, notes) VALUES "
                "(:id, :a, :t, :sha, :label, :n, 'side', 10.0, NULL, NULL, 'old shoes')"),
                {"id": sid, "a": athlete, "t": t.replace(day=sid), "sha": put_file(data_dir, clip),
                 "label": f"run {sid}.mp4", "n": len(clip)})
            db.execute(text(
                "INSERT INTO analyses (id, session_id, created_at, model, code_version, software, view_kind, "
                "summary) VALUES (:id, :id, :t, 'pose_landmarker_full@abc', '0.1.0', :sw, 'side', :summary)"),
                {"id": sid, "t": t, "sw": json.dumps({"stridescope": "0.1.0"}),
                 "summary": json.dumps({"cadence_spm": {"value": 170.0 + sid}})})
            for k, (role, content) in enumerate(files.items()):
                db.execute(text("INSERT INTO analysis_files (id, analysis_id, role, sha256, size) "
                                "VALUES (:id, :a, :role, :sha, :n)"),
                           {"id": 10 * sid + k, "a": sid, "role": role, "sha": put_file(data_dir, content),
                            "n": len(content)})
            expected[sid] = {"clip": clip, **files}
        continue_id_sequences(db)  # ids were given above; 0.1.0 let PostgreSQL hand them out
    engine.dispose()
    (data_dir / "comparisons" / "1-2").mkdir(parents=True)
    (data_dir / "comparisons" / "1-2" / "comparison.json").write_text('{"changes": []}')
    return expected


def assert_every_session_opens(repo: Repository, expected: dict[int, dict[str, bytes]]) -> None:
    assert sorted(s.id for s in repo.sessions()) == sorted(expected)
    for sid, files in expected.items():
        s = repo.session(sid)
        assert s.clip_path.read_bytes() == files["clip"]
        assert {role: path.read_bytes() for role, path in s.files.items()} == {
            k: v for k, v in files.items() if k != "clip"}
        assert s.summary["cadence_spm"]["value"] == 170.0 + sid and s.notes == "old shoes"
        assert s.recorded_at == datetime(2025, 3, sid, 10, 15, tzinfo=UTC)
    assert [(a.name, a.n_sessions) for a in repo.athletes()] == [("Anna Berg", 2), ("Jörg Ødegård <b>", 1)]


def test_a_0_1_0_database_is_upgraded_and_every_session_opens(tmp_path, database_url):
    data = tmp_path / "data"
    expected = make_0_1_0_clinic(data, database_url)
    repo = Repository(settings_for(data, database_url))  # the app does this at start: upgrade, then open
    assert migrations.current(repo.engine) == migrations.head()
    assert_every_session_opens(repo, expected)
    types = {c["name"]: c["type"].__class__.__name__ for c in inspect(repo.engine).get_columns("analysis_files")}
    assert types["size"] == "BIGINT" or repo.engine.dialect.name == "sqlite"
    # Writing continues where 0.1.0 stopped, and a clip over 2 GiB fits.
    with repo.workspace() as work:
        clip, out = analysis_output(work, b"a new clip", "new")
        sid = repo.add_session(NewSession("Anna Berg", "new.mp4"), clip, out, META)
    assert sid == 4 and repo.counts()["sessions"] == 4
    with repo.engine.begin() as db:
        db.execute(text("UPDATE sessions SET clip_bytes = :n WHERE id = 4"), {"n": 3 * 2**30})
    assert Repository(settings_for(data, database_url)).counts()["sessions"] == 4  # reopening is a no-op


def test_a_new_database_is_made_at_the_newest_revision(tmp_path, database_url):
    repo = Repository(settings_for(tmp_path / "data", database_url))
    assert migrations.current(repo.engine) == migrations.head()
    assert repo.counts() == {"athletes": 0, "sessions": 0, "analyses": 0, "analysis_files": 0}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_clinic_backed_up_and_restored_is_the_same_byte_for_byte(tmp_path, database_url):
    source = tmp_path / "source"
    expected = make_0_1_0_clinic(source, f"sqlite:///{tmp_path / 'source.db'}")
    old = Repository(settings_for(source, f"sqlite:///{tmp_path / 'source.db'}"))
    archive = tmp_path / "clinic backup ü.tar"
    manifest = backup(old, archive)
    assert manifest["rows"] == {"athletes": 2, "sessions": 3, "analyses": 3, "analysis_files": 9}

    new = Repository(settings_for(tmp_path / "restored", database_url))
    restore(new, archive)
    assert_every_session_opens(new, expected)
    assert tree(new.files.root) == tree(old.files.root)
    assert tree(new.comparisons_root) == tree(old.comparisons_root)
    assert new.counts() == old.counts()
    with new.workspace() as work:  # ids continue after the restored ones
        clip, out = analysis_output(work, b"after restore", "after")
        assert new.add_session(NewSession("Anna Berg", "x.mp4"), clip, out, META) == 4


def test_restore_refuses_to_overwrite_sessions_unless_told_and_then_keeps_a_copy(tmp_path, monkeypatch, capsys):
    archive = tmp_path / "clinic.tar"
    make_0_1_0_clinic(tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")
    backup(Repository(settings_for(tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")), archive)

    target = tmp_path / "b"
    expected = make_0_1_0_clinic(target, f"sqlite:///{tmp_path / 'b.db'}")
    monkeypatch.setenv("STRIDESCOPE_DATA", str(target))
    monkeypatch.setenv("STRIDESCOPE_DB_URL", f"sqlite:///{tmp_path / 'b.db'}")
    before = tree(target / "files")
    assert main(["restore", str(archive)]) == 2
    assert "already holds 3 session(s)" in capsys.readouterr().err
    assert tree(target / "files") == before

    assert main(["backup", str(archive)]) == 2  # an existing backup is never overwritten
    assert "already exists" in capsys.readouterr().err

    assert main(["restore", str(archive), "--replace"]) == 0
    said = capsys.readouterr().out
    assert "replacing 3 session(s)" in said and "backed up first to" in said
    kept = next(tmp_path.glob("b-before-restore-*.tar"))
    fresh = Repository(settings_for(tmp_path / "c", f"sqlite:///{tmp_path / 'c.db'}"))
    restore(fresh, kept)
    assert_every_session_opens(fresh, expected)


@pytest.mark.parametrize("damage", ["truncated", "not a tar", "altered file"])
def test_a_damaged_backup_is_refused_and_nothing_is_restored(tmp_path, damage):
    archive = tmp_path / "clinic.tar"
    make_0_1_0_clinic(tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")
    backup(Repository(settings_for(tmp_path / "a", f"sqlite:///{tmp_path / 'a.db'}")), archive)
    data = archive.read_bytes()
    if damage == "truncated":
        archive.write_bytes(data[: len(data) // 2])
    elif damage == "not a tar":
        archive.write_text("hello")
    else:
        with tarfile.open(archive) as tar:
            victim = next(m for m in tar.getmembers() if m.name.startswith("files/"))
            offset = victim.offset_data
        archive.write_bytes(data[:offset] + b"X" + data[offset + 1:])
    repo = Repository(settings_for(tmp_path / "b", f"sqlite:///{tmp_path / 'b.db'}"))
    with pytest.raises(BackupError):
        restore(repo, archive)
    assert repo.counts()["sessions"] == 0 and not list(repo.files.hashes())


def test_a_database_from_a_newer_stridescope_is_refused_by_name_and_left_alone(tmp_path, database_url, capsys,
                                                                                monkeypatch):
    repo = Repository(settings_for(tmp_path / "data", database_url))
    with repo.engine.begin() as db:
        db.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(migrations.NewerDatabaseError, match="upgraded by a newer Stridescope .schema 9999"):
        Repository(settings_for(tmp_path / "data", database_url))
    monkeypatch.setenv("STRIDESCOPE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("STRIDESCOPE_DB_URL", database_url)
    assert main(["backup", str(tmp_path / "b.tar")]) == 2
    assert "install that version again" in capsys.readouterr().err
    assert migrations.current(repo.engine) == "9999"
