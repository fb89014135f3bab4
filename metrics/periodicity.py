"""The step period of a whole clip from the periodicity of the legs' motion.

Running is periodic: each foot repeats once per stride and the two feet are
half a stride apart.  So the left-minus-right difference of a leg landmark
repeats once per stride and *inverts* after one step.  The step lag is where
the differences' autocorrelation is strongly negative while at twice that lag
it is strongly positive; no other lag has both, so neither a stride nor a half
step can be mistaken for a step.  One missed or spurious contact barely
changes an autocorrelation over the whole clip, which is why cadence is
checked against this period rather than taken from the contacts alone.

Lags are searched in frames, so the period comes out in the clip's own
time: slow motion of unknown factor gives cadence in video time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.landmarks import (
    LEFT_ANKLE,
    LEFT_FOOT_INDEX,
    LEFT_HEEL,
    LEFT_KNEE,
    RIGHT_ANKLE,
    RIGHT_FOOT_INDEX,
    RIGHT_HEEL,
    RIGHT_KNEE,
)

LEG_PAIRS = ((LEFT_KNEE, RIGHT_KNEE), (LEFT_ANKLE, RIGHT_ANKLE), (LEFT_HEEL, RIGHT_HEEL),
             (LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX))
# Below this step score the motion is not periodic enough to call a step period.
MIN_STRENGTH = 0.3


@dataclass
class StepPeriod:
    """The clip's step period (s, clip time) and how clearly the motion repeats at it.

    ``strength`` is the step score at the period: about 1 for steady
    alternating steps, near 0 for no periodic gait.  ``period_s`` is NaN when
    no step period stands out (:data:`MIN_STRENGTH`).
    """

    period_s: float
    strength: float

    @property
    def found(self) -> bool:
        return bool(np.isfinite(self.period_s))

    @property
    def cadence_spm(self) -> float | None:
        return 60.0 / self.period_s if self.found else None


def leg_differences(xy: np.ndarray) -> np.ndarray:
    """``[n, 8]`` left minus right x and y of knee, ankle, heel and toe (a panning camera or a
    runner crossing the frame moves both sides alike and cancels out)."""
    return np.concatenate([xy[:, left] - xy[:, right] for left, right in LEG_PAIRS], axis=1)


def autocorrelation(x: np.ndarray) -> np.ndarray:
    """``[n]`` mean over columns of each column's autocorrelation (biased, missing samples ignored).

    The biased estimate (divided by the whole energy, not the overlap) falls
    with the lag, so a multiple of the period scores lower than the period.
    """
    x = np.asarray(x, float)
    ok = np.isfinite(x)
    centred = np.where(ok, x - np.nanmean(np.where(ok, x, np.nan), axis=0), 0.0)
    n = len(x)
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spectrum = np.fft.rfft(centred, size, axis=0)
    acf = np.fft.irfft(spectrum * np.conj(spectrum), size, axis=0)[:n]
    energy = acf[0]
    keep = energy > 1e-12
    if not keep.any():
        return np.zeros(n)
    return np.mean(acf[:, keep] / energy[keep], axis=1)


def step_score(xy: np.ndarray, unbiased: bool = False) -> np.ndarray:
    """``[n // 2]`` per lag τ: (R(2τ) - R(τ)) / 2 of the left-right differences' autocorrelation R.

    One step inverts the differences (R(τ) ≈ -1) and two restore them
    (R(2τ) ≈ 1), so the score is about 1 at a step and about 0 at a stride
    or a half step.  ``unbiased`` scores locate a peak precisely; the biased
    ones (falling with the lag) tell the period from its multiples.
    """
    acf = autocorrelation(leg_differences(xy))
    if unbiased:  # divided by the overlap: peaks where they are, not drawn towards lag 0
        acf = acf * len(acf) / np.maximum(len(acf) - np.arange(len(acf)), 1)
    half = len(acf) // 2
    return (acf[2 * np.arange(half)] - acf[:half]) / 2


def step_period(xy: np.ndarray, time_s: np.ndarray, min_steps: float = 2.5) -> StepPeriod:
    """The step period of the clip from the legs' motion (:func:`step_score`).

    Lags from 3 frames to ``1/min_steps`` of the clip are searched; the best
    one is refined over all its odd multiples (each lands on a step score
    peak), so the period is precise to a fraction of a frame over the clip.

    >>> t = np.arange(600) / 60.0
    >>> xy = np.zeros((600, 33, 2))
    >>> for j, phase in ((LEFT_ANKLE, 0), (RIGHT_ANKLE, np.pi)):
    ...     xy[:, j, 0] = 50 * np.sin(2 * np.pi * t / 0.7 + phase)
    ...     xy[:, j, 1] = 10 * np.cos(4 * np.pi * t / 0.7)
    >>> round(step_period(xy, t).period_s, 3)
    0.35
    """
    time_s = np.asarray(time_s, float)
    n = len(time_s)
    fps = (n - 1) / (time_s[-1] - time_s[0]) if n > 1 else 0.0
    if n < 12 or not fps > 0:
        return StepPeriod(float("nan"), 0.0)
    score = step_score(xy)
    longest = min(int(n / min_steps), len(score) - 2)
    if longest <= 4:
        return StepPeriod(float("nan"), 0.0)
    lags = np.arange(3, longest)
    peaks = [k for k in lags if score[k] >= score[k - 1] and score[k] >= score[k + 1]]
    if not peaks:
        return StepPeriod(float("nan"), 0.0)
    best = max(peaks, key=lambda k: score[k])
    strength = float(score[best])
    if strength < MIN_STRENGTH:
        return StepPeriod(float("nan"), strength)
    exact = step_score(xy, unbiased=True)
    period = _refine(exact, _peak_lag(exact, best))
    return StepPeriod(float(period / fps), strength)


def _peak_lag(score: np.ndarray, k: int) -> float:
    """Sub-sample lag of the peak at ``k`` (parabola through three samples)."""
    if k <= 0 or k >= len(score) - 1:
        return float(k)
    a, b, c = score[k - 1:k + 2]
    curvature = a - 2 * b + c
    return float(k + (np.clip(0.5 * (a - c) / curvature, -0.5, 0.5) if curvature < 0 else 0.0))


def _refine(score: np.ndarray, period: float) -> float:
    """Least-squares period through the step-score peaks at odd multiples of ``period``."""
    multiples, lags = [1.0], [period]
    m = 3
    while (m + 0.25) * period < len(score) - 2:
        guess = m * period
        lo, hi = int(guess - period / 4), int(np.ceil(guess + period / 4))
        k = lo + int(np.argmax(score[lo:hi + 1]))
        if score[k] > MIN_STRENGTH / 2 and lo < k < hi:
            multiples.append(m)
            lags.append(_peak_lag(score, k))
        m += 2
    m_arr, lag_arr = np.array(multiples), np.array(lags)
    return float(np.sum(m_arr * lag_arr) / np.sum(m_arr * m_arr))
