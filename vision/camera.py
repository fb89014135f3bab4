"""Whether the camera moves: the image speed of the background around the runner.

A treadmill and a camera that follows an overground runner look the same in
the landmarks alone: either way the stance foot slides across the image
while the runner stays put.  The background tells them apart.  On a
treadmill it stands still (a hand-held phone shakes it a little); a panning
or tracking camera sweeps it past at about the ground's own image speed.

Corner features outside the runner's box are tracked (pyramidal
Lucas-Kanade) between consecutive frames at a few dozen places in the clip;
the median speed of their motion is the background's speed.
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.video import VideoInfo, sampled_frames

# Frame pairs sampled over the clip; frames are shrunk to this width first (speed, and the
# same feature scale whatever the resolution); speeds are reported in full-frame pixels.
PAIRS = 24
WORK_WIDTH = 480
# The runner's landmark box is widened by this fraction of its size on each side (limbs,
# clothes, the belt under the feet).
RUNNER_MARGIN = 0.25


def pair_starts(n: int, pairs: int = PAIRS) -> set[int]:
    """The first frames of the frame pairs sampled over a clip of ``n`` frames (none under 3)."""
    return set(np.unique(np.linspace(0, n - 2, min(pairs, n - 1)).round().astype(int)).tolist()) if n >= 3 else set()


def pair_frames(n: int, pairs: int = PAIRS) -> set[int]:
    """Every frame :func:`background_speed` reads: each pair's first and second."""
    firsts = pair_starts(n, pairs)
    return firsts | {i + 1 for i in firsts}


def background_speed(info: VideoInfo, image_xy: np.ndarray, pairs: int = PAIRS,
                     grey: dict[int, np.ndarray] | None = None) -> float | None:
    """Median image speed (full-frame px per second of clip time) of the background, the runner's
    box left out; None when too few frames or features were found to judge it.

    ``image_xy`` [n, 33, 2] are the runner's landmarks per decoded frame; ``grey`` the frames of
    :func:`pair_frames` as :func:`shrunk_grey` gives them, when already decoded (else read here).
    """
    n = len(image_xy)
    if n < 3:
        return None
    firsts = pair_starts(n, pairs)
    if grey is None:
        grey = sampled_frames(info, (pair_frames(n, pairs), shrunk_grey))[0]
    scale = min(1.0, WORK_WIDTH / info.width) if info.width else 1.0
    fps = info.capture_fps  # frames per second of clip (capture) time, as the landmarks are timed
    speeds = []
    for i in sorted(firsts):
        if i not in grey or i + 1 not in grey:
            continue
        moved = _background_shift(grey[i], grey[i + 1], image_xy[i] * scale)
        if moved is not None:
            speeds.append(moved / scale * fps)
    return float(np.median(speeds)) if len(speeds) >= max(3, len(firsts) // 3) else None


def shrunk_grey(_index: int, rgb: np.ndarray) -> np.ndarray:
    """A frame as :func:`background_speed` reads it: grey, shrunk to :data:`WORK_WIDTH`."""
    scale = min(1.0, WORK_WIDTH / rgb.shape[1])
    if scale < 1:
        rgb = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _background_shift(a: np.ndarray, b: np.ndarray, runner_xy: np.ndarray, min_features: int = 12) -> float | None:
    """Median displacement (px) of corner features outside the runner's box from frame ``a`` to ``b``."""
    mask = np.full(a.shape, 255, np.uint8)
    ok = np.isfinite(runner_xy).all(axis=1)
    if ok.any():
        (x0, y0), (x1, y1) = runner_xy[ok].min(axis=0), runner_xy[ok].max(axis=0)
        mx, my = RUNNER_MARGIN * (x1 - x0), RUNNER_MARGIN * (y1 - y0)
        top, bottom = int(max(y0 - my, 0)), int(min(y1 + my, a.shape[0]))
        left, right = int(max(x0 - mx, 0)), int(min(x1 + mx, a.shape[1]))
        mask[top:bottom, left:right] = 0
    corners = cv2.goodFeaturesToTrack(a, maxCorners=200, qualityLevel=0.01, minDistance=8, mask=mask)
    if corners is None or len(corners) < min_features:
        return None
    moved, status, _ = cv2.calcOpticalFlowPyrLK(a, b, corners, None, winSize=(21, 21), maxLevel=3)
    found = status.ravel() == 1
    if found.sum() < min_features:
        return None
    return float(np.median(np.linalg.norm((moved - corners).reshape(-1, 2)[found], axis=1)))
