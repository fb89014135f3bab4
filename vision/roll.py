"""The camera's roll, read from the picture's true verticals.

A phone held a little crooked turns the whole picture, and every angle measured
against the image's vertical (trunk lean, shank angle) inherits the turn
degree for degree.  The ground or belt line cannot tell: a camera set at an
angle to the treadmill slants that line by perspective while the room's
verticals stay upright.  The room's verticals — door and window frames, wall
corners, treadmill uprights, poster edges — are what turn with the camera.

Long near-vertical straight segments (OpenCV's line segment detector) are
collected from a few frames, those touching the runner's box left out.  Each
gives the tilt of the world's "up" in the image; a camera pitched up or down
makes verticals converge, so their tilt grows with the horizontal distance
from the image centre, and the roll is the tilt at the centre: a
length-weighted robust straight-line fit of tilt against horizontal position.

Sign as in :class:`synth.params.GaitParams`: positive when the scene appears
turned clockwise (the world's up leans towards image right).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np

from vision.video import VideoInfo, sampled_frames

FRAMES = 5
WORK_WIDTH = 960
# A segment is a candidate vertical when it is this long (share of the frame height) and within this many
# degrees of the image vertical (a crooked phone is rarely turned more than that).
MIN_LENGTH = 0.08
MAX_TILT_DEG = 12.0
# The runner's landmark box widened by this share of its size on each side (limbs, clothes, shadow).
RUNNER_MARGIN = 0.2
# Segments whose mid-points lie within this share of the width (and whose tilts agree within 1 deg) are
# the same edge (seen again in another frame, or broken in two); independent edges are counted once.
SAME_EDGE = 0.015
# Trusted when at least this many independent edges agree to within this standard error (deg).
MIN_EDGES = 4
MAX_STANDARD_ERROR_DEG = 0.5
# A camera pitched by p tilts a vertical at horizontal offset x (share of the width) by about
# x * (width / focal) * tan p: with a phone's 60-70 deg horizontal field (width / focal 1.15-1.4) and pitch
# within about 5 deg (one standard deviation), about 6.5 deg per frame width.  Edges on one side of the
# picture cannot tell this convergence from roll, so the prior bounds what they can say.
CONVERGENCE_DEG = 6.5
# An edge's own tilt error (deg): pixel steps on a long segment, a post not quite plumb.
NOISE_DEG = 0.3


@dataclass
class Roll:
    """The camera's roll read from the background's verticals (plain data: stored in the track's source)."""

    deg: float  # positive: the scene appears turned clockwise
    edges: int  # independent near-vertical edges it rests on
    spread_deg: float  # robust spread of the edges' tilts about the fit
    standard_error_deg: float
    confident: bool
    source: str = "background verticals"

    def to_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


def roll_frames(n: int, frames: int = FRAMES) -> set[int]:
    """The frames :func:`camera_roll` reads of a clip of ``n`` frames, spread over it."""
    return set(np.unique(np.linspace(0, n - 1, min(frames, n) + 2)[1:-1].round().astype(int)).tolist()) if n else set()


def camera_roll(info: VideoInfo, image_xy: np.ndarray, frames: int = FRAMES,
                segments: dict[int, np.ndarray] | None = None) -> Roll | None:
    """The camera's roll from a few frames of the clip (``image_xy`` [n, 33, 2]: the runner's landmarks per
    decoded frame, whose box is left out); None when the picture shows too few straight verticals.
    ``segments``: the :func:`vertical_segments` of the :func:`roll_frames`, when already read (else read here)."""
    n = len(image_xy)
    if n == 0:
        return None
    if segments is None:
        segments = sampled_frames(info, (roll_frames(n, frames), lambda i, rgb: vertical_segments(rgb, image_xy[i])))[0]
    if not segments:
        return None
    return roll_from_segments(np.concatenate(list(segments.values())), (info.width, info.height))


def vertical_segments(rgb: np.ndarray, runner_xy: np.ndarray | None = None) -> np.ndarray:
    """[k, 4] near-vertical straight segments ``(x_top, y_top, x_bottom, y_bottom)`` in full-frame pixels,
    those touching the runner's box (from ``runner_xy`` [33, 2]) left out."""
    h, w = rgb.shape[:2]
    scale = min(1.0, WORK_WIDTH / w)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    found = cv2.createLineSegmentDetector().detect(grey)[0]
    if found is None:
        return np.empty((0, 4))
    seg = found.reshape(-1, 4) / scale
    upside = seg[:, 1] > seg[:, 3]  # put the upper end first
    seg[upside] = seg[upside][:, [2, 3, 0, 1]]
    dx, dy = seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]
    keep = (np.hypot(dx, dy) >= MIN_LENGTH * h) & (np.degrees(np.abs(np.arctan2(dx, dy))) <= MAX_TILT_DEG)
    seg = seg[keep]
    if runner_xy is not None and np.isfinite(runner_xy).all(axis=1).any():
        ok = np.isfinite(runner_xy).all(axis=1)
        (x0, y0), (x1, y1) = runner_xy[ok].min(axis=0), runner_xy[ok].max(axis=0)
        mx, my = RUNNER_MARGIN * (x1 - x0), RUNNER_MARGIN * (y1 - y0)
        t = np.linspace(0, 1, 9)[None, :]
        px = seg[:, [0]] + t * (seg[:, [2]] - seg[:, [0]])
        py = seg[:, [1]] + t * (seg[:, [3]] - seg[:, [1]])
        inside = (px > x0 - mx) & (px < x1 + mx) & (py > y0 - my) & (py < y1 + my)
        seg = seg[~inside.any(axis=1)]
    return seg


def roll_from_segments(seg: np.ndarray, frame_size: tuple[int, int]) -> Roll | None:
    """The roll from near-vertical segments [k, 4] ``(x_top, y_top, x_bottom, y_bottom)`` of a
    ``frame_size`` (width, height) picture; None when fewer than three independent edges.

    Each edge's tilt (its upward direction's angle from image-up, positive towards image right) is
    fitted, weighted by length, as ``roll + slope * (x - centre) / width``: the slope is a pitched
    camera's converging verticals, held to its prior (:data:`CONVERGENCE_DEG`), so edges all on one
    side of the picture give a wide standard error and no confident roll.  Outliers (a leaning object,
    a curved edge) are dropped beyond three robust spreads.

    >>> rolled = [[x, 0, x - 100 * np.tan(np.radians(2)), 100] for x in (200, 350, 450, 600)]
    >>> r = roll_from_segments(np.array(rolled, float), (800, 600))
    >>> round(r.deg, 2), r.edges, r.confident
    (2.0, 4, True)
    """
    if len(seg) == 0:
        return None
    width = frame_size[0]
    dx, dy = seg[:, 0] - seg[:, 2], seg[:, 3] - seg[:, 1]  # bottom -> top, y up
    tilt = np.degrees(np.arctan2(dx, dy))
    length = np.hypot(dx, dy)
    x = ((seg[:, 0] + seg[:, 2]) / 2 - width / 2) / width
    edges = _edges(x, tilt)
    if len(np.unique(edges)) < 3:
        return None
    # One vote per independent edge: a background edge seen in every sampled frame counts once.
    keys, edge_of = np.unique(edges, return_inverse=True)
    length_of = np.bincount(edge_of, length)
    ex = np.bincount(edge_of, length * x) / length_of
    et = np.bincount(edge_of, length * tilt) / length_of
    weight = length_of / length_of.mean()
    kept = np.ones(len(keys), bool)
    for _ in range(5):
        (roll, slope), _ = _fit(ex[kept], et[kept], weight[kept], NOISE_DEG)
        residual = et - (roll + slope * ex)
        spread = 1.4826 * _weighted_median(np.abs(residual[kept]), weight[kept])
        now = np.abs(residual) <= max(3 * spread, 0.25)
        if now.sum() < 3 or (now == kept).all():
            break
        kept = now
    spread = float(1.4826 * _weighted_median(np.abs(residual[kept]), weight[kept]))
    (roll, slope), standard_error = _fit(ex[kept], et[kept], weight[kept], max(spread, NOISE_DEG))
    count = int(kept.sum())
    return Roll(float(roll), count, spread, standard_error,
                bool(count >= MIN_EDGES and standard_error <= MAX_STANDARD_ERROR_DEG))


def _edges(x: np.ndarray, tilt: np.ndarray) -> np.ndarray:
    """An edge label per segment: segments close in position and tilt share one."""
    order = np.lexsort((tilt, x))
    label = np.empty(len(x), int)
    current, last_x, last_t = -1, -np.inf, np.inf
    for i in order:
        if x[i] - last_x > SAME_EDGE or abs(tilt[i] - last_t) > 1.0:
            current += 1
        label[i], last_x, last_t = current, x[i], tilt[i]
    return label


def _fit(x: np.ndarray, tilt: np.ndarray, w: np.ndarray, noise_deg: float) -> tuple[tuple[float, float], float]:
    """``tilt = roll + slope * x`` by weighted least squares with the slope drawn towards zero by its prior
    (:data:`CONVERGENCE_DEG`); the fit and the roll's standard error (deg)."""
    a = np.stack([np.ones_like(x), x], axis=1)
    precision = (a.T * w) @ a / noise_deg ** 2 + np.diag([0.0, 1 / CONVERGENCE_DEG ** 2])
    covariance = np.linalg.inv(precision)
    fit = covariance @ ((a.T * w) @ tilt) / noise_deg ** 2
    return (float(fit[0]), float(fit[1])), float(np.sqrt(covariance[0, 0]))


def _weighted_median(v: np.ndarray, w: np.ndarray) -> float:
    order = np.argsort(v)
    cum = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cum, cum[-1] / 2)])
