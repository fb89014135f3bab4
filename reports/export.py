"""Data exports: per-stride CSV, JSON summary, landmarks CSV, a C3D of the 2D landmark trajectories,
and OpenSim ``.trc`` (landmarks in metres) and ``.mot`` (angles over time) files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from metrics.analysis import Analysis
from metrics.gait import Gait
from metrics.measure import write_strides_csv
from reports.opensim import write_mot, write_trc
from vision.landmarks import LANDMARK_NAMES
from vision.track import PoseTrack


def summary(analysis: Analysis) -> dict:
    """The clip-level facts and metric summaries, without per-stride detail."""
    return {
        "clip": analysis.clip, "view": analysis.view, "scale": analysis.scale,
        "detected_fraction": analysis.detected_fraction, "model": analysis.model,
        "software": analysis.software,
        "metrics": {k: {f: getattr(m, f) for f in ("value", "unit", "left", "right", "spread", "n_strides",
                                                      "symmetry_index_pct")}
                    | {"reference": m.reference and vars(m.reference),
                       "confidence": m.confidence and m.confidence.level}
                    for k, m in analysis.metrics.items()},
        "findings": [vars(f) for f in analysis.findings],
        "quality": [vars(q) for q in analysis.quality],
        "n_strides": len(analysis.strides), "n_events": len(analysis.events),
        "events_review": analysis.events_review and {k: v for k, v in analysis.events_review.items()
                                                     if k not in ("automatic_events", "history")},
    }


def summary_json(analysis: Analysis, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(summary(analysis), indent=2, allow_nan=False))
    return path


def landmarks_csv(track: PoseTrack, path: str | Path) -> Path:
    """One row per frame: time and x, y (pixels) and visibility of every landmark (empty = not seen)."""
    path = Path(path)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["frame", "time_s"] + [f"{n}_{c}" for n in LANDMARK_NAMES for c in ("x", "y", "visibility")])
        for i in range(track.n_frames):
            row = [int(track.frame_index[i]), f"{track.time_s[i]:.6f}"]
            for j in range(len(LANDMARK_NAMES)):
                x, y = track.image_xy[i, j]
                seen = np.isfinite(x) and np.isfinite(y)
                row += [f"{x:.2f}" if seen else "", f"{y:.2f}" if seen else "",
                        f"{track.visibility[i, j]:.3f}" if seen else ""]
            w.writerow(row)
    return path


def landmarks_c3d(track: PoseTrack, path: str | Path) -> Path:
    """The 2D landmark trajectories as a C3D file (ezc3d).

    C3D points are 3D: X = image x, Y = image height - image y (so up is
    positive), Z = 0, in pixels ("px" is written as the unit).  Frames where a
    landmark was not seen carry a residual of -1, C3D's mark for invalid data.
    The rate is the track's mean frame rate; C3D has no per-frame timestamps.
    """
    import ezc3d

    n = track.n_frames
    height = track.frame_size[1]
    pts = np.zeros((4, len(LANDMARK_NAMES), n))
    xy = np.transpose(track.image_xy.astype(float), (2, 1, 0))  # [2, 33, n]
    seen = np.isfinite(xy).all(axis=0)
    pts[0] = np.where(seen, xy[0], 0.0)
    pts[1] = np.where(seen, height - xy[1], 0.0)
    pts[3] = 1.0
    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [float(track.fps)]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = list(LANDMARK_NAMES)
    c3d["parameters"]["POINT"]["UNITS"]["value"] = ["px"]
    c3d["data"]["points"] = pts
    residuals = np.where(seen, 0.0, -1.0)[None]
    c3d["data"]["meta_points"] = {"residuals": residuals, "camera_masks": np.zeros((7, len(LANDMARK_NAMES), n), bool)}
    path = Path(path)
    c3d.write(str(path))
    return path


def export_all(analysis: Analysis, gait: Gait, track: PoseTrack, out_dir: str | Path) -> dict[str, Path]:
    """Write every export into ``out_dir``; returns ``{kind: path}``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "strides_csv": write_strides_csv(analysis, out / "strides.csv"),
        "summary_json": summary_json(analysis, out / "summary.json"),
        "landmarks_csv": landmarks_csv(track, out / "landmarks.csv"),
        "landmarks_c3d": landmarks_c3d(track, out / "landmarks.c3d"),
        "angles_mot": write_mot(gait, out / "angles.mot"),
    }
    trc = write_trc(analysis, track, out / "landmarks.trc")  # needs a scale: height or belt speed
    return files | ({"landmarks_trc": trc} if trc else {})
