"""OpenSim exports: the ``.trc`` and ``.mot`` files open in an independent reader (pyomeca) and
follow OpenSim's header rules, with the right units, rates and frame counts.

The bundled side and rear samples are analysed with the real pose model and the
runner's height (175 cm, from their ``.truth.json``) as the scale.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from metrics.measure import analyze
from reports.opensim import write_mot, write_trc
from tests.conftest import SAMPLES
from vision.extract import pose_track
from vision.landmarks import LANDMARK_NAMES, LEFT_HIP, RIGHT_HIP

pytestmark = pytest.mark.model
pyomeca = pytest.importorskip("pyomeca")
TAB = {"pandas_kwargs": {"sep": "\t"}}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """``sample(view)``: analysis, gait, track and written files of a bundled sample, made once."""
    made = {}

    def get(view: str, **scale):
        key = (view, tuple(sorted(scale.items())))
        if key not in made:
            track = pose_track(SAMPLES / f"runner_{view}.mp4")
            gait, analysis = analyze(track, **(scale or {"height_cm": 175.0}))
            out = tmp_path_factory.mktemp(f"opensim-{view}")
            made[key] = (analysis, gait, track, write_trc(analysis, track, out / "landmarks.trc"),
                         write_mot(gait, out / "angles.mot"))
        return made[key]

    return get


TRUE_HIP_HEIGHT_M = 0.87  # runner_side.truth.json: (587.9 - 348.7) px / (989.1 px / 3.6 m)


def hip_height_m(markers) -> float:
    return float(np.nanmedian(markers.sel(channel=[LANDMARK_NAMES[LEFT_HIP], LANDMARK_NAMES[RIGHT_HIP]],
                                          axis="y")))


def header(path: Path, lines: int) -> list[list[str]]:
    with open(path) as f:
        return [f.readline().rstrip("\n").split("\t") for _ in range(lines)]


def test_trc_header_follows_opensim_rules(sample):
    _, _, track, trc, _ = sample("side")
    rows = header(trc, 6)
    assert rows[0][:3] == ["PathFileType", "4", "(X/Y/Z)"]
    assert rows[1] == ["DataRate", "CameraRate", "NumFrames", "NumMarkers", "Units", "OrigDataRate",
                       "OrigDataStartFrame", "OrigNumFrames"]
    values = dict(zip(rows[1], rows[2]))
    assert float(values["DataRate"]) == pytest.approx(track.fps)
    assert int(values["NumFrames"]) == int(values["OrigNumFrames"]) == track.n_frames
    assert int(values["NumMarkers"]) == len(LANDMARK_NAMES) == 33
    assert values["Units"] == "m"
    assert rows[3][:2] == ["Frame#", "Time"] and [n for n in rows[3][2:] if n] == list(LANDMARK_NAMES)
    assert len(rows[3]) == len(rows[4]) == 2 + 3 * 33  # names over their three X/Y/Z columns
    assert rows[4][2:5] == ["X1", "Y1", "Z1"] and rows[4][-1] == "Z33"
    assert rows[5] == [""]  # the blank line before the data


def test_trc_reads_back_in_pyomeca_in_metres_at_the_clip_rate(sample):
    _, _, track, trc, _ = sample("side")
    markers = pyomeca.Markers.from_trc(trc, **TAB)
    assert markers.sizes["channel"] == 33 and markers.sizes["time"] == track.n_frames
    assert markers.attrs["rate"] == pytest.approx(track.fps)
    np.testing.assert_allclose(markers.time.values, track.time_s, atol=1e-5)
    # Metres from the belt: the synthetic camera (989 px focal length at 3.6 m) puts the sample's
    # hip landmarks 0.87 m above the heels' lowest row; within 10 %.
    assert hip_height_m(markers) == pytest.approx(TRUE_HIP_HEIGHT_M, rel=0.10)
    # ...and a side view carries no depth: Z is 0.
    assert float(np.nanmax(np.abs(markers.sel(axis="z")))) == 0.0
    # Running direction is +X: the nose is ahead of the hips.
    ahead = markers.sel(channel="nose", axis="x") - markers.sel(channel=LANDMARK_NAMES[LEFT_HIP], axis="x")
    assert float(np.nanmedian(ahead)) > 0


def test_trc_in_metres_with_the_runners_height_scale(sample):
    _, _, _, trc, _ = sample("side", treadmill_speed_kmh=10.0, height_cm=175.0)
    assert hip_height_m(pyomeca.Markers.from_trc(trc, **TAB)) == pytest.approx(TRUE_HIP_HEIGHT_M, rel=0.10)


@pytest.mark.xfail(strict=True, reason="belt-speed scale of the side sample is 194.6 px/m against the "
                   "camera's 275 px/m (the pose model's feet lag the belt): hips come out at 1.22 m instead of 0.87 m")
def test_trc_in_metres_with_the_belt_speed_scale(sample):
    _, _, _, trc, _ = sample("side", treadmill_speed_kmh=10.0, height_cm=None)
    assert hip_height_m(pyomeca.Markers.from_trc(trc, **TAB)) == pytest.approx(TRUE_HIP_HEIGHT_M, rel=0.10)


def test_rear_view_trc_puts_the_image_across_on_z(sample):
    _, _, _, trc, _ = sample("rear")
    markers = pyomeca.Markers.from_trc(trc, **TAB)
    assert float(np.nanmax(np.abs(markers.sel(axis="x")))) == 0.0
    right_of_left = markers.sel(channel="right_hip", axis="z") - markers.sel(channel="left_hip", axis="z")
    assert float(np.nanmedian(right_of_left)) > 0.1  # from behind, the right hip is to the right, ~0.2 m


def test_without_a_scale_no_trc_is_written(sample):
    _, _, _, trc, mot = sample("side", treadmill_speed_kmh=None)
    assert trc is None and mot.is_file()


def test_mot_header_follows_opensim_rules_and_reads_back_in_degrees(sample):
    _, gait, track, _, mot = sample("side")
    lines = mot.read_text().splitlines()
    end = lines.index("endheader")
    head = dict(line.split("=", 1) for line in lines[1:end] if "=" in line)
    columns = lines[end + 1].split("\t")
    assert head["version"] == "1" and head["inDegrees"] == "yes"
    assert int(head["nRows"]) == len(lines) - end - 2 == track.n_frames
    assert int(head["nColumns"]) == len(columns) and columns[0] == "time"
    assert all(len(row.split("\t")) == len(columns) for row in lines[end + 2:])
    angles = pyomeca.Analogs.from_mot(mot, **TAB)
    assert angles.sizes["time"] == track.n_frames
    assert angles.attrs["rate"] == pytest.approx(track.fps)
    assert {"knee_flexion_l", "knee_flexion_r", "trunk_lean"} <= set(angles.channel.values)
    # Degrees, and the same curve the report draws: running knee flexion peaks near 90-130 deg in swing.
    expected = gait.angles["knee_flexion"]["right"]
    np.testing.assert_allclose(angles.sel(channel="knee_flexion_r").values, expected, atol=1e-5)
    assert 70 < float(np.nanmax(expected)) < 140


def test_rear_view_mot_holds_the_frontal_angles(sample):
    _, _, track, _, mot = sample("rear")
    angles = pyomeca.Analogs.from_mot(mot, **TAB)
    assert {"pelvic_drop_l", "pelvic_drop_r", "knee_fppa_l", "knee_fppa_r"} == set(angles.channel.values)
    assert angles.sizes["time"] == track.n_frames
