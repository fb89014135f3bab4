"""OpenSim files: landmarks as a ``.trc`` marker file, angles over time as a ``.mot`` motion file.

Both are tab-separated text as OpenSim 4 reads them (see "Marker (.trc) Files"
and "Storage (.sto) Files" in the OpenSim documentation):

* ``.trc``: ``PathFileType 4 (X/Y/Z)``; a line of names and one of values for
  ``DataRate CameraRate NumFrames NumMarkers Units OrigDataRate OrigDataStartFrame
  OrigNumFrames``; marker names, each over three columns; ``X1 Y1 Z1 ...``; a blank
  line; then ``Frame# Time x y z ...``, frames numbered from 1.  A landmark not seen
  in a frame is left blank, which OpenSim reads as missing.
* ``.mot``: a header ending in ``endheader`` (name, ``version=1``, ``nRows``,
  ``nColumns`` counting the time column, ``inDegrees=yes``), then ``time`` and one
  column per angle.

The video is 2D, so one OpenSim axis carries no information and is written as 0.
OpenSim's axes are X forward, Y up, Z to the runner's right.  A side view gives
X (image x, toward where the runner runs) and Y (up); a rear view gives Z (image
x) and Y.  Positions are in metres from the analysis' scale (height or belt
speed), Y from the ground the feet land on, X/Z from the picture's edge; without a scale no ``.trc`` is
written, since OpenSim needs a length unit, not pixels.  Times are real time
(slow motion undone), as in ``analysis.json``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from metrics.analysis import Analysis
from metrics.gait import Gait
from vision.landmarks import (
    LANDMARK_NAMES,
    LEFT_FOOT_INDEX,
    LEFT_HEEL,
    RIGHT_FOOT_INDEX,
    RIGHT_HEEL,
)
from vision.track import PoseTrack

TRC_UNITS = "m"
MOT_SIDE = {"left": "l", "right": "r"}


def _number(x: float, missing: str = "") -> str:
    return missing if not np.isfinite(x) else f"{x:.6f}"


def ground_y(xy: np.ndarray) -> float:
    """Image row of the ground: where the lowest foot point usually is (its 95th percentile row)."""
    feet = xy[:, [LEFT_HEEL, RIGHT_HEEL, LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX], 1]
    lowest = np.nanmax(np.where(np.isfinite(feet), feet, -np.inf), axis=1)
    lowest = lowest[np.isfinite(lowest)]
    return float(np.percentile(lowest, 95)) if len(lowest) else 0.0


def trc_positions(analysis: Analysis, track: PoseTrack) -> np.ndarray | None:
    """Landmark positions ``[frame, landmark, xyz]`` in metres in OpenSim's axes; None without a scale."""
    px_per_m = analysis.scale.get("px_per_m")
    if not px_per_m:
        return None
    xy = track.image_xy.astype(float)
    up = (ground_y(xy) - xy[..., 1]) / px_per_m
    across = xy[..., 0] / px_per_m
    out = np.zeros(xy.shape[:2] + (3,))
    out[..., 1] = up
    if analysis.view.get("kind", "side") == "side":
        # Running toward image-left: X grows to the left, measured from the picture's right edge.
        toward_right = analysis.view.get("direction") != "left"
        out[..., 0] = across if toward_right else track.frame_size[0] / px_per_m - across
    else:
        out[..., 2] = across  # from behind, image-right is the runner's right
    out[~np.isfinite(xy).all(axis=-1)] = np.nan
    return out


def write_trc(analysis: Analysis, track: PoseTrack, path: str | Path) -> Path | None:
    """The landmarks as an OpenSim marker file in metres; None (nothing written) without a scale."""
    positions = trc_positions(analysis, track)
    if positions is None:
        return None
    path = Path(path)
    n, m = positions.shape[:2]
    rate = f"{track.fps:.6g}"
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate}\t{rate}\t{n}\t{m}\t{TRC_UNITS}\t{rate}\t1\t{n}",
        # Each name over its three columns, so the line has as many fields as the data rows.
        "Frame#\tTime\t" + "\t".join(f"{name}\t\t" for name in LANDMARK_NAMES),
        "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, m + 1)),
        "",
    ]
    for i in range(n):
        values = "\t".join(_number(v) for v in positions[i].ravel())
        lines.append(f"{i + 1}\t{track.time_s[i]:.6f}\t{values}")
    path.write_text("\n".join(lines) + "\n")
    return path


def mot_angles(gait: Gait) -> dict[str, np.ndarray]:
    """The gait's per-frame angles, as ``{column: [n] degrees}``.

    Columns are named ``<angle>_l`` / ``<angle>_r`` (a whole-body angle such as
    trunk lean once, without a side); they are the curves every measure, the
    replay and the gait-cycle plots read (:attr:`metrics.gait.Gait.angles`).
    """
    columns: dict[str, np.ndarray] = {}
    for name, sides in gait.angles.items():
        curves = list(sides.items())
        if len(curves) == 2 and np.array_equal(curves[0][1], curves[1][1], equal_nan=True):
            columns[name] = curves[0][1]  # one value for the body, repeated per side in kinematics
            continue
        for side, curve in curves:
            columns[f"{name}_{MOT_SIDE[side]}"] = curve
    return columns


def write_mot(gait: Gait, path: str | Path) -> Path:
    """The angles over time as an OpenSim motion file (degrees; real times on the gait's even time
    grid, which are the clip's frame times unless a variable-frame-rate clip was resampled; an angle
    not measurable at a time is ``NaN``, since OpenSim splits ``.mot`` rows on white space and a
    blank would shift the columns)."""
    path = Path(path)
    columns = mot_angles(gait)
    n = len(gait.time_s)
    lines = [path.name, "version=1", f"nRows={n}", f"nColumns={len(columns) + 1}", "inDegrees=yes", "endheader",
             "\t".join(["time", *columns])]
    data = np.column_stack([gait.time_s, *columns.values()]) if n else np.zeros((0, len(columns) + 1))
    lines += ["\t".join([f"{row[0]:.6f}", *(_number(v, "NaN") for v in row[1:])]) for row in data]
    path.write_text("\n".join(lines) + "\n")
    return path
