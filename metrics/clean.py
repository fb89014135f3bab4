"""Cleaning landmark tracks before measuring: swaps, outliers, gaps, noise.

Order matters: left/right swaps are repaired first (they would otherwise look
like outliers on both legs; in side view whole legs first, in a front or rear
view the torso's and the legs' sides first, then knees and feet one by one),
then (side view) a foot drawn onto the other foot
is dropped and re-drawn from its knee, then isolated outliers are removed,
short gaps are filled, and finally everything is low-pass filtered without
phase lag.
Every parameter is in seconds or hertz so a 30 fps and a 240 fps clip are
treated alike.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.ndimage import median_filter
from scipy.signal import butter, filtfilt

from metrics.legs import LEGS
from metrics.periodicity import step_period
from metrics.view import left_on_image_left
from vision.landmarks import (
    LEFT_ANKLE,
    LEFT_ELBOW,
    LEFT_FOOT_INDEX,
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    LEFT_WRIST,
    RIGHT_ANKLE,
    RIGHT_ELBOW,
    RIGHT_FOOT_INDEX,
    RIGHT_HEEL,
    RIGHT_HIP,
    RIGHT_KNEE,
    RIGHT_SHOULDER,
    RIGHT_WRIST,
)

STEP_VARIATION = 0.1  # step-to-step variation of the step time a leg's pose is matched within
# A whole leg below the hip, as the model swaps it in side view (the hips themselves stay put).
LEG_JOINTS = tuple((leg.knee, leg.ankle, leg.heel, leg.toe) for leg in LEGS.values())
FEET = ((LEFT_KNEE, (LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT_INDEX)),
        (RIGHT_KNEE, (RIGHT_ANKLE, RIGHT_HEEL, RIGHT_FOOT_INDEX)))

# Landmark groups the model swaps between legs independently of each other:
# a foot can be given to the wrong leg while its knee is right.
SWAP_GROUPS: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((LEFT_KNEE,), (RIGHT_KNEE,)),
    ((LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT_INDEX), (RIGHT_ANKLE, RIGHT_HEEL, RIGHT_FOOT_INDEX)),
)


# Front or rear view: the torso's left/right landmarks, which the model exchanges with the legs'
# (:data:`LEG_JOINTS`) or alone (synthetic rear runners: torso alone in up to 24 % of frames, all at once in
# up to 63 %).
TORSO_SIDES = ((LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST, LEFT_HIP), (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST, RIGHT_HIP))


@dataclass
class CleanTrack:
    """Cleaned landmark positions and what was done to them.

    Attributes:
        xy: [n, 33, 2] filtered positions in pixels (NaN where a gap was too long).
        raw_xy: [n, 33, 2] positions after swap repair, before filling and filtering.
        swapped: [n, len(SWAP_GROUPS)] True where a group's sides were exchanged back.
        filled: [n, 33] True where a position was interpolated across a gap.
        rejected: [n, 33] True where a position was discarded as an outlier.
        cutoff_hz: the low-pass cut-off used.
        max_gap_s: the longest gap filled.
    """

    xy: np.ndarray
    raw_xy: np.ndarray
    swapped: np.ndarray
    filled: np.ndarray
    rejected: np.ndarray
    cutoff_hz: float
    max_gap_s: float = 0.12

    def unfiltered(self, time_s: np.ndarray) -> np.ndarray:
        """[n, 33, 2] the positions before the low-pass: swaps repaired, outliers dropped, short gaps
        filled (recomputed from ``raw_xy`` and ``rejected``, once).

        For a value read at one instant where a joint angle turns (the knee at landing stops extending
        and starts flexing): the low-pass rounds such a turning point off."""
        if getattr(self, "_unfiltered", None) is None:  # a cache, not a field: never saved or compared
            self._unfiltered = fill_gaps(np.where(self.rejected[..., None], np.nan, self.raw_xy), time_s,
                                         self.max_gap_s)[0]
        return self._unfiltered


def _seen_mean(values: np.ndarray, axis: int) -> np.ndarray:
    """Mean over ``axis`` of what was seen: NaN, without a warning, where nothing was (frames without the
    runner are expected, e.g. where the model followed someone else)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=axis)


def body_size_px(xy: np.ndarray) -> float:
    """Median shoulder-to-hip distance in pixels: the yardstick for pixel tolerances."""
    shoulder = _seen_mean(xy[:, [LEFT_SHOULDER, RIGHT_SHOULDER]], axis=1)
    hip = _seen_mean(xy[:, [LEFT_HIP, RIGHT_HIP]], axis=1)
    distance = np.linalg.norm(shoulder - hip, axis=1)
    size = np.median(distance[np.isfinite(distance)]) if np.isfinite(distance).any() else np.nan
    return float(size) if np.isfinite(size) and size > 0 else 1.0


def repair_swaps(xy: np.ndarray, switch_cost: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """Undo frames where the model gave one leg's landmarks to the other leg.

    For each landmark group, a Viterbi search over "as detected" / "exchanged"
    states picks the assignment whose trajectories best follow a
    constant-velocity prediction (error measured in torso lengths).
    ``switch_cost`` (torso lengths) is charged per frame spent exchanged, so
    the detected labels win whenever the motion does not clearly contradict them.

    Returns the repaired positions and an [n, groups] mask of exchanged frames.
    """
    xy = np.array(xy, dtype=float)
    n = len(xy)
    scale = body_size_px(xy)
    swapped = np.zeros((n, len(SWAP_GROUPS)), bool)
    for g, (left, right) in enumerate(SWAP_GROUPS):
        idx = list(left) + list(right)
        alt = list(right) + list(left)
        options = np.stack([xy[:, idx], xy[:, alt]], axis=1) / scale  # [n, 2, k, 2]
        states = _viterbi_constant_velocity(options, switch_cost)
        swapped[:, g] = states == 1
        xy[np.ix_(swapped[:, g], idx)] = xy[np.ix_(swapped[:, g], alt)]
    return xy, swapped


def repair_leg_swaps(xy: np.ndarray, time_s: np.ndarray, step_period_s: float | None = None,
                     switch_cost: float = 0.5, exchange_cost: float = 0.05,
                     max_jitter: float = 2.0, max_rounds: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Side view: undo runs of frames where the model gave one whole leg's labels to the other leg.

    Seen from the side, just after the swinging far leg passes the stance leg,
    the model may carry the near leg's labels (knee, ankle, heel, toe) onto the
    far leg for several frames; the labels jump back a few frames later.  Two
    facts, together, tell which frames are exchanged:

    - the gait cycle: one step later and one step earlier each leg takes the
      pose (relative to the pelvis) the other leg has now (what
      :mod:`metrics.periodicity` finds the step period by).  A frame costs,
      per hypothesis "as detected" / "exchanged", how far its left leg lies
      from the right leg a step away and its right leg from the left one
      (torso lengths, mean over joints, the best lag within ``STEP_VARIATION``
      of the step period: steps vary);
    - continuity: a leg cannot jump.  Going from one frame to the next costs
      the distance its joints move under the two frames' labels.

    A Viterbi search proposes runs of exchanged frames, charging
    ``switch_cost`` per change and ``exchange_cost`` per exchanged frame so
    ties (legs crossing) keep the detected labels.  A run is only proposed if
    it is shorter than a step, does not touch the clip's ends (where the
    labels are seen to snap only once), and, as detected, its legs move
    between frames at most ``max_jitter`` times the clip's median movement (a
    model that lost the legs makes them jitter; exchanging that mends nothing).
    A model that swaps at the same phase every stride makes every frame a step
    from an exchanged one look exchanged too, so only the proposed run that
    lowers the total cost most is exchanged (with any others a step and a half
    or more from it), and the search repeats on the repaired track until no
    run is proposed (at most ``max_rounds``): once a true swap is undone, its
    neighbours a step away look right again.  Without a step period the track
    is returned unchanged.

    Returns the repaired positions and the [n] mask of exchanged frames.
    """
    xy = np.array(xy, dtype=float)
    time_s = np.asarray(time_s, float)
    n = len(xy)
    swapped = np.zeros(n, bool)
    if step_period_s is None:
        step_period_s = step_period(xy, time_s).period_s if n >= 12 else float("nan")
    if not np.isfinite(step_period_s) or n < 3:
        return xy, swapped
    step = step_period_s * (n - 1) / (time_s[-1] - time_s[0])
    left, right = (list(j) for j in LEG_JOINTS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without hips: NaN, judged by nobody
        pelvis = np.nanmean(xy[:, [LEFT_HIP, RIGHT_HIP]], axis=1, keepdims=True)  # hips are never exchanged
        scale = body_size_px(xy)
    for _ in range(max_rounds if max_rounds is not None else n):
        pose = (xy - pelvis) / scale
        legs = np.stack([pose[:, left + right], pose[:, right + left]], 1)  # [n, state, joints, 2]
        cost = np.stack([_leg_step_cost(legs[:, s], legs[:, 0], step) for s in (0, 1)], 1) + [0.0, exchange_cost]
        jump = np.linalg.norm(legs[1:, None, :] - legs[:-1, :, None], axis=-1)  # [n-1, from, to, joints]
        seen = np.isfinite(jump)
        transition = np.where(seen, jump, 0).sum(-1) / np.maximum(seen.sum(-1), 1) + switch_cost * (1 - np.eye(2))
        moving = transition[:, 0, 0]  # how far the legs move between frames, as detected
        typical = float(np.median(moving)) if len(moving) else 0.0
        # A swap starts after one crossing of the legs and is undone before the next, a step later;
        # inside it the swapped legs move as smoothly as anywhere.  Where they jitter the model has
        # lost the legs (a run it keeps exchanging frame by frame) and exchanging the run helps nothing.
        proposed = [(start, stop) for start, stop in _runs(_viterbi_two_states(cost, transition) == 1)
                    if 0 < start and stop < n and stop - start < step
                    and (stop - start < 2 or np.median(moving[start:stop - 1]) <= max_jitter * typical)]
        if not proposed:
            break
        # Best first; a run within a step and a half of one taken now waits for the next round
        # (its evidence may be that run's swap), runs farther apart do not judge each other.
        taken: list[tuple[int, int]] = []
        for start, stop in sorted(proposed, key=lambda run: -_exchange_gain(cost, transition, *run)):
            if _exchange_gain(cost, transition, start, stop) > 0 and \
                    all(stop + 1.5 * step <= a or b + 1.5 * step <= start for a, b in taken):
                taken.append((start, stop))
        if not taken:
            break
        for start, stop in taken:
            xy[start:stop, left + right] = xy[start:stop, right + left]
            swapped[start:stop] ^= True
    return xy, swapped


def _exchange_gain(cost: np.ndarray, transition: np.ndarray, start: int, stop: int) -> float:
    """How much exchanging frames ``[start, stop)`` lowers the summed ``cost`` and ``transition``
    costs of :func:`_viterbi_two_states` (every other frame as detected)."""
    gain = float(np.sum(cost[start:stop, 0] - cost[start:stop, 1]))
    gain += float(np.sum(transition[start:stop - 1, 0, 0] - transition[start:stop - 1, 1, 1]))
    if start > 0:
        gain += float(transition[start - 1, 0, 0] - transition[start - 1, 0, 1])
    if stop < len(cost):
        gain += float(transition[stop - 1, 0, 0] - transition[stop - 1, 1, 0])
    return gain


def _leg_step_cost(legs: np.ndarray, reference: np.ndarray, step: float) -> np.ndarray:
    """[n] how far ``legs`` [n, 2k, 2] (left joints, then right) lie from ``reference``'s other leg a
    step away (mean over joints; mean of the earlier and later step, each the best lag within
    ``STEP_VARIATION`` of the step, at least +-1 frame); 0 where nothing is comparable."""
    n, k = len(legs), legs.shape[1] // 2
    other = np.concatenate([reference[:, k:], reference[:, :k]], axis=1)
    sides = []
    for sign in (-1, 1):
        best = np.full(n, np.inf)
        spread = max(1, int(round(STEP_VARIATION * step)))
        for lag in sign * (int(round(step)) + np.arange(-spread, spread + 1)):
            shifted = np.full_like(other, np.nan)
            shifted[max(-lag, 0):n - max(lag, 0)] = other[max(lag, 0):n + min(lag, 0)]
            d = np.linalg.norm(legs - shifted, axis=-1)
            seen = np.isfinite(d)
            best = np.fmin(best, np.where(seen.any(1), np.where(seen, d, 0).sum(1) / np.maximum(seen.sum(1), 1),
                                          np.nan))
        sides.append(best)
    sides = np.stack(sides)
    seen = np.isfinite(sides)
    return np.where(seen, sides, 0).sum(0) / np.maximum(seen.sum(0), 1)


def _viterbi_two_states(cost: np.ndarray, transition: np.ndarray) -> np.ndarray:
    """[n] states (0/1) minimising the summed per-frame ``cost`` [n, 2] plus the ``transition`` costs,
    [n-1, 2, 2] (from frame t's state to frame t+1's) or one [2, 2] for all frames.

    >>> change = np.array([[0, 1.5], [1.5, 0]])
    >>> _viterbi_two_states(np.array([[0, 3], [2, 0], [2, 0], [0, 3.0]]), change).tolist()
    [0, 1, 1, 0]
    >>> _viterbi_two_states(np.array([[0, 3], [2, 0], [0, 3.0]]), change).tolist()
    [0, 0, 0]
    """
    n = len(cost)
    transition = np.broadcast_to(transition, (max(n - 1, 0), 2, 2))
    total = cost[0].copy()
    back = np.zeros((n, 2), int)
    for t in range(1, n):
        options = total[:, None] + transition[t - 1]  # [from, to]
        back[t] = np.argmin(options, axis=0)
        total = options.min(axis=0) + cost[t]
    states = np.zeros(n, int)
    states[-1] = int(np.argmin(total))
    for t in range(n - 1, 0, -1):
        states[t - 1] = back[t, states[t]]
    return states


def _viterbi_constant_velocity(options: np.ndarray, prior: float | np.ndarray) -> np.ndarray:
    """Best state sequence for ``options`` [n, 2, k, 2] under constant-velocity motion.

    The hidden state at each frame is the pair (state at t-1, state at t), so
    a prediction ``2 p[t-1] - p[t-2]`` can be scored. Frames with missing
    positions contribute no motion cost.  ``prior`` is charged per frame spent
    exchanged (a number), or per frame and state ([n, 2]).
    """
    n = len(options)
    if n < 3:
        return np.zeros(n, int)
    prior = np.array([0.0, prior]) if np.ndim(prior) == 0 else np.asarray(prior, float)
    prior = np.broadcast_to(prior, (n, 2))
    # motion[t, a, b, c]: prediction error at t with states a, b, c at t-2, t-1, t (0 where nothing is seen).
    pred = 2 * options[1:-1, None, :] - options[:-2, :, None]  # [n-2, a, b, k, 2]
    err = np.linalg.norm(options[2:, None, None, :] - pred[:, :, :, None], axis=-1)  # [n-2, a, b, c, k]
    seen = np.isfinite(err)
    motion = np.where(seen, err, 0).sum(-1) / np.maximum(seen.sum(-1), 1)
    # cost[a, b]: best total cost ending with state a at t-1 and b at t.
    cost = prior[0][:, None] + prior[1][None, :]
    back = np.zeros((n, 2, 2), int)
    for t in range(2, n):
        total = cost[:, :, None] + motion[t - 2] + prior[t][None, None, :]  # [a, b, c]
        back[t] = np.argmin(total, axis=0)
        cost = total.min(axis=0)
    b, c = np.unravel_index(np.argmin(cost), cost.shape)
    states = np.zeros(n, int)
    states[-1], states[-2] = c, b
    for t in range(n - 1, 1, -1):
        a = back[t, states[t - 1], states[t]]
        states[t - 2] = a
    return states


def repair_body_swaps(xy: np.ndarray, view: str) -> tuple[np.ndarray, np.ndarray]:
    """Front or rear view: undo frames where the model gave the body's sides the other side's labels.

    Taking a runner's back for their front, the pose model exchanges every
    left/right label at once for a few frames, again and again (synthetic
    rear runner rear-128-drift: 62 % of frames, in runs of 3-15 frames), or
    the torso's alone (rear-122-drift: 23 %).  The runner does not turn
    round, so each group of :data:`TORSO_SIDES` and :data:`LEG_JOINTS` is
    given, frame by frame, the labelling that

    - agrees with the view: the torso's left (shoulders and hips) on the
      image's left in a rear view, on its right in a front view
      (:func:`metrics.view.left_on_image_left`); each leg below its own hip
      (knees nearer their own hip, once the torso is repaired); a frame
      contradicting it costs by how much (torso lengths);
    - keeps the motion smooth: exchanging labels mid-clip moves each landmark
      by the body's width between two frames, which no runner does
      (:func:`_viterbi_constant_velocity`), so a frame where the body is seen
      edge-on and the side rule is moot follows its neighbours.

    Returns the repaired positions and an [n, 2] mask of exchanged frames (torso, legs).
    """
    xy = np.array(xy, dtype=float)
    scale = body_size_px(xy)
    want = -1.0 if view == "front" else 1.0
    swapped = np.zeros((len(xy), 2), bool)
    for g, (left, right) in enumerate((TORSO_SIDES, LEG_JOINTS)):
        idx, alt = list(left) + list(right), list(right) + list(left)
        if g == 0:
            wrong = -want * left_on_image_left(xy) / scale  # > 0 where the labels contradict the view
        else:
            hip_x = xy[:, [LEFT_HIP, RIGHT_HIP], 0]
            knee_x = xy[:, [LEFT_KNEE, RIGHT_KNEE], 0]
            own = np.abs(knee_x - hip_x).sum(1)
            other = np.abs(knee_x - hip_x[:, ::-1]).sum(1)
            wrong = (own - other) / scale
        wrong = np.nan_to_num(wrong)
        prior = np.maximum(0, np.stack([wrong, -wrong], 1))
        options = np.stack([xy[:, idx], xy[:, alt]], axis=1) / scale
        swapped[:, g] = _viterbi_constant_velocity(options, prior) == 1
        xy[np.ix_(swapped[:, g], idx)] = xy[np.ix_(swapped[:, g], alt)]
    return xy, swapped


def separate_feet(xy: np.ndarray, time_s: np.ndarray, touch: float = 0.3, episode_gap_s: float = 0.1,
                  max_gap_s: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Side view: re-draw both feet where the model drew one on top of the other.

    Seen from the side the far foot is hidden behind the near leg for part of
    each stride; the model then puts its landmarks on the visible (stance)
    foot, which makes a swinging foot look planted, and jitters the stance
    foot's own landmarks between the two.  Two feet cannot occupy the same
    place, so wherever ankle, heel and toe of both feet lie within ``touch``
    torso lengths of each other (episodes closer than ``episode_gap_s``
    joined), both feet are re-drawn by interpolating their offsets from their
    own knees, which the model keeps tracking, across at most ``max_gap_s``.
    Episodes touching the clip's ends, or too long to bridge, are left as seen.

    Returns the repaired positions and the [n, 33] mask of re-drawn ones.
    """
    xy = np.array(xy, dtype=float)
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0])
    (_, left), (_, right) = FEET
    apart = _seen_mean(np.linalg.norm(xy[:, list(left)] - xy[:, list(right)], axis=-1), axis=1) / body_size_px(xy)
    together = _close_runs(np.nan_to_num(apart, nan=np.inf) < touch, int(round(episode_gap_s * fps)))
    redrawn = np.zeros(xy.shape[:2], bool)
    for knee, foot in FEET:
        offset = xy[:, list(foot)] - xy[:, [knee]]
        offset[together] = np.nan
        offset, filled = fill_gaps(offset, time_s, max_gap_s)
        redrawn[:, list(foot)] = filled
        xy[:, list(foot)] = np.where(filled[..., None], offset + xy[:, [knee]], xy[:, list(foot)])
    return xy, redrawn


def _close_runs(mask: np.ndarray, max_len: int) -> np.ndarray:
    """Fill False runs of at most ``max_len`` frames lying between True runs.

    >>> _close_runs(np.array([1, 0, 1, 0, 0, 0, 1], bool), 2).astype(int).tolist()
    [1, 1, 1, 0, 0, 0, 1]
    """
    mask = mask.copy()
    for start, stop in _runs(~mask):
        if 0 < start and stop < len(mask) and stop - start <= max_len:
            mask[start:stop] = True
    return mask


def reject_outliers(xy: np.ndarray, fps: float, window_s: float = 0.1,
                    tolerance: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
    """Discard positions far from their running median (a jump the body cannot make).

    ``tolerance`` is in torso lengths; the median window is ``window_s`` long.
    Returns the cleaned positions and the [n, 33] mask of discarded ones.
    """
    xy = np.array(xy, dtype=float)
    size = max(3, int(round(window_s * fps)) | 1)
    smooth = median_filter(np.nan_to_num(xy, nan=0.0), size=(size, 1, 1), mode="nearest")
    # Where the window holds gaps the median is meaningless: judge only full windows.
    gaps = median_filter(np.isnan(xy[..., 0]).astype(float), size=(size, 1), mode="nearest") > 0
    dist = np.linalg.norm(xy - smooth, axis=-1)
    rejected = (dist > tolerance * body_size_px(xy)) & ~gaps
    xy[rejected] = np.nan
    return xy, rejected


def fill_gaps(xy: np.ndarray, time_s: np.ndarray, max_gap_s: float = 0.12) -> tuple[np.ndarray, np.ndarray]:
    """Interpolate (shape-preserving cubic) across gaps no longer than ``max_gap_s``.

    >>> t = np.arange(6) / 30
    >>> x = np.array([0., 1, np.nan, 3, 4, 5])[:, None, None].repeat(2, -1)
    >>> filled, mask = fill_gaps(x, t)
    >>> round(float(filled[2, 0, 0]), 6), bool(mask[2, 0])
    (2.0, True)
    """
    xy = np.array(xy, dtype=float)
    filled = np.zeros(xy.shape[:2], bool)
    for j in range(xy.shape[1]):
        ok = np.isfinite(xy[:, j, 0])
        if ok.sum() < 2 or ok.all():
            continue
        interp = PchipInterpolator(time_s[ok], xy[ok, j], axis=0, extrapolate=False)
        for start, stop in _runs(~ok):
            if start == 0 or stop == len(ok):
                continue  # never extrapolate past the ends
            if time_s[stop] - time_s[start - 1] <= max_gap_s + 1e-9 + (time_s[1] - time_s[0]):
                xy[start:stop, j] = interp(time_s[start:stop])
                filled[start:stop, j] = True
    return xy, filled


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, stop)`` index ranges where ``mask`` is True.

    >>> _runs(np.array([0, 1, 1, 0, 1], bool))
    [(1, 3), (4, 5)]
    """
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def default_cutoff_hz(fps: float, preferred_hz: float = 10.0) -> float:
    """Low-pass cut-off: ``preferred_hz`` but at most 0.4 x Nyquist.

    >>> default_cutoff_hz(30.0), default_cutoff_hz(240.0)
    (6.0, 10.0)
    """
    return float(min(preferred_hz, 0.4 * fps / 2))


def lowpass(xy: np.ndarray, fps: float, cutoff_hz: float, order: int = 2) -> np.ndarray:
    """Zero-lag Butterworth low-pass (``filtfilt``) over each unbroken run of frames.

    Runs too short for the filter's padding are left as they are.
    """
    xy = np.array(xy, dtype=float)
    b, a = butter(order, cutoff_hz / (fps / 2))
    pad = 3 * max(len(a), len(b))
    flat = xy.reshape(len(xy), -1)
    for k in range(flat.shape[1]):
        for start, stop in _runs(np.isfinite(flat[:, k])):
            if stop - start > pad:
                flat[start:stop, k] = filtfilt(b, a, flat[start:stop, k])
    return flat.reshape(xy.shape)


def clean(image_xy: np.ndarray, time_s: np.ndarray, cutoff_hz: float | None = None,
          max_gap_s: float = 0.12, view: str | None = None, slow_motion: float = 1.0) -> CleanTrack:
    """All cleaning steps in order; ``cutoff_hz`` defaults to :func:`default_cutoff_hz`.

    ``view`` ("side", "rear", "front"; None: neither repair) chooses the
    view's own repairs: in side view :func:`repair_leg_swaps` and
    :func:`separate_feet` (from the front or back the feet are legitimately
    side by side), from the front or back :func:`repair_body_swaps`.

    ``slow_motion``: how many times slower the clip plays than it was filmed (its capture rate over its
    stored rate).  Cleaning then works in the stored video's time, the pose model's own: the model reads the
    stored frames one by one, and in slow motion a slip of it lasts as many frames as the near-identical frames
    around it, not as long as in a real-time clip.  In real time the 10x lab clip (mhuang24 lab_slowed,
    given its capture rate, 300 fps) rejected 838 positions as outliers and bridged them, holding the shoe
    still through the model's 20-50-frame slips, and lost 6 of its 9 initial contacts; in its stored time
    28, and all 9 are found (tests/test_slowmo.py).  ``time_s`` stays real time; the returned
    ``cutoff_hz`` and ``max_gap_s`` are in real time too."""
    time_s = np.asarray(time_s, float) * slow_motion
    fps = (len(time_s) - 1) / (time_s[-1] - time_s[0]) if len(time_s) > 1 else 30.0
    cutoff = cutoff_hz or default_cutoff_hz(fps)
    side_view = view == "side"
    if side_view:
        repaired, legs_swapped = repair_leg_swaps(image_xy, time_s)
    elif view in ("rear", "front"):
        repaired, body_swapped = repair_body_swaps(image_xy, view)
        legs_swapped = body_swapped[:, 1]
    else:
        repaired, legs_swapped = image_xy, False
    repaired, swapped = repair_swaps(repaired)
    swapped ^= np.asarray(legs_swapped)[..., None]  # a whole leg exchanged back is each of its groups exchanged
    if side_view:
        repaired, _ = separate_feet(repaired, time_s)
    kept, rejected = reject_outliers(repaired, fps)
    filled_xy, filled = fill_gaps(kept, time_s, max_gap_s)
    return CleanTrack(lowpass(filled_xy, fps, cutoff), repaired, swapped, filled, rejected, cutoff * slow_motion,
                      max_gap_s / slow_motion)


def even_grid(time_s: np.ndarray, tolerance: float = 0.2) -> np.ndarray:
    """An evenly spaced time grid for ``time_s``, or ``time_s`` itself when it already is one.

    Every filter here (and every velocity in :mod:`metrics.events`) assumes
    evenly spaced samples; a variable-frame-rate clip's frames are not.  A
    step differing from the median step by more than ``tolerance`` of it
    (a dropped or doubled frame, a rate change) calls for the grid; the grid
    keeps the median step and spans the same time.

    >>> t = np.array([0.0, 0.1, 0.2, 0.4, 0.5])
    >>> even_grid(t).round(2).tolist()
    [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    >>> t = np.arange(4) / 30
    >>> even_grid(t) is t
    True
    """
    time_s = np.asarray(time_s, float)
    if len(time_s) < 3:
        return time_s
    step = np.diff(time_s)
    median = float(np.median(step))
    if median <= 0 or np.all(np.abs(step - median) <= tolerance * median):
        return time_s
    n = int(round((time_s[-1] - time_s[0]) / median)) + 1
    return time_s[0] + np.arange(n) * ((time_s[-1] - time_s[0]) / (n - 1))


def resample(values: np.ndarray, time_s: np.ndarray, grid_s: np.ndarray) -> np.ndarray:
    """``values`` [n, ...] sampled at ``time_s``, linearly interpolated at ``grid_s``.

    Missing samples stay missing: a grid point between a missing and a seen
    sample is missing, and so is one farther than 1.5 median steps from any
    sample (a gap in the recording), which :func:`fill_gaps` then judges.

    >>> resample(np.array([0.0, 1.0, np.nan, 3.0]), np.array([0, 1, 2, 3.0]), np.array([0.5, 2.5])).tolist()
    [0.5, nan]
    """
    values = np.asarray(values, float)
    flat = values.reshape(len(values), -1)
    out = np.empty((len(grid_s), flat.shape[1]))
    for k in range(flat.shape[1]):
        out[:, k] = np.interp(grid_s, time_s, flat[:, k])
    after = np.clip(np.searchsorted(time_s, grid_s), 0, len(time_s) - 1)
    before = np.clip(after - 1, 0, len(time_s) - 1)
    nearest = np.minimum(np.abs(grid_s - time_s[after]), np.abs(grid_s - time_s[before]))
    out[nearest > 1.5 * np.median(np.diff(time_s))] = np.nan
    return out.reshape((len(grid_s),) + values.shape[1:])
