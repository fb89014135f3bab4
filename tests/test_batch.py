"""`stridescope batch`: every clip of a folder or manifest, resumable, on a process pool or a Dask cluster."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import av
import pyarrow.parquet as pq
import pytest

from stridescope.batch import CLIPS_DIR, INDEX_HTML, SUMMARY_CSV, SUMMARY_PARQUET, run_batch
from stridescope.cli import main
from tests.conftest import SAMPLES

pytestmark = pytest.mark.model  # every batch runs the pose model on the tiny clips

TINY_FRAMES = 90  # 1.5 s at 60 fps: two strides, a second of model time per clip


def cut(source: Path, dest: Path, frames: int = TINY_FRAMES) -> Path:
    """The first ``frames`` frames of ``source``, re-encoded at half size (a quick clip for batch tests)."""
    with av.open(str(source)) as src, av.open(str(dest), "w") as out:
        stream_in = src.streams.video[0]
        stream = out.add_stream("libx264", rate=stream_in.average_rate)
        stream.width, stream.height = stream_in.codec_context.width // 2, stream_in.codec_context.height // 2
        stream.pix_fmt = "yuv420p"
        for i, frame in enumerate(src.decode(stream_in)):
            if i == frames:
                break
            out.mux(stream.encode(frame.reformat(stream.width, stream.height)))
        out.mux(stream.encode(None))
    return dest


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    """A folder as a clinic might have it: two clips, a renamed copy, a note, and a damaged 'video'."""
    folder = tmp_path_factory.mktemp("clips")
    cut(SAMPLES / "runner_side.mp4", folder / "anna side.mp4")
    cut(SAMPLES / "runner_rear.mp4", folder / "anna_rear.mp4")
    shutil.copy(folder / "anna side.mp4", folder / "copy of anna side.mp4")
    (folder / "notes.txt").write_text("treadmill at 12 km/h")
    (folder / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    (folder / "moved away.mp4").symlink_to(folder / "no longer here.mp4")  # unreadable
    return folder


@pytest.fixture(scope="module")
def first_run(clips, tmp_path_factory):
    """One serial batch over ``clips``: its output folder and results (tests copy it before changing it)."""
    out = tmp_path_factory.mktemp("first") / "out"
    return out, run_batch(clips, out)


def copy_of(first_run, tmp_path) -> Path:
    return Path(shutil.copytree(first_run[0], tmp_path / "out"))


@pytest.fixture
def own_cache(tmp_path, monkeypatch, model_bundle):
    """An empty pose cache, so the runs below really run the model (workers inherit the environment)."""
    monkeypatch.setenv("STRIDESCOPE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("STRIDESCOPE_MODEL", str(model_bundle.path))


def by_clip(results) -> dict[str, object]:
    return {Path(r.clip).name: r for r in results}


def test_every_clip_is_accounted_for_once(first_run):
    results = by_clip(first_run[1])
    assert {name: r.status for name, r in results.items()} == {
        "anna side.mp4": "analysed", "anna_rear.mp4": "analysed", "copy of anna side.mp4": "duplicate",
        "notes.txt": "not a video", "broken.mp4": "failed", "moved away.mp4": "failed"}
    assert "end is missing or damaged" in results["broken.mp4"].error
    assert "cannot read the file (No such file or directory)" in results["moved away.mp4"].error
    assert "anna side.mp4" in results["copy of anna side.mp4"].error
    assert results["anna_rear.mp4"].row["view"] == "rear"
    assert results["anna side.mp4"].row["strides"] >= 1


def test_summary_table_and_index_list_every_clip(first_run):
    out = first_run[0]
    with open(out / SUMMARY_CSV, newline="") as f:
        rows = {Path(r["clip"]).name: r for r in csv.DictReader(f)}
    assert len(rows) == 6
    assert float(rows["anna side.mp4"]["cadence_spm"]) > 100
    table = pq.read_table(out / SUMMARY_PARQUET).to_pylist()
    assert [Path(r["clip"]).name for r in table] == [Path(r).name for r in rows]
    index = (out / INDEX_HTML).read_text()
    assert 'href="clips/anna side-' in index and "analysis.json" in index
    assert "broken.mp4" in index and "damaged" in index


def test_a_second_run_skips_what_is_done_and_redoes_what_was_interrupted(clips, first_run, tmp_path):
    out = copy_of(first_run, tmp_path)
    done = {p: p.stat().st_mtime_ns for p in (out / CLIPS_DIR).rglob("analysis.json")}
    interrupted = next(p.parent for p in done if p.parent.name.startswith("anna_rear"))
    (interrupted / "batch.json").unlink()  # as if killed before the clip was finished

    results = by_clip(run_batch(clips, out))
    assert results["anna side.mp4"].status == "already analysed"
    assert results["anna_rear.mp4"].status == "analysed"
    for path, mtime in done.items():
        assert (path.stat().st_mtime_ns == mtime) == (path.parent != interrupted)


def test_a_renamed_copy_added_later_is_not_analysed_again(clips, first_run, tmp_path):
    out = copy_of(first_run, tmp_path)
    later = tmp_path / "later"
    later.mkdir()
    shutil.copy(clips / "anna_rear.mp4", later / "anna rear, second copy.mp4")
    (result,) = run_batch(later, out)
    assert result.status == "already analysed" and Path(result.folder).name.startswith("anna_rear-")


def test_manifest_gives_each_clip_its_athlete_and_options(clips, tmp_path):
    manifest = tmp_path / "clinic.csv"
    manifest.write_text(
        "clip,athlete,view,treadmill_speed_kmh,height_cm,capture_fps\n"
        f"{clips / 'anna side.mp4'},Anna,side,12,168,\n"
        f"{clips / 'anna_rear.mp4'},Anna,diagonal,12,168,\n"
        "missing.mp4,Ben,side,,,\n")
    results = by_clip(run_batch(manifest, tmp_path / "out"))
    side = results["anna side.mp4"]
    assert (side.status, side.athlete, side.row["treadmill_speed_kmh"], side.row["height_cm"]) == (
        "analysed", "Anna", 12.0, 168.0)
    assert "view 'diagonal'" in results["anna_rear.mp4"].error and "line 3" in results["anna_rear.mp4"].error
    assert "missing.mp4: no such file" in results["missing.mp4"].error


def test_dask_cluster_of_two_workers_gives_the_serial_results(clips, tmp_path, own_cache):
    pytest.importorskip("distributed")
    on_cluster = run_batch(clips, tmp_path / "cluster", workers=2, cluster="local")
    serial = run_batch(clips, tmp_path / "serial", workers=1)

    def comparable(results):
        return {Path(r.clip).name: (r.status, r.error, {k: v for k, v in r.row.items()}) for r in results}

    assert comparable(on_cluster) == comparable(serial)
    assert sum(r.status == "analysed" for r in on_cluster) == 2


def test_unreachable_cluster_is_one_message_and_nothing_is_lost(clips, first_run, tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("stridescope.batch.CONNECT_TIMEOUT", "1s")
    out = copy_of(first_run, tmp_path)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code = main(["batch", str(clips), "-o", str(out), "--cluster", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_command_lists_failures_and_exits_non_zero(clips, first_run, tmp_path, capsys):
    code = main(["batch", str(clips), "-o", str(copy_of(first_run, tmp_path)), "--workers", "1"])
    out = capsys.readouterr().out
    assert code == 1
    assert "anna side.mp4: already analysed" in out
    assert "broken.mp4: failed:" in out and "notes.txt: not a video" in out
    assert "copy of anna side.mp4: duplicate" in out
    assert "2 clips analysed or already analysed, 2 failed, 2 skipped" in out


def test_input_that_is_not_a_folder_or_manifest_is_refused(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out")]) == 2
    assert "no such folder or manifest" in capsys.readouterr().err


def test_an_output_that_is_a_file_is_refused_and_left_alone(clips, tmp_path, capsys):
    taken = tmp_path / "results"
    taken.write_text("someone's notes")
    assert main(["batch", str(clips), "-o", str(taken)]) == 2
    assert "the output must be a folder" in capsys.readouterr().err
    assert taken.read_text() == "someone's notes"
