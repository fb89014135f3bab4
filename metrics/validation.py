"""Comparing detected gait events with labelled ones (hand labels or synthetic truth)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from metrics.analysis import GaitEvent

KINDS = {"IC": "initial_contact", "TO": "toe_off"}


@dataclass
class EventErrors:
    """Signed frame errors (detected - labelled) of one event kind; None = no detection nearby."""

    kind: str
    errors: list[int | None]

    @property
    def matched(self) -> np.ndarray:
        return np.array([e for e in self.errors if e is not None], float)

    @property
    def median_abs(self) -> float:
        return float(np.median(np.abs(self.matched))) if len(self.matched) else float("nan")

    def within(self, frames: int) -> float:
        """Fraction of labelled events detected within ``frames`` (misses count as outside)."""
        return sum(e is not None and abs(e) <= frames for e in self.errors) / max(len(self.errors), 1)

    @property
    def bias(self) -> float:
        return float(np.mean(self.matched)) if len(self.matched) else float("nan")


def read_event_labels(path: str | Path) -> list[GaitEvent]:
    """Events from a ``*.events.csv`` hand-label file (columns frame, time_s, event, foot_body_side)."""
    with open(path, newline="") as f:
        return [GaitEvent(r["foot_body_side"], KINDS[r["event"]], int(r["frame"]), float(r["time_s"]))
                for r in csv.DictReader(f)]


def truth_events(truth: dict) -> list[GaitEvent]:
    """Events of a synthetic clip's ground truth (``stridescope synth``'s ``.truth.json``)."""
    return [GaitEvent(e["foot"], e["kind"], int(e["frame"]), float(e["time_s"])) for e in truth["events"]]


def event_errors(detected: list[GaitEvent], labelled: list[GaitEvent], kind: str,
                 max_error_frames: int = 6) -> EventErrors:
    """Match each labelled event to the nearest detected one of the same foot and kind."""
    errors: list[int | None] = []
    for label in (e for e in labelled if e.kind == kind):
        frames = [e.frame for e in detected if e.kind == kind and e.foot == label.foot]
        best = min(frames, key=lambda f: abs(f - label.frame), default=None)
        errors.append(best - label.frame if best is not None and abs(best - label.frame) <= max_error_frames else None)
    return EventErrors(kind, errors)


def labelled_contact_time_ms(events: list[GaitEvent]) -> float:
    """Median toe-off minus initial contact (ms) of labelled stances, each IC paired with the
    next toe-off of the same foot."""
    times = []
    for ic in (e for e in events if e.kind == "initial_contact"):
        to = min((e.time_s for e in events if e.kind == "toe_off" and e.foot == ic.foot and e.time_s > ic.time_s),
                 default=None)
        if to is not None:
            times.append(1000 * (to - ic.time_s))
    return float(np.median(times))
