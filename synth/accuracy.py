"""How far a pose track's landmarks are from a synthetic clip's true ones."""

from __future__ import annotations

import numpy as np

from vision.landmarks import INDEX
from vision.track import PoseTrack

GROUPS: dict[str, tuple[str, ...]] = {
    "face": ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "mouth_left", "mouth_right"),
    "shoulders": ("left_shoulder", "right_shoulder"),
    "elbows": ("left_elbow", "right_elbow"),
    "wrists": ("left_wrist", "right_wrist"),
    "hips": ("left_hip", "right_hip"),
    "knees": ("left_knee", "right_knee"),
    "ankles": ("left_ankle", "right_ankle"),
    "heels": ("left_heel", "right_heel"),
    "toes": ("left_foot_index", "right_foot_index"),
}
LOWER_LIMB = ("hips", "knees", "ankles", "heels", "toes")


def body_height_px(truth: dict) -> float:
    """The runner's height in pixels at the treadmill's centre line."""
    cam = truth["camera"]
    distance = float(np.linalg.norm(np.asarray(cam["position_m"])[:2]))
    return cam["focal_px"] * truth["params"]["height_m"] / distance


def landmark_errors(track: PoseTrack, truth: dict) -> dict[str, np.ndarray]:
    """Per group, the pixel distances (detected frames × landmarks) between track and truth."""
    true_xy = np.asarray(truth["landmarks"]["image_xy_px"], float)
    n = min(len(true_xy), track.n_frames)
    det = track.detected[:n]
    out = {}
    for group, names in GROUPS.items():
        idx = [INDEX[name] for name in names]
        d = np.linalg.norm(track.image_xy[:n, idx] - true_xy[:n, idx], axis=-1)
        out[group] = d[det].ravel()
    return out


def summarise(errors: dict[str, np.ndarray], height_px: float,
              groups: tuple[str, ...] | None = None) -> dict[str, float]:
    """Median and 90th percentile in px and in % of body height, over ``groups`` (default all)."""
    d = np.concatenate([errors[g] for g in (groups or tuple(errors))])
    med, p90 = np.median(d), np.percentile(d, 90)
    return {"median_px": float(med), "p90_px": float(p90),
            "median_pct_height": float(100 * med / height_px), "p90_pct_height": float(100 * p90 / height_px)}
