"""Gait events given by a person: the events CSV, its checks, and contacts built from it.

The CSV is the format of the hand labels in ``shared/videos/groundtruth/*.events.csv``:
``frame`` (0-based decode index), ``time_s`` (that frame's time), ``event`` (``IC`` or
``TO``) and ``foot_body_side`` (``left`` or ``right``); other columns are ignored when
read.  ``IC`` is the first frame the foot is on the ground, ``TO`` the last.

Per foot the events must alternate IC, TO, IC, ...  A toe-off before the foot's first
initial contact is a contact the clip starts in; an initial contact without a later
toe-off is a contact the clip ends in, or whose toe-off could not be seen (its
contact time is then not measured).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from metrics.analysis import GaitEvent
from metrics.events import Contact
from vision.errors import InputError

CODES = {"IC": "initial_contact", "TO": "toe_off"}
KIND_CODE = {kind: code for code, kind in CODES.items()}
KIND_WORDS = {"initial_contact": "initial contact", "toe_off": "toe-off"}
FEET = ("left", "right")
REQUIRED = ("frame", "event", "foot_body_side")
COLUMNS = ("frame", "time_s", "event", "foot_body_side", "source")


class EventsError(InputError):
    """Events that cannot be used; the message names the row or event at fault."""


def describe(e: GaitEvent) -> str:
    """``"the right toe-off at frame 11"``: an event as a message names it."""
    return f"the {e.foot} {KIND_WORDS[e.kind]} at frame {e.frame}"


def read_events_csv(path: str | Path, time_s: np.ndarray) -> list[GaitEvent]:
    """The events of an events CSV, checked against a clip whose frames are at ``time_s``.

    Raises :class:`EventsError` naming the first bad row (its line in the file).
    """
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise EventsError(f"{path.name}: no column {', '.join(missing)} "
                                  f"(needed: frame, time_s, event, foot_body_side)")
            rows = [(reader.line_num, row) for row in reader]
    except OSError as e:
        raise EventsError(f"cannot read the events file {path}: {e.strerror or e}") from e
    except (UnicodeDecodeError, csv.Error) as e:
        raise EventsError(f"{path.name} is not a readable CSV file: {e}") from e
    if not rows:
        raise EventsError(f"{path.name} holds no events")
    events, lines = [], {}
    for line, row in rows:
        e = _parse_row(row, time_s, f"{path.name} line {line}")
        events.append(e)
        lines[id(e)] = line
    check_events(events, len(time_s), where=lambda e: f"{path.name} line {lines[id(e)]}: ")
    return sorted(events, key=_order)


def _parse_row(row: dict, time_s: np.ndarray, where: str) -> GaitEvent:
    code = (row.get("event") or "").strip()
    kind = CODES.get(code.upper(), code.lower() if code.lower() in KIND_CODE else None)
    if kind is None:
        raise EventsError(f"{where}: unknown event {code!r} (use IC or TO)")
    foot = (row.get("foot_body_side") or "").strip().lower()
    if foot not in FEET:
        raise EventsError(f"{where}: unknown foot {row.get('foot_body_side')!r} (use left or right)")
    try:
        frame = int((row.get("frame") or "").strip())
    except ValueError:
        raise EventsError(f"{where}: frame {row.get('frame')!r} is not a whole number") from None
    if not 0 <= frame < len(time_s):
        raise EventsError(f"{where}: frame {frame} is outside the clip (frames 0..{len(time_s) - 1})")
    given = (row.get("time_s") or "").strip()
    if given:
        try:
            t = float(given)
        except ValueError:
            raise EventsError(f"{where}: time_s {given!r} is not a number") from None
        half_frame = 0.5 * float(np.median(np.diff(time_s))) if len(time_s) > 1 else 0.0
        if not abs(t - time_s[frame]) <= half_frame:
            raise EventsError(f"{where}: time_s {t:g} s disagrees with frame {frame}, "
                              f"which is at {time_s[frame]:.6f} s")
    return event_at(foot, kind, frame, time_s)


def event_at(foot: str, kind: str, frame: int, time_s: np.ndarray) -> GaitEvent:
    """A person's event at ``frame``, timed at that frame."""
    return GaitEvent(foot, kind, int(frame), round(float(time_s[frame]), 6), source="user")


def _order(e: GaitEvent) -> tuple[int, int, str]:
    return e.frame, 0 if e.kind == "initial_contact" else 1, e.foot


def check_events(events: list[GaitEvent], n_frames: int, where=lambda e: "") -> None:
    """Raise :class:`EventsError` unless ``events`` can be read as contacts of a clip of ``n_frames``.

    ``where(event)`` prefixes the message (e.g. the event's line in a file).
    """
    seen: dict[tuple, GaitEvent] = {}
    for e in events:
        key = (e.foot, e.kind, e.frame)
        if key in seen:
            raise EventsError(f"{where(e)}{describe(e)} is given twice")
        seen[key] = e
        # The detector marks a contact the clip starts or ends in by the clip's first or
        # last frame, so a person's event there could not be told from one.
        if e.kind == "initial_contact" and e.frame == 0:
            raise EventsError(f"{where(e)}an initial contact at frame 0 cannot be told from a contact "
                              f"that began before the clip; leave it out")
        if e.kind == "toe_off" and e.frame == n_frames - 1:
            raise EventsError(f"{where(e)}a toe-off at the last frame ({e.frame}) cannot be told from a "
                              f"contact that goes on after the clip; leave it out")
    for foot in FEET:
        previous = None
        for e in sorted((e for e in events if e.foot == foot), key=_order):
            if e.kind == "toe_off" and previous is not None and previous.kind == "toe_off":
                raise EventsError(f"{where(e)}{describe(e)} has no initial contact since "
                                  f"the toe-off at frame {previous.frame}")
            previous = e


def contacts_from_events(events: list[GaitEvent], time_s: np.ndarray) -> list[Contact]:
    """The ground contacts the events describe (checked by :func:`check_events`), in time order.

    A contact is ``source="user"`` when a person gave either of its events; detected events
    keep their sub-frame times.
    """
    time_s = np.asarray(time_s, float)
    check_events(events, len(time_s))
    last = len(time_s) - 1
    contacts = []
    for foot in FEET:
        ordered = sorted((e for e in events if e.foot == foot), key=_order)
        for k, e in enumerate(ordered):
            after = ordered[k + 1] if k + 1 < len(ordered) else None
            if e.kind == "toe_off":
                if k == 0:  # the clip starts inside this contact
                    contacts.append(Contact(foot, float(time_s[0]), e.time_s, 0, e.frame, False, _source(e)))
                continue
            if after is not None and after.kind == "toe_off":
                contacts.append(Contact(foot, e.time_s, after.time_s, e.frame, after.frame, True, _source(e, after)))
            else:  # no toe-off seen: the clip ends in this contact, or its toe-off was not marked
                end = last if after is None else e.frame
                end_s = float(time_s[end]) if after is None else e.time_s
                contacts.append(Contact(foot, e.time_s, end_s, e.frame, end, False, _source(e)))
    return sorted(contacts, key=lambda c: (c.initial_contact_s, c.foot))


def _source(*events: GaitEvent) -> str:
    return "user" if any(e.source == "user" for e in events) else events[0].source


def events_csv_text(events: list[GaitEvent]) -> str:
    """``events`` in the hand-label CSV format, time order."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for e in sorted(events, key=_order):
        w.writerow([e.frame, f"{e.time_s:.6f}", KIND_CODE[e.kind], e.foot, e.source])
    return out.getvalue()


def write_events_csv(events: list[GaitEvent], path: str | Path) -> Path:
    """Write ``events`` in the hand-label CSV format (written whole, then renamed)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(events_csv_text(events))
    tmp.replace(path)
    return path


@dataclass(frozen=True)
class EventChanges:
    """How a person's events differ from the automatic ones (a move counts once)."""

    added: int
    removed: int
    moved: int

    @property
    def total(self) -> int:
        return self.added + self.removed + self.moved


def event_changes(automatic: list[GaitEvent], reviewed: list[GaitEvent], max_move_frames: int = 5) -> EventChanges:
    """Events added, removed and moved (same foot and kind, at most ``max_move_frames`` away)."""
    def key(e: GaitEvent) -> tuple:
        return e.foot, e.kind, e.frame

    before, after = {key(e) for e in automatic}, {key(e) for e in reviewed}
    gone, new = sorted(before - after), sorted(after - before)
    moved = 0
    for foot, kind, frame in gone:
        near = [n for n in new if n[:2] == (foot, kind) and abs(n[2] - frame) <= max_move_frames]
        if near:
            new.remove(min(near, key=lambda n: abs(n[2] - frame)))
            moved += 1
    return EventChanges(added=len(new), removed=len(gone) - moved, moved=moved)
