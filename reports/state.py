"""What is true at one instant of a clip: the :class:`FrameState` every annotator draws from.

Built from an :class:`~metrics.analysis.Analysis` (events, strides and their
measured values) and the :class:`~metrics.gait.Gait` it was measured on
(cleaned landmarks, running direction, contacts); nothing here measures or
cleans anything.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from metrics.analysis import Analysis, GaitEvent, Stride
from metrics.gait import Gait


@dataclass(frozen=True)
class FrameState:
    """The state of the analysis at one frame.

    ``last_contact[foot]`` is that foot's latest stride begun at or before
    this instant with the seconds since its initial contact; ``values`` are
    the measured values of the latest stride of either foot.
    """

    index: int
    time_s: float
    xy: np.ndarray  # [33, 2] px, cleaned as the metrics saw them; NaN where not seen
    view: str  # "side" | "rear" | "front"
    forward: int  # +1 runner faces image-right, -1 image-left
    recent_events: tuple[tuple[GaitEvent, float], ...] = ()  # (event, seconds since it)
    stance: dict[str, bool] = field(default_factory=dict)
    last_contact: dict[str, tuple[Stride, float]] = field(default_factory=dict)
    stride: Stride | None = None
    stride_number: int = 0  # 1-based among the strides of ``stride.foot``
    strides_of_foot: int = 0
    values: dict[str, float | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    clip_values: dict[str, float | None] = field(default_factory=dict)  # clip medians

    @property
    def detected(self) -> bool:
        return bool(np.isfinite(self.xy[:, 0]).any())


class ClipStates:
    """Frame states of one analysed clip, by frame index: ``states[i]``."""

    def __init__(self, analysis: Analysis, gait: Gait, event_window_s: float = 0.3):
        self.analysis, self.gait = analysis, gait
        self.view = str(analysis.view.get("kind", "side"))
        self.xy = gait.on_frames(gait.xy)  # the clip's frames (differ from the grid if resampled)
        self.forward = gait.forward
        self.window = event_window_s
        # Frame indices, not times, decide what has happened: they are exact.
        self._events = sorted(analysis.events, key=lambda e: e.frame)
        self._event_frames = [e.frame for e in self._events]
        self._strides = sorted(analysis.strides, key=lambda s: s.initial_contact_frame)
        self._stride_frames = [s.initial_contact_frame for s in self._strides]
        self._rank = {}
        for foot in ("left", "right"):
            own = [s for s in self._strides if s.foot == foot]
            self._rank.update({id(s): (k + 1, len(own)) for k, s in enumerate(own)})
        self._units = {k: m.unit for k, m in analysis.metrics.items()}
        self._clip_values = {k: m.value for k, m in analysis.metrics.items()}

    def __len__(self) -> int:
        return len(self.gait.frame_time_s)

    def time_of(self, index: int) -> float:
        """Real time of a frame; events and frames share this clock, so ages are exact."""
        return float(self.gait.frame_time_s[min(index, len(self) - 1)])

    def stance_at(self, index: int) -> dict[str, bool]:
        """Whether each foot is on the ground at frame ``index`` (from the last event of that foot)."""
        stance = {}
        for foot in ("left", "right"):
            last = None
            for e in self._events[: bisect.bisect_right(self._event_frames, index)]:
                if e.foot == foot:
                    last = e
            stance[foot] = last is not None and last.kind == "initial_contact"
        return stance

    def __getitem__(self, index: int) -> FrameState:
        t = self.time_of(index)
        hi = bisect.bisect_right(self._event_frames, index)
        recent = tuple((e, t - self.time_of(e.frame)) for e in self._events[:hi]
                       if t - self.time_of(e.frame) <= self.window)
        begun = self._strides[: bisect.bisect_right(self._stride_frames, index)]
        last_contact = {}
        for s in reversed(begun):
            if s.foot not in last_contact:
                last_contact[s.foot] = (s, t - self.time_of(s.initial_contact_frame))
            if len(last_contact) == 2:
                break
        stride = begun[-1] if begun else None
        number, total = self._rank.get(id(stride), (0, 0))
        return FrameState(
            index=index, time_s=t, xy=self.xy[index], view=self.view,
            forward=self.forward, recent_events=recent, stance=self.stance_at(index),
            last_contact=last_contact, stride=stride, stride_number=number, strides_of_foot=total,
            values=dict(stride.values) if stride else {}, units=self._units,
            clip_values=self._clip_values,
        )

    def stance_intervals(self) -> dict[str, list[tuple[float, float]]]:
        """Each foot's ground contacts as ``(initial_contact_s, toe_off_s)`` (the gait's contacts)."""
        return self.gait.stance_intervals()
