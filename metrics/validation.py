"""Comparing detected gait events with labelled ones (hand labels or synthetic truth)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from metrics.analysis import GaitEvent
from metrics.event_io import CODES


@dataclass
class EventErrors:
    """Detected events of one kind matched one-to-one to labelled ones.

    ``errors`` has one entry per labelled event: the signed frame error
    (detected - labelled), or None when no detection lay within the matching
    tolerance.  ``n_detected`` counts the detections inside the labelled span
    (extended by the tolerance), which precision is judged against.
    """

    kind: str
    errors: list[int | None]
    n_detected: int = 0

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

    @property
    def recall(self) -> float:
        return len(self.matched) / max(len(self.errors), 1)

    @property
    def precision(self) -> float:
        return len(self.matched) / self.n_detected if self.n_detected else float("nan")


def read_event_labels(path: str | Path) -> list[GaitEvent]:
    """Events from a ``*.events.csv`` hand-label file (columns frame, time_s, event, foot_body_side)."""
    with open(path, newline="") as f:
        return [GaitEvent(r["foot_body_side"], CODES[r["event"]], int(r["frame"]), float(r["time_s"]))
                for r in csv.DictReader(f)]


def truth_events(truth: dict) -> list[GaitEvent]:
    """Events of a synthetic clip's ground truth (``stridescope synth``'s ``.truth.json``), without an initial
    contact on the first frame: the generator starts clips at a landing, which no footage shows as one (the
    foot is not seen coming down), so the analysis leaves it out (:func:`metrics.gait.landings_seen`)."""
    return [GaitEvent(e["foot"], e["kind"], int(e["frame"]), float(e["time_s"])) for e in truth["events"]
            if not (e["kind"] == "initial_contact" and int(e["frame"]) == 0)]


def event_errors(detected: list[GaitEvent], labelled: list[GaitEvent], kind: str,
                 max_error_frames: int = 6) -> EventErrors:
    """Match labelled and detected events of one kind and foot one-to-one, nearest pairs first.

    A label whose foot is ``"either"`` (marks that do not say which foot) is
    matched to whichever foot's detections fit those marks best.
    """
    labels = [e for e in labelled if e.kind == kind]
    if any(e.foot == "either" for e in labels):
        options = [[replace(e, foot=foot) if e.foot == "either" else e for e in labels] for foot in ("left", "right")]
        scored = [event_errors(detected, option, kind, max_error_frames) for option in options]
        return max(scored, key=lambda e: (len(e.matched), -e.median_abs))
    found = [e for e in detected if e.kind == kind]
    pairs = sorted((abs(d.frame - lab.frame), i, j) for i, lab in enumerate(labels) for j, d in enumerate(found)
                   if d.foot == lab.foot and abs(d.frame - lab.frame) <= max_error_frames)
    errors: list[int | None] = [None] * len(labels)
    used: set[int] = set()
    for _, i, j in pairs:
        if errors[i] is None and j not in used:
            errors[i] = found[j].frame - labels[i].frame
            used.add(j)
    feet = {e.foot for e in labels}
    if labels:
        lo = min(e.frame for e in labels) - max_error_frames
        hi = max(e.frame for e in labels) + max_error_frames
        n_detected = sum(lo <= d.frame <= hi and d.foot in feet for d in found)
    else:
        n_detected = 0
    return EventErrors(kind, errors, n_detected)


def author_marked_events(path: str | Path, clip: str) -> list[GaitEvent]:
    """The hato72 author's contact marks for ``clip`` (``hato72_author_marked_contact_events.csv``).

    The marks carry no event type or foot.  The first is the push-off from
    the blocks (a toe-off); after it they alternate touchdown, take-off.
    Their spacing (about 14 frames from touchdown to touchdown at a sprint
    step of about 7 frames) shows they follow one foot, so the foot is
    ``"either"``: whichever detected foot fits them.
    """
    with open(path, newline="") as f:
        rows = sorted((r for r in csv.DictReader(f) if r["clip"] == clip), key=lambda r: int(r["event_order"]))
    return [GaitEvent("either", "toe_off" if k % 2 == 0 else "initial_contact",
                      int(r["matched_frame_index_0based"]), float(r["matched_pts_s"]), "user")
            for k, r in enumerate(rows)]


def labelled_contact_time_ms(events: list[GaitEvent]) -> float:
    """Median ground contact time (ms) of labelled stances, each IC paired with the next toe-off of the same foot.

    The labels mark frames (LABELS.md): initial contact the first frame in contact, toe-off the last, so the
    contact began half a frame before its IC frame on average and ended half a frame after its TO frame: one
    frame period is added to the labelled frames' difference (t_TO - t_IC alone is a frame short, 33 ms at 30 fps).

    >>> labels = [GaitEvent("left", "initial_contact", 10, 10 / 30), GaitEvent("left", "toe_off", 16, 16 / 30)]
    >>> round(labelled_contact_time_ms(labels), 1)
    233.3
    """
    frames = np.array([e.frame for e in events], float)
    seconds = np.array([e.time_s for e in events], float)
    order = np.argsort(frames)
    steps = np.diff(frames[order])
    period = float(np.median(np.diff(seconds[order])[steps > 0] / steps[steps > 0]))
    times = []
    for ic in (e for e in events if e.kind == "initial_contact"):
        to = min((e.time_s for e in events if e.kind == "toe_off" and e.foot == ic.foot and e.time_s > ic.time_s),
                 default=None)
        if to is not None:
            times.append(1000 * (to - ic.time_s + period))
    return float(np.median(times))
