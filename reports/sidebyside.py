"""Two runs side by side, stepping together.

Both clips start at an initial contact of the same foot, and each stride is
time-normalised on its own: output stride *k* lasts the mean of the two
clips' *k*-th strides, and each clip's frame is the one nearest the same
fraction of its own stride.  So contacts coincide on screen for the whole
replay, even when the two cadences differ.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from metrics.analysis import Analysis, Stride
from metrics.gait import Gait
from reports.annotate import AngleArcAnnotator, EventFlashAnnotator, SkeletonAnnotator
from reports.replay import ReplayResult, clip_info
from reports.state import ClipStates
from reports.text import draw_text, text_size
from reports.video_writer import H264Writer
from vision.video import iter_frames

Progress = Callable[[int, int], None]


@dataclass
class Alignment:
    """Which frame of each clip every output frame shows."""

    foot: str
    fps: float
    frames_a: np.ndarray  # [m] frame index in clip A
    frames_b: np.ndarray  # [m] frame index in clip B
    stride: np.ndarray  # [m] 0-based aligned stride number
    n_strides: int


def complete_strides(analysis: Analysis, foot: str) -> list[Stride]:
    return sorted((s for s in analysis.strides if s.foot == foot and s.next_initial_contact_frame is not None),
                  key=lambda s: s.initial_contact_frame)


def align(a: Analysis, gait_a: Gait, b: Analysis, gait_b: Gait,
          foot: str | None = None, slow_motion: float = 1.0) -> Alignment:
    """Pair frames of A and B stride by stride, both starting at the same foot's initial contact.

    ``foot`` defaults to the foot with more complete strides in both clips.
    """
    if foot is None:
        foot = max(("left", "right"), key=lambda f: min(len(complete_strides(a, f)), len(complete_strides(b, f))))
    sa, sb = complete_strides(a, foot), complete_strides(b, foot)
    k = min(len(sa), len(sb))
    if k == 0:
        raise ValueError(f"no complete {foot} stride in both analyses to align on")
    fps = max(gait_a.fps, gait_b.fps)
    time_a, time_b = gait_a.frame_time_s, gait_b.frame_time_s  # events index the clips' own frames
    fa, fb, idx = [], [], []
    for i in range(k):
        ta0, ta1 = time_a[sa[i].initial_contact_frame], time_a[sa[i].next_initial_contact_frame]
        tb0, tb1 = time_b[sb[i].initial_contact_frame], time_b[sb[i].next_initial_contact_frame]
        n = max(2, int(round((ta1 - ta0 + tb1 - tb0) / 2 * fps * slow_motion)))
        p = np.arange(n) / n  # the last fraction (1.0) is the next stride's 0
        fa.append(_nearest(time_a, ta0 + p * (ta1 - ta0)))
        fb.append(_nearest(time_b, tb0 + p * (tb1 - tb0)))
        idx.append(np.full(n, i))
    return Alignment(foot, fps, np.concatenate(fa), np.concatenate(fb), np.concatenate(idx), k)


def _nearest(times: np.ndarray, t: np.ndarray) -> np.ndarray:
    i = np.clip(np.searchsorted(times, t), 1, len(times) - 1)
    return np.where(np.abs(times[i - 1] - t) <= np.abs(times[i] - t), i - 1, i)


def frames_in_order(info, indices: np.ndarray) -> Iterator[np.ndarray]:
    """The clip's frames at ``indices`` (non-decreasing, repeats allowed), decoding once."""
    wanted = iter(indices.tolist())
    target = next(wanted, None)
    for index, _, rgb in iter_frames(info):
        while target is not None and target == index:
            yield rgb
            target = next(wanted, None)
        if target is None:
            return


def _annotated(rgb: np.ndarray, states: ClipStates, index: int, height: int) -> np.ndarray:
    scene = rgb.copy()
    for layer in (SkeletonAnnotator(), AngleArcAnnotator(), EventFlashAnnotator()):
        scene = layer.annotate(scene, states[index])
    k = height / scene.shape[0]
    return cv2.resize(scene, (int(round(scene.shape[1] * k)), height), interpolation=cv2.INTER_AREA)


def write_side_by_side(a: Analysis, gait_a: Gait, b: Analysis, gait_b: Gait, out: str | Path,
                       labels: tuple[str, str] = ("before", "after"), clips: tuple = (None, None),
                       height: int = 720, slow_motion: float = 1.0, max_strides: int | None = None,
                       progress: Progress | None = None) -> tuple[ReplayResult, Alignment]:
    """Write the aligned side-by-side replay of A (left half) and B (right half).

    ``slow_motion`` stretches each stride over more output frames (frames repeat).
    """
    start = time.monotonic()
    plan = align(a, gait_a, b, gait_b, slow_motion=slow_motion)
    if max_strides is not None:
        keep = plan.stride < max_strides
        plan = Alignment(plan.foot, plan.fps, plan.frames_a[keep], plan.frames_b[keep], plan.stride[keep],
                         min(plan.n_strides, max_strides))
    states_a, states_b = ClipStates(a, gait_a), ClipStates(b, gait_b)
    info_a, info_b = clip_info(a, clips[0]), clip_info(b, clips[1])
    height = min(height, info_a.height, info_b.height)
    header = int(56 * height / 720)
    size = int(26 * height / 720)
    total = len(plan.frames_a)
    with H264Writer(out, plan.fps) as writer:
        pairs = zip(frames_in_order(info_a, plan.frames_a), frames_in_order(info_b, plan.frames_b))
        for j, (rgb_a, rgb_b) in enumerate(pairs):
            left = _annotated(rgb_a, states_a, int(plan.frames_a[j]), height)
            right = _annotated(rgb_b, states_b, int(plan.frames_b[j]), height)
            gap = np.full((height, 8, 3), 24, np.uint8)
            body = np.hstack([left, gap, right])
            bar = np.full((header, body.shape[1], 3), 24, np.uint8)
            scene = np.vstack([bar, body, bar])
            for x0, label in ((0, labels[0]), (left.shape[1] + 8, labels[1])):
                draw_text(scene, label, (x0 + 12, (header - size) // 2), size, (255, 255, 255))
            note = f"{plan.foot} stride {plan.stride[j] + 1} of {plan.n_strides} · aligned at {plan.foot} contact"
            small = int(size * 0.75)
            w, _ = text_size(note, small)
            draw_text(scene, note, ((scene.shape[1] - w) // 2, scene.shape[0] - (header + small) // 2), small,
                      (200, 200, 200))
            writer.write(scene)
            if progress:
                progress(j + 1, total)
    return ReplayResult(Path(out), writer.frames, writer.fps, time.monotonic() - start), plan
