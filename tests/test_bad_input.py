"""Bad input gets a named exception and, on the command line, one line and a non-zero exit."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from stridescope.cli import main
from tests.conftest import incoming
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
