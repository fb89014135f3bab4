"""Which way the camera looks at the runner, and which way the runner runs.

* kind: ``side`` when the shoulders and hips are narrow compared with the
  torso's height (the body is seen edge-on), else ``rear`` or ``front``:
  from behind, the runner's left shoulder and hip are on the image's left.
  (The model reports the face as visible even from behind, so face
  visibility cannot tell the two apart; and from behind it often takes the
  back for a front for a few frames, labelling the whole body the other way
  round, see :func:`facing`.)
* direction (side view): the way the toes point, ``left`` or ``right`` in the image.
* near_side (side view): the leg the model sees better is the one nearer the camera.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
from scipy.ndimage import maximum_filter1d

from metrics.geometry import midpoint
from vision.landmarks import (
    INDEX,
    LEFT_ANKLE,
    LEFT_FOOT_INDEX,
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    NOSE,
    RIGHT_ANKLE,
    RIGHT_FOOT_INDEX,
    RIGHT_HEEL,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
)

LEFT_EAR, RIGHT_EAR = INDEX["left_ear"], INDEX["right_ear"]

# Beside a treadmill the background's image speed stays below a fiftieth of the belt's on the
# clips measured (a hand-held phone shakes it by a few per cent); a camera following the runner
# sweeps it at about the ground's speed (1.1x on pexels5738706).  A fifth separates the two.
STILL_BACKGROUND = 0.2
# Shoulder-plus-hip width over torso height: about 0.1-0.3 edge-on, 0.6-0.9 facing.
SIDE_WIDTH_RATIO = 0.4
# Where the model turns a runner's labels round (back taken for front) the body is drawn narrow for a few
# frames; the widest the body is drawn within this long is what counts (a side view stays edge-on).
WIDTH_WINDOW_S = 0.1
# A front view when at least this share of frames puts the runner's left on the image's right.  The model
# takes a back for a front, not the reverse: 2 real front clips 100 % of frames, 18 synthetic rear runners
# 0-62 % (38 % or more put the left on the image's left).
FRONT_LABELLING = 0.8


@dataclass
class View:
    """How the runner is seen; ``source`` says whether it was detected or given."""

    kind: str  # "side" | "rear" | "front"
    direction: str | None = None  # side view: "left" | "right" (running towards)
    near_side: str | None = None  # side view: "left" | "right"
    source: str = "auto"
    width_ratio: float | None = None

    @property
    def forward(self) -> int:
        """+1 when running towards image-right, -1 towards image-left."""
        return -1 if self.direction == "left" else 1

    def to_dict(self) -> dict:
        return asdict(self)


def width_ratio(xy: np.ndarray, window: int = 1) -> float:
    """Median of (shoulder width + hip width) / (2 x torso height) in the image, over the
    frames where the torso is nearer upright than flat (a sprinter crouched in the blocks
    has a short torso in the image whatever the view); each frame's the widest within
    ``window`` frames around it (frames of a turn-round drawn narrow, :data:`WIDTH_WINDOW_S`)."""
    shoulders = np.abs(xy[:, LEFT_SHOULDER, 0] - xy[:, RIGHT_SHOULDER, 0])
    hips = np.abs(xy[:, LEFT_HIP, 0] - xy[:, RIGHT_HIP, 0])
    torso = midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER) - midpoint(xy, LEFT_HIP, RIGHT_HIP)
    ratio = (shoulders + hips) / (2 * np.linalg.norm(torso, axis=-1))
    upright = np.abs(torso[:, 1]) > np.abs(torso[:, 0])
    if np.isfinite(ratio[upright]).any():
        ratio = np.where(upright, ratio, np.nan)
    widest = maximum_filter1d(np.nan_to_num(ratio, nan=-np.inf), max(int(window), 1))
    return float(np.median(widest[np.isfinite(widest)])) if np.isfinite(widest).any() else float("nan")


def left_on_image_left(xy: np.ndarray) -> np.ndarray:
    """[n] by how much the runner's left is on the image's left (pixels; mean of shoulders and hips,
    NaN where neither pair is seen): positive from behind, negative from the front."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean([xy[:, RIGHT_SHOULDER, 0] - xy[:, LEFT_SHOULDER, 0],
                           xy[:, RIGHT_HIP, 0] - xy[:, LEFT_HIP, 0]], axis=0)


def facing(xy: np.ndarray) -> str:
    """``rear`` or ``front`` for a clip not seen from the side.

    From the front the model labels the runner's left on the image's right in (nearly) every frame;
    from behind it labels the left on the image's left, but often takes the back for a front for a
    few frames, turning every label round, in up to 62 % of frames (:data:`FRONT_LABELLING`).

    >>> from vision.landmarks import MIRROR
    >>> front = np.zeros((10, 33, 2)); front[:, [LEFT_SHOULDER, LEFT_HIP], 0] = 1.0
    >>> rear = front[:, MIRROR]
    >>> facing(front), facing(rear)
    ('front', 'rear')
    >>> rear[:6] = front[:6]; facing(rear)  # 60 % of frames turned round: a back taken for a front
    'rear'
    """
    order = left_on_image_left(xy)
    seen = order[np.isfinite(order) & (order != 0)]
    return "front" if len(seen) and np.mean(seen < 0) >= FRONT_LABELLING else "rear"


def detect_setting(xy: np.ndarray, fps: float, belt_px_s: float, leg_length_px: float,
                   treadmill_speed_kmh: float | None = None, travel_legs: float = 1.0,
                   size_change: float = 1.4, background_px_s: float | None = None) -> str:
    """``treadmill`` or ``overground``.

    A runner who crosses the frame (the pelvis travels more than
    ``travel_legs`` leg lengths) or comes towards or goes away from the
    camera (the torso's image length changes by ``size_change``) is
    overground.  Otherwise it is a treadmill when the stance feet move with a
    ground much faster than the pelvis moves (the belt) -- unless the
    background moves too (``background_px_s``, :mod:`vision.camera`): a
    camera panning or tracking with an overground runner sweeps the
    background past at about the ground's image speed, while beside a
    treadmill it stands still (:data:`STILL_BACKGROUND`).
    """
    if treadmill_speed_kmh:
        return "treadmill"
    pelvis = midpoint(xy, LEFT_HIP, RIGHT_HIP)
    torso = np.linalg.norm(midpoint(xy, LEFT_SHOULDER, RIGHT_SHOULDER) - pelvis, axis=-1)
    if np.isfinite(pelvis[:, 0]).sum() < 2:
        return "overground"
    lo, hi = np.nanquantile(pelvis[:, 0], [0.05, 0.95])
    small, large = np.nanquantile(torso, [0.05, 0.95])
    if hi - lo > travel_legs * leg_length_px or large > size_change * small:
        return "overground"
    if camera_follows(belt_px_s, background_px_s):
        return "overground"
    hip_speed = abs(np.nanmedian(np.gradient(pelvis[:, 0]) * fps))
    return "treadmill" if belt_px_s > 2 * hip_speed else "overground"


def camera_follows(ground_px_s: float, background_px_s: float | None) -> bool:
    """Whether the background sweeps past at more than :data:`STILL_BACKGROUND` of the ground's
    image speed (False when the background's speed is unknown).

    >>> camera_follows(800.0, 0.3), camera_follows(11.4, 12.5), camera_follows(11.4, None)
    (False, True, False)
    """
    if background_px_s is None or not np.isfinite(background_px_s):
        return False
    return bool(background_px_s > STILL_BACKGROUND * ground_px_s)


def running_direction(xy: np.ndarray) -> str:
    """``left`` or ``right``: where the toes point (heel→toe), backed by the nose's side of the ears."""
    toes = np.concatenate([xy[:, LEFT_FOOT_INDEX, 0] - xy[:, LEFT_HEEL, 0],
                           xy[:, RIGHT_FOOT_INDEX, 0] - xy[:, RIGHT_HEEL, 0]])
    face = xy[:, NOSE, 0] - midpoint(xy, LEFT_EAR, RIGHT_EAR)[:, 0]
    vote = (np.nanmedian(toes) / (np.nanmedian(np.abs(toes)) + 1e-9)
            + np.nanmedian(face) / (np.nanmedian(np.abs(face)) + 1e-9))
    return "right" if vote > 0 else "left"


def near_side(visibility: np.ndarray) -> str:
    """The leg with the higher mean landmark visibility is the nearer one."""
    left = visibility[:, [LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT_INDEX]].mean()
    right = visibility[:, [RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_FOOT_INDEX]].mean()
    return "left" if left >= right else "right"


def detect_view(xy: np.ndarray, visibility: np.ndarray, override: str | None = None,
                fps: float | None = None) -> View:
    """The view of the clip; ``override`` ("side", "rear", "front") replaces the detected kind.
    ``fps`` sets the window of :func:`width_ratio` (:data:`WIDTH_WINDOW_S`; one frame if None)."""
    ratio = width_ratio(xy, int(round(WIDTH_WINDOW_S * fps)) if fps else 1)
    if override and override != "auto":
        kind, source = override, "user"
    elif ratio < SIDE_WIDTH_RATIO:
        kind, source = "side", "auto"
    else:
        kind, source = facing(xy), "auto"
    if kind == "side":
        return View(kind, running_direction(xy), near_side(visibility), source, ratio)
    return View(kind, None, None, source, ratio)
