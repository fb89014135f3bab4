"""How far a pose track's landmarks are from a synthetic clip's true ones, and how well the frontal-plane
angles they make follow the true angles."""

from __future__ import annotations

import numpy as np

from metrics.frontal import fppa_series, pelvic_drop_series
from vision.landmarks import INDEX, MIRROR
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
STRIDE_RANGE_DEG = 2.0  # the smallest spread of true per-stride values a stride-by-stride gain is taken over


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


def stance_frames(truth: dict, n: int, foot: str) -> np.ndarray:
    """[n] True on the frames inside one of ``foot``'s true stances (initial contact to toe-off)."""
    events = truth["events"]
    on = np.zeros(n, bool)
    for ic in (e for e in events if e["kind"] == "initial_contact" and e["foot"] == foot):
        to = next((e for e in events if e["kind"] == "toe_off" and e["foot"] == foot
                   and e["time_s_exact"] > ic["time_s_exact"]), None)
        if to is not None:  # the truth's frames are the first and last in contact (synth.truth.event_frame)
            on[ic["frame"]:to["frame"] + 1] = True
    return on[:n]


def unflipped(seen: np.ndarray, true: np.ndarray) -> np.ndarray:
    """``seen`` [n, 33, 2] with the frames where the model gave the whole body the wrong sides (its hips
    nearer the opposite true hips: a rear view read as a front one) mirrored back, judged against ``true``."""
    hips = [INDEX["left_hip"], INDEX["right_hip"]]
    same = np.linalg.norm(seen[:, hips] - true[:, hips], axis=-1).sum(-1)
    crossed = np.linalg.norm(seen[:, hips[::-1]] - true[:, hips], axis=-1).sum(-1)
    out = seen.copy()
    flip = crossed < same
    out[flip] = seen[flip][:, MIRROR]
    return out


def following(true: np.ndarray, seen: np.ndarray) -> tuple[float, float]:
    """(gain, correlation) of ``seen`` on ``true``: the least-squares slope of one on the other about their
    means (1 = every true change seen at full size) and their correlation, over finite pairs.

    >>> [round(x, 2) for x in following(np.array([0.0, 1, 2, 3]), np.array([1.0, 1.5, 2, 2.5]))]
    [0.5, 1.0]
    """
    ok = np.isfinite(true) & np.isfinite(seen)
    x, y = true[ok] - true[ok].mean(), seen[ok] - seen[ok].mean()
    if len(x) < 3 or not x.any() or not y.any():
        return float("nan"), float("nan")
    return float(x @ y / (x @ x)), float(np.corrcoef(x, y)[0, 1])


def frontal_following(track: PoseTrack, truth: dict) -> dict[str, dict[str, tuple[float, float]]]:
    """How the pose model's stance-leg pelvic obliquity and knee FPPA follow the true ones.

    Both are taken in the image, from the model's landmarks and from the truth's projected by its
    camera, in each foot's true stances, so event detection does not enter.  Per quantity,
    :func:`following` frame by frame, as labelled and with whole-body side flips undone
    (:func:`unflipped`: what the model's positions give at best), and stride by stride: each stance's
    peak (flips undone) on the truth's per-stride value within each foot, which is what a drift over the
    clip needs (NaN where the true values vary by less than ``STRIDE_RANGE_DEG`` within a foot).
    """
    true_xy = np.asarray(truth["landmarks"]["image_xy_px"], float)
    n = min(len(true_xy), track.n_frames)
    true_xy, seen = true_xy[:n], track.image_xy[:n].astype(float)
    best = unflipped(seen, true_xy)
    series = {"pelvic_drop_deg": pelvic_drop_series, "knee_collapse_deg": fppa_series}
    frames = {foot: stance_frames(truth, n, foot) for foot in ("left", "right")}
    fps = truth["render"]["fps"]
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for name, f in series.items():
        t = np.concatenate([f(true_xy[m], foot) for foot, m in frames.items()])
        out[name] = {label: following(t, np.concatenate([f(xy[m], foot) for foot, m in frames.items()]))
                     for label, xy in (("frames as labelled", seen), ("frames, flips undone", best))}
        peaks = []
        for s in truth["strides"]:
            stance = np.arange(s["initial_contact_frame"], s["toe_off_frame"] + 1)
            stance = stance[(stance < n) & frames[s["foot"]][np.minimum(stance, n - 1)]]
            value = f(best[stance], s["foot"])
            if len(stance) and np.isfinite(value).any() and round(s["start_s"] * fps) < n:
                peaks.append((s["foot"], s["values"][name], float(np.nanmax(value))))
        # Within each foot (a steady left/right difference is not a change over the clip), and only
        # where the truth changes over the strides (a drift) does this say how a change is followed.
        true, seen_peak = (np.concatenate([np.array([p[k] for p in peaks if p[0] == foot])
                                           - np.mean([p[k] for p in peaks if p[0] == foot])
                                           for foot in {p[0] for p in peaks}]) if peaks else np.array([])
                           for k in (1, 2))
        varied = len(peaks) > 2 and np.ptp(true) >= STRIDE_RANGE_DEG
        out[name]["strides, flips undone"] = following(true, seen_peak) if varied else (np.nan, np.nan)
    return out
