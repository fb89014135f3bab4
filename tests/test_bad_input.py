"""Bad input gets a named exception and, on the command line, one line and a non-zero exit."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from stridescope.cli import main
from tests.conftest import ROOT, SAMPLES, incoming
from vision import errors
from vision.extract import pose_track
from vision.video import iter_frames, probe

pytestmark = [pytest.mark.model, pytest.mark.shared]


def ffmpeg(*args):
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    subprocess.run(["ffmpeg", "-v", "error", "-y", *map(str, args)], check=True)


def make_text(path):
    path.write_text("not a video\n")


def make_empty(path):
    path.write_bytes(b"")


def make_truncated_index_at_end(path):
    data = incoming("zzzhushi_treadmill_side_portrait_30fps.mp4").read_bytes()  # moov at the end
    path.write_bytes(data[: len(data) // 2])


def make_truncated_index_at_start(path):
    data = incoming("hato72_sprintstart_side_a1.mp4").read_bytes()  # moov first ("faststart")
    path.write_bytes(data[: len(data) // 2])


def make_audio_only(path):
    ffmpeg("-f", "lavfi", "-i", "sine=d=1", path)


def make_unknown_codec(path):
    data = bytearray(incoming("hato72_sprintstart_side_a1.mp4").read_bytes())
    at = data.find(b"avc1")  # the sample description's codec tag
    data[at:at + 4] = b"zzzz"
    path.write_bytes(bytes(data))


def make_nobody(path):
    ffmpeg("-f", "lavfi", "-i", "testsrc=d=1:s=320x240:r=30", "-pix_fmt", "yuv420p", path)


CASES = [
    ("text.mp4", make_text, errors.NotAVideoError, "not a video"),
    ("empty.mp4", make_empty, errors.EmptyFileError, "empty"),
    ("cut.mp4", make_truncated_index_at_end, errors.TruncatedVideoError, "end is missing"),
    ("cut_fast.mp4", make_truncated_index_at_start, errors.TruncatedVideoError, "end is missing"),
    ("sound.m4a", make_audio_only, errors.NoVideoStreamError, "no video stream"),
    ("odd.mp4", make_unknown_codec, errors.UnsupportedCodecError, "cannot be decoded"),
    ("nobody.mp4", make_nobody, errors.NoRunnerError, "no person"),
]


@pytest.mark.parametrize("name, make, error, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_a_named_error(tmp_path, name, make, error, words):
    path = tmp_path / name
    make(path)
    with pytest.raises(error, match=words):
        pose_track(path, use_cache=False)


@pytest.mark.parametrize("name, make, error, words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_on_the_command_line_is_one_line_and_exit_2(tmp_path, capsys, name, make, error, words):
    path = tmp_path / name
    make(path)
    out = tmp_path / "track.npz"
    out.write_bytes(b"an earlier result")
    assert main(["pose", str(path), "-o", str(out), "--no-cache"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("stridescope: ") and words in err[-1]
    assert "Traceback" not in "\n".join(err)
    assert out.read_bytes() == b"an earlier result"  # nothing already saved is overwritten


def test_frames_without_a_person_stay_in_the_track_as_missing(tmp_path):
    clip = incoming("zzzhushi_treadmill_side_portrait_30fps.mp4")
    joined = tmp_path / "runner_then_nobody.mp4"
    # 1 s of the runner followed by 1 s of an empty test pattern, same size and rate.
    ffmpeg("-i", clip, "-f", "lavfi", "-i", "testsrc=d=1:s=720x1280:r=30", "-filter_complex",
           "[0:v]trim=duration=1,setpts=PTS-STARTPTS[a];[a][1:v]concat=n=2:v=1[v]",
           "-map", "[v]", "-pix_fmt", "yuv420p", joined)
    track = pose_track(joined, use_cache=False)
    assert track.n_frames == probe(joined).n_frames == 60
    assert track.detected[:25].all() and not track.detected[-20:].any()
    assert 0.4 < track.detected_fraction < 0.65
    assert len(list(iter_frames(probe(joined)))) == track.n_frames


# -- the analysis: clips a reader accepts but that hold too little running -----------------------------

def sample_cut(path, frames: int, keep_top: float = 1.0):
    """The first ``frames`` frames of the bundled side-view sample, optionally only its top ``keep_top``."""
    import av

    with av.open(str(SAMPLES / "runner_side.mp4")) as inp, av.open(str(path), "w") as out:
        src = inp.streams.video[0]
        enc = out.add_stream("libx264", rate=src.average_rate)
        enc.width, enc.height = src.codec_context.width, int(src.codec_context.height * keep_top) // 2 * 2
        enc.pix_fmt = "yuv420p"
        for i, frame in enumerate(inp.decode(src)):
            if i == frames:
                break
            rgb = frame.to_ndarray(format="rgb24")[:enc.height]
            out.mux(enc.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        out.mux(enc.encode())


ANALYSIS_CASES = [  # name, frames, share of the picture kept from the top, words of the message
    ("one frame.mp4", 1, 1.0, "the clip has only 1 frame (0.00 s)"),
    ("three frames.mp4", 3, 1.0, "the clip has only 3 frames"),
    ("legs cut off.mp4", 60, 0.5, "both legs (hips, knees, ankles) are in the picture"),
]


@pytest.mark.parametrize("name, frames, keep_top, words", ANALYSIS_CASES, ids=[c[0] for c in ANALYSIS_CASES])
def test_too_little_running_is_one_line_naming_the_clip(tmp_path, capsys, name, frames, keep_top, words):
    clip = tmp_path / name
    sample_cut(clip, frames, keep_top)
    out = tmp_path / "out"
    assert main(["analyze", str(clip), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"stridescope: {name}: ") and words in err[-1]
    assert "Traceback" not in "\n".join(err)
    assert not (out / "analysis.json").exists()


def test_an_internal_error_on_the_command_line_is_one_line_and_exit_1(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("array must not contain infs or NaNs")

    monkeypatch.setattr("stridescope.commands.analyze.analyze_clip", broken)
    monkeypatch.delenv("STRIDESCOPE_DEBUG", raising=False)
    assert main(["analyze", str(SAMPLES / "runner_side.mp4"), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    assert err[0].startswith("stridescope: analyze failed on ") and "internal error (ValueError: array must" in err[0]


def test_a_damaged_analysis_folder_is_named_by_report_and_compare(tmp_path, capsys):
    folder = tmp_path / "old analysis"
    folder.mkdir()
    (folder / "analysis.json").write_text("{")
    assert main(["report", str(folder), "-o", str(tmp_path / "r")]) == 2
    assert "its analysis files cannot be read" in capsys.readouterr().err
    assert main(["compare", str(folder), str(folder), "-o", str(tmp_path / "c")]) == 2
    assert "its analysis files cannot be read" in capsys.readouterr().err


def test_an_internal_error_in_the_app_is_one_message_and_nothing_is_stored(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from stridescope.settings import load_settings
    from stridescope.storage import Repository

    def broken(*args, **kwargs):
        raise ValueError("cannot convert float NaN to integer")

    monkeypatch.setattr("stridescope.session_service.analyze_clip", broken)
    monkeypatch.setenv("STRIDESCOPE_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("STRIDESCOPE_DB_URL", raising=False)
    monkeypatch.delenv("STRIDESCOPE_PASSWORD_HASH", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.sidebar.radio[0].set_value("New analysis").run()
    at.text_input(key="athlete_name").set_value("Anna Berg")
    at.file_uploader(key="upload").upload("run.mp4", (SAMPLES / "runner_side.mp4").read_bytes(), "video/mp4")
    at.run()
    at.button[0].click().run()
    assert not at.exception
    assert len(at.error) == 1 and "internal error \\(ValueError: cannot convert" in at.error[0].value
    assert Repository(load_settings()).counts()["sessions"] == 0
