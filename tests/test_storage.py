"""Stored sessions: files by content hash, all-or-nothing writes, nothing lost on restart.

Also the checks an upload passes before anything is kept, the settings the
app reads from the environment, and the access-password hash.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from stridescope import uploads
from stridescope.passwords import hash_password, verify_password
from stridescope.settings import load_settings
from stridescope.storage import AnalysisMeta, NewSession, Repository
from vision.errors import EmptyFileError, InputError, NotAVideoError, TruncatedVideoError


@pytest.fixture
def settings(tmp_path, database_url):
    """A data folder with its database: SQLite, then a PostgreSQL server's (every test runs on both)."""
    return load_settings({"STRIDESCOPE_DATA": str(tmp_path / "data"), "STRIDESCOPE_MAX_UPLOAD_MB": "1",
                          "STRIDESCOPE_DB_URL": database_url})


@pytest.fixture
def repo(settings):
    return Repository(settings)


@pytest.fixture(scope="module")
def tiny_mp4(tmp_path_factory) -> Path:
    """A 12-frame H.264 clip of moving grey bars (a real video, though no runner)."""
    path = tmp_path_factory.mktemp("clips") / "tiny.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(12):
            rgb = np.full((48, 64, 3), 40, np.uint8)
            rgb[:, (i * 5) % 64:(i * 5) % 64 + 8] = 200
            out.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        out.mux(stream.encode())
    return path


def analysis_output(work: Path, clip_bytes: bytes = b"clip", marker: str = "a") -> tuple[Path, Path]:
    """A clip and an analysis folder with the kinds of files an analysis leaves."""
    clip = work / "clip"
    clip.write_bytes(clip_bytes)
    out = work / "out"
    (out / "plots").mkdir(parents=True)
    (out / "analysis.json").write_text(f'{{"marker": "{marker}"}}')
    (out / "strides.csv").write_text("index,foot\n0,left\n")
    (out / "plots" / "knee.png").write_bytes(b"\x89PNG" + marker.encode())
    return clip, out


META = AnalysisMeta(model="pose_landmarker_full@abc", code_version="0.1.0", view_kind="side",
                    summary={"cadence_spm": {"value": 172.0, "unit": "steps/min", "confidence": "high"}},
                    software={"stridescope": "0.1.0"})


def store_one(repo: Repository, name: str = "Anna Berg", clip_bytes: bytes = b"clip", marker: str = "a") -> int:
    with repo.workspace() as work:
        clip, out = analysis_output(work, clip_bytes, marker)
        return repo.add_session(NewSession(athlete_name=name, clip_label="../evil name.mp4"), clip, out, META)


def stored_files(repo: Repository) -> set[str]:
    return set(repo.files.hashes())


def test_a_session_is_stored_with_its_files_named_by_content_hash(repo):
    sid = store_one(repo)
    s = repo.session(sid)
    assert s.athlete_name == "Anna Berg" and s.view_kind == "side"
    assert set(s.files) == {"analysis.json", "strides.csv", "plots/knee.png"}
    assert s.file("analysis.json").read_text() == '{"marker": "a"}'
    assert s.clip_path.read_bytes() == b"clip"
    for path in [s.clip_path, *s.files.values()]:
        assert path.parent.parent == repo.files.root and len(path.name) == 64  # a SHA-256, not the upload's name
    assert s.summary["cadence_spm"]["value"] == 172.0
    assert (s.model, s.code_version) == ("pose_landmarker_full@abc", "0.1.0")


def test_the_work_folder_is_emptied_after_storing(repo):
    store_one(repo)
    assert list(repo.work_root.iterdir()) == []


def test_the_same_clip_twice_is_stored_once(repo):
    store_one(repo, marker="a")
    before = stored_files(repo)
    store_one(repo, marker="b")  # same clip and strides.csv, different analysis.json and plot
    assert len(stored_files(repo) - before) == 2
    assert repo.counts()["sessions"] == 2


def test_a_failed_write_leaves_no_rows_and_no_new_files(repo):
    store_one(repo)
    rows, files = repo.counts(), stored_files(repo)
    with pytest.raises(ValueError, match="needs a name"):
        store_one(repo, name="   ", clip_bytes=b"another clip", marker="new")
    assert repo.counts() == rows
    assert stored_files(repo) == files


def test_sessions_survive_reopening_the_database(settings, repo):
    sid = store_one(repo)
    reopened = Repository(settings)
    assert [s.id for s in reopened.sessions()] == [sid]
    assert reopened.session(sid).file("strides.csv").is_file()


def test_athletes_are_listed_with_their_session_counts(repo):
    store_one(repo, name="Anna Berg", marker="1")
    store_one(repo, name="  Anna   Berg ", marker="2")  # the same person, typed loosely
    store_one(repo, name="Ben Ode", marker="3")
    assert [(a.name, a.n_sessions) for a in repo.athletes()] == [("Anna Berg", 2), ("Ben Ode", 1)]
    anna = repo.athletes()[0]
    assert len(repo.sessions(athlete_id=anna.id)) == 2


def test_deleting_a_session_keeps_files_another_session_uses(repo):
    keep = store_one(repo, marker="keep")
    gone = store_one(repo, marker="gone")
    kept_files = set(repo.session(keep).files.values()) | {repo.session(keep).clip_path}
    gone_only = set(repo.session(gone).files.values()) - kept_files
    cached = repo.comparison_dir(repo.session(keep).analysis_id, repo.session(gone).analysis_id)
    cached.mkdir(parents=True)
    repo.delete_session(gone)
    assert repo.session(gone) is None and repo.counts()["analyses"] == 1
    assert all(p.is_file() for p in kept_files)
    assert gone_only and not any(p.exists() for p in gone_only)
    assert not cached.exists()


def test_garbage_from_an_interrupted_write_is_swept(repo):
    sid = store_one(repo)
    orphan_src = repo.settings.data_dir / "orphan"
    orphan_src.write_bytes(b"left behind by a crash")
    orphan, _ = repo.files.put(orphan_src)
    (repo.work_root / "tmpcrash").mkdir(parents=True)
    assert repo.collect_garbage() == 1
    assert not repo.files.path(orphan).exists() and not repo.work_root.exists()
    assert repo.session(sid).file("analysis.json").is_file()


# -- uploads ---------------------------------------------------------------------------------------

def test_a_real_video_upload_is_accepted(tiny_mp4, tmp_path):
    info = uploads.receive(io.BytesIO(tiny_mp4.read_bytes()), "phone clip.mp4", tmp_path / "clip", 2**20)
    assert (info.width, info.height, info.n_frames) == (64, 48, 12)


@pytest.mark.parametrize("name, content, error, words", [
    ("notes.txt", b"hello", uploads.UnsupportedFileTypeError, "not a video type"),
    ("empty.mp4", b"", EmptyFileError, "empty"),
    ("letter.mp4", b"Dear therapist, " * 100, NotAVideoError, "not a video file"),
    ("big.mov", b"\0" * (2**20 + 1), uploads.UploadTooLargeError, "more than the 1 MB"),
])
def test_a_bad_upload_is_refused_with_a_message_naming_it(tmp_path, name, content, error, words):
    dest = tmp_path / "clip"
    with pytest.raises(error, match=words) as caught:
        uploads.receive(io.BytesIO(content), name, dest, 2**20)
    assert str(caught.value).startswith(name) and isinstance(caught.value, InputError)
    assert not dest.exists()


def test_a_cut_off_mp4_is_called_damaged(tiny_mp4, tmp_path):
    half = tiny_mp4.read_bytes()[: tiny_mp4.stat().st_size // 3]
    with pytest.raises(InputError) as caught:
        uploads.receive(io.BytesIO(half), "cut.mp4", tmp_path / "clip", 2**20)
    assert caught.type in (TruncatedVideoError, NotAVideoError)
    assert str(caught.value).startswith("cut.mp4:")


def test_upload_labels_cannot_name_folders():
    assert uploads.clip_label("C:\\Users\\x\\run.MOV") == "run.MOV"
    assert uploads.clip_label("/") == "clip"


# -- settings and password -------------------------------------------------------------------------

def test_settings_default_to_sqlite_in_the_user_data_folder(tmp_path):
    s = load_settings({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert s.data_dir == tmp_path / "xdg" / "stridescope"
    assert s.database_url == f"sqlite:///{tmp_path / 'xdg' / 'stridescope' / 'stridescope.db'}"
    assert s.password_hash is None and s.max_upload_mb == 500


def test_a_database_url_can_be_configured(tmp_path):
    url = "postgresql+psycopg://clinic@db.local/stridescope"
    assert load_settings({"STRIDESCOPE_DATA": str(tmp_path), "STRIDESCOPE_DB_URL": url}).database_url == url


def test_a_password_is_kept_only_as_a_salted_hash():
    a, b = hash_password("physio"), hash_password("physio")
    assert a != b and "physio" not in a
    assert verify_password("physio", a) and verify_password("physio", b)
    assert not verify_password("physi0", a)
    assert not verify_password("physio", "garbage")


# -- concurrent sessions ---------------------------------------------------------------------------

def test_sessions_stored_at_the_same_moment_are_all_intact(repo):
    """Eight browser sessions storing the same clip for two new athletes at once (the app's threads)."""
    import threading

    start, ids, errors = threading.Barrier(8), [], []

    def store(k: int) -> None:
        try:
            with repo.workspace() as work:
                clip, out = analysis_output(work, b"the same clip", marker=str(k))
                start.wait()
                ids.append(repo.add_session(NewSession(f"Runner {k % 2}", "run.mp4"), clip, out, META))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=store, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(set(ids)) == 8 and repo.counts()["athletes"] == 2
    for sid in ids:
        s = repo.session(sid)
        assert s.clip_path.read_bytes() == b"the same clip"
        assert all(p.is_file() for p in s.files.values())


def test_a_session_read_while_its_analysis_is_replaced_is_whole(repo):
    """A correction replaces a session's analysis while another browser tab reads the session: every read sees
    one whole analysis with its files, the old or the new, never the new one without its files."""
    import threading

    sid = store_one(repo)
    done, seen = threading.Event(), []

    def correct() -> None:
        try:
            for k in range(40):
                old = repo.session(sid).analysis_id
                with repo.workspace() as work:
                    _, out = analysis_output(work, marker=f"correction {k}")
                    repo.add_analysis(sid, out, META, replaces=[old])
        finally:
            done.set()

    writer = threading.Thread(target=correct)
    writer.start()
    while not done.is_set():
        s = repo.session(sid)
        seen.append(s is not None and {"analysis.json", "strides.csv"} <= set(s.files))
    writer.join()
    assert len(seen) > 40 and all(seen), f"{seen.count(False)} of {len(seen)} reads saw an analysis without its files"


def _store_in_another_process(data_dir: str, database_url: str, k: int, start) -> int:
    """One app process storing a session for the athlete "Runner" (run by ``test_..._in_two_processes``)."""
    repo = Repository(load_settings({"STRIDESCOPE_DATA": data_dir, "STRIDESCOPE_DB_URL": database_url}))
    with repo.workspace() as work:
        clip, out = analysis_output(work, f"clip {k}".encode(), marker=str(k))
        start.wait()
        return repo.add_session(NewSession("Runner", "run.mp4"), clip, out, META)


def test_the_same_new_athlete_stored_by_several_processes_at_once_is_one_athlete(settings, repo):
    """Four app processes (say two servers on one PostgreSQL) create the athlete "Runner" at the same moment."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(4, mp_context=context) as pool:
        start = manager.Barrier(4)
        args = (str(settings.data_dir), settings.database_url)
        ids = list(pool.map(_store_in_another_process, *zip(*[(*args, k, start) for k in range(4)])))
    assert len(set(ids)) == 4
    (athlete,) = repo.athletes()
    assert (athlete.name, athlete.n_sessions) == ("Runner", 4)
