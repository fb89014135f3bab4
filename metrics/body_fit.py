"""A body fitted over time (side view): constant segment lengths, visibility-weighted, smooth.

The pose model places each landmark frame by frame, so a thigh can stretch by
10 % between two frames and one misplaced knee bends the knee angle by 10 deg.
Here each leg is a two-link chain hanging from its (cleaned) hip: one thigh
and one shank length for the whole clip, and per frame the thigh's and the
shank's angle.  All of it is fitted at once by least squares (scipy): the
chain's knee should lie on the detected one and its shank point at the
detected ankle, weighted by the landmarks' visibility, and the angles should change smoothly (their angular
acceleration is penalised).  A frame the model got wrong is outvoted by its
neighbours and by the segment lengths the rest of the clip agrees on.  The
foot (heel, toe) moves rigidly with the fitted ankle.

In a side view the legs move in a plane nearly parallel to the image, so their
projected lengths stay constant; in a rear view they do not (a flexing thigh
shortens), and the fit is not used there.

``agreement`` says, per leg, how closely the detections follow the fitted
body (median distance over the segment length): the far leg's landmarks, half
hidden behind the near one, may be trusted when the fit agrees with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.sparse import csr_matrix

from metrics.legs import LEGS

LANDMARK_NOISE = 0.02  # of the leg's length: the detections' typical error
MAX_ANGULAR_ACCELERATION = 4.0e4  # deg/s^2, well above running's own (the penalty's scale)
ALONG_WEIGHT = 0.1  # the ankle's distance along the shank only sets the shank's length


@dataclass
class BodyFit:
    """``xy``: the landmarks with each leg's knee, ankle, heel and toe replaced by the fitted chain's.

    ``segments_px``: per leg, (thigh, shank) lengths; ``agreement``: per leg, the median
    distance of the detected knee and ankle from the fitted ones, in segment lengths.
    """

    xy: np.ndarray
    segments_px: dict[str, tuple[float, float]]
    agreement: dict[str, float]


def _unit(angle: np.ndarray) -> np.ndarray:
    """Unit vectors at ``angle`` (rad) from straight down (image y down), toward +x."""
    return np.stack([np.sin(angle), np.cos(angle)], -1)


def _angle(v: np.ndarray) -> np.ndarray:
    return np.arctan2(v[..., 0], v[..., 1])


def _sparsity(n: int) -> csr_matrix:
    """Which parameters each residual of :func:`fit_leg` depends on (``n`` frames; parameters: n thigh
    angles, n shank angles, thigh length, shank length).

    Knee residuals (x, y) depend on the thigh angle and length; the ankle's across and along ones on
    both angles and lengths; smoothness rows on three consecutive angles.  Built from index arrays
    (0.5 ms for 949 frames; element by element, 140 ms a leg).
    """
    i, j = np.arange(n), np.arange(n - 2)
    thigh, shank = np.full(n, 2 * n), np.full(n, 2 * n + 1)
    blocks = [  # (residual rows, parameter columns), one pair per dependency
        (2 * i, i), (2 * i, thigh), (2 * i + 1, i), (2 * i + 1, thigh),
        (2 * n + i, i), (2 * n + i, n + i), (2 * n + i, thigh),
        (3 * n + i, i), (3 * n + i, n + i), (3 * n + i, thigh), (3 * n + i, shank),
        *((4 * n + j, j + d) for d in range(3)),
        *((5 * n - 2 + j, n + j + d) for d in range(3)),
    ]
    rows, cols = (np.concatenate(a) for a in zip(*blocks))
    return csr_matrix((np.ones(len(rows), int), (rows, cols)), shape=(4 * n + 2 * (n - 2), 2 * n + 2))


def fit_leg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, w_knee: np.ndarray, w_ankle: np.ndarray,
            fps: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """(knee, ankle, thigh length, shank length) of the two-link chain best fitting one leg.

    Frames where the hip or a landmark is missing (NaN) get no data weight and
    are bridged by the smoothness term.
    """
    n = len(hip)
    ok_k = np.isfinite(knee).all(-1) & np.isfinite(hip).all(-1)
    ok_a = np.isfinite(ankle).all(-1) & ok_k
    thigh0 = float(np.nanmedian(np.linalg.norm(knee - hip, axis=-1)[ok_k]))
    shank0 = float(np.nanmedian(np.linalg.norm(ankle - knee, axis=-1)[ok_a]))
    hip = np.where(np.isfinite(hip), hip, np.nanmedian(hip, axis=0))
    th0 = np.where(ok_k, _angle(np.nan_to_num(knee - hip)), np.nan)
    sh0 = np.where(ok_a, _angle(np.nan_to_num(ankle - knee)), np.nan)
    idx = np.arange(n)
    th0 = np.interp(idx, idx[ok_k], th0[ok_k])
    sh0 = np.interp(idx, idx[ok_a], sh0[ok_a])
    sigma = LANDMARK_NOISE * (thigh0 + shank0)
    wk = np.where(ok_k, np.clip(w_knee, 0.05, 1.0), 0.0) / sigma
    wa = np.where(ok_a, np.clip(w_ankle, 0.05, 1.0), 0.0) / sigma
    knee_obs, ankle_obs = np.nan_to_num(knee), np.nan_to_num(ankle)
    acc_scale = np.radians(MAX_ANGULAR_ACCELERATION) / fps ** 2  # rad per frame^2

    def chain(p):
        th, sh, lt, ls = p[:n], p[n:2 * n], p[2 * n], p[2 * n + 1]
        k = hip + lt * _unit(th)
        return k, k + ls * _unit(sh)

    def residuals(p):
        k, _ = chain(p)
        th, sh = p[:n], p[n:2 * n]
        # The ankle counts only across the shank (its distance from the shank's line): a detected
        # ankle too close to the hip must not bend the thigh away from its own detected knee.
        u, d = _unit(sh), ankle_obs - k
        across = u[:, 0] * d[:, 1] - u[:, 1] * d[:, 0]
        along = (u * d).sum(-1) - p[2 * n + 1]
        return np.concatenate([((k - knee_obs) * wk[:, None]).ravel(), across * wa, along * wa * ALONG_WEIGHT,
                               np.diff(th, 2) / acc_scale, np.diff(sh, 2) / acc_scale])

    p0 = np.concatenate([th0, sh0, [thigh0, shank0]])
    sol = least_squares(residuals, p0, jac_sparsity=_sparsity(n), method="trf", loss="soft_l1", f_scale=3.0,
                        x_scale="jac", max_nfev=50)
    k, a = chain(sol.x)
    return k, a, float(sol.x[2 * n]), float(sol.x[2 * n + 1])


def fit_body(xy: np.ndarray, visibility: np.ndarray, time_s: np.ndarray) -> BodyFit:
    """Both legs of a side view fitted over the clip (see the module's note)."""
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    out = xy.copy()
    segments, agreement = {}, {}
    for foot, leg in LEGS.items():
        if np.isfinite(xy[:, leg.knee]).all(-1).sum() < 10 or np.isfinite(xy[:, leg.ankle]).all(-1).sum() < 10:
            continue
        knee, ankle, lt, ls = fit_leg(xy[:, leg.hip], xy[:, leg.knee], xy[:, leg.ankle],
                                      visibility[:, leg.knee], visibility[:, leg.ankle], fps)
        shift = ankle - xy[:, leg.ankle]
        out[:, leg.knee], out[:, leg.ankle] = knee, ankle
        for j in (leg.heel, leg.toe):
            out[:, j] = xy[:, j] + np.where(np.isfinite(shift), shift, 0.0)
        miss = np.concatenate([np.linalg.norm(knee - xy[:, leg.knee], axis=-1) / lt,
                               np.linalg.norm(ankle - xy[:, leg.ankle], axis=-1) / ls])
        segments[foot], agreement[foot] = (lt, ls), float(np.nanmedian(miss))
    return BodyFit(out, segments, agreement)
