"""Events given by a person: the events CSV, its checks, and the contacts and measures built from it.

Model-free: a synthetic gait of known timing stands in for a pose track where only timing matters.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from metrics.analysis import GaitEvent
from metrics.event_io import (
    EventsError,
    contacts_from_events,
    event_changes,
    read_events_csv,
    write_events_csv,
)

FPS = 30.0
TIME_S = np.arange(120) / FPS
HEADER = "frame,time_s,event,foot_body_side,note\n"


def write(tmp_path, rows: list[str], header: str = HEADER):
    path = tmp_path / "events.csv"
    path.write_text(header + "".join(r + "\n" for r in rows))
    return path


def row(frame: int, event: str, foot: str, time_s: float | None = None) -> str:
    t = frame / FPS if time_s is None else time_s
    return f"{frame},{t:.6f},{event},{foot},"


# A runner starting in left stance: left TO f3, right IC 8 / TO 14, left IC 19 / TO 25, right IC 30 (clip ends later).
GOOD = [row(3, "TO", "left"), row(8, "IC", "right"), row(14, "TO", "right"), row(19, "IC", "left"),
        row(25, "TO", "left"), row(30, "IC", "right")]


def test_events_csv_reads_frames_kinds_feet_and_frame_times(tmp_path):
    events = read_events_csv(write(tmp_path, GOOD), TIME_S)
    assert [(e.frame, e.kind, e.foot) for e in events] == [
        (3, "toe_off", "left"), (8, "initial_contact", "right"), (14, "toe_off", "right"),
        (19, "initial_contact", "left"), (25, "toe_off", "left"), (30, "initial_contact", "right")]
    assert all(e.source == "user" and e.time_s == round(e.frame / FPS, 6) for e in events)


def test_write_then_read_is_exact(tmp_path):
    events = read_events_csv(write(tmp_path, GOOD), TIME_S)
    again = read_events_csv(write_events_csv(events, tmp_path / "out.csv"), TIME_S)
    assert again == events
    with open(tmp_path / "out.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["frame"], r["time_s"], r["event"], r["foot_body_side"]) for r in rows] == \
        [tuple(r.split(",")[:4]) for r in GOOD]


def test_contacts_from_events_pair_each_contact_and_mark_the_clip_ends(tmp_path):
    contacts = contacts_from_events(read_events_csv(write(tmp_path, GOOD), TIME_S), TIME_S)
    assert [(c.foot, c.initial_contact_frame, c.toe_off_frame, c.complete) for c in contacts] == [
        ("left", 0, 3, False),  # the clip starts in this contact
        ("right", 8, 14, True),
        ("left", 19, 25, True),
        ("right", 30, 119, False),  # the clip ends in this contact
    ]
    assert contacts[1].toe_off_s - contacts[1].initial_contact_s == pytest.approx(6 / FPS)
    assert all(c.source == "user" for c in contacts)


def test_an_initial_contact_without_its_toe_off_has_no_contact_time():
    events = [GaitEvent("left", "initial_contact", 10, 10 / FPS), GaitEvent("left", "initial_contact", 32, 32 / FPS),
              GaitEvent("left", "toe_off", 38, 38 / FPS)]
    first, second = contacts_from_events(events, TIME_S)
    assert (first.complete, first.toe_off_frame) == (False, 10)
    assert (second.complete, second.toe_off_frame) == (True, 38)


@pytest.mark.parametrize("rows, words", [
    ([row(8, "IC", "middle")], "line 2: unknown foot 'middle'"),
    ([row(3, "TO", "left"), row(8, "HS", "right")], "line 3: unknown event 'HS'"),
    ([row(8, "IC", "right"), row(120, "TO", "right")], "line 3: frame 120 is outside the clip (frames 0..119)"),
    ([row(-1, "IC", "right")], "line 2: frame -1 is outside the clip"),
    ([row(8, "IC", "right", time_s=0.4)], "line 2: time_s 0.4 s disagrees with frame 8, which is at 0.266667 s"),
    ([row(8, "IC", "right"), row(14, "TO", "right"), row(8, "IC", "right")],
     "line 4: the right initial contact at frame 8 is given twice"),
    ([row(8, "IC", "right"), row(14, "TO", "right"), row(20, "TO", "right")],
     "line 4: the right toe-off at frame 20 has no initial contact since the toe-off at frame 14"),
    ([row(0, "IC", "right")], "line 2: an initial contact at frame 0"),
    ([row("x", "IC", "right", time_s=0)], "line 2: frame 'x' is not a whole number"),
    ([], "holds no events"),
])
def test_a_bad_events_csv_names_the_row_at_fault(tmp_path, rows, words):
    with pytest.raises(EventsError) as caught:
        read_events_csv(write(tmp_path, rows), TIME_S)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_events_csv_without_its_columns_says_which(tmp_path):
    with pytest.raises(EventsError, match="no column foot_body_side"):
        read_events_csv(write(tmp_path, ["8,0.266667,IC"], header="frame,time_s,event\n"), TIME_S)


def test_time_s_may_be_left_out(tmp_path):
    events = read_events_csv(write(tmp_path, ["8,IC,right"], header="frame,event,foot_body_side\n"), TIME_S)
    assert events[0].time_s == round(8 / FPS, 6)


def test_changes_count_a_move_once():
    auto = [GaitEvent("left", "initial_contact", 10, 0), GaitEvent("left", "toe_off", 16, 0),
            GaitEvent("right", "initial_contact", 21, 0)]
    reviewed = [GaitEvent("left", "initial_contact", 11, 0), GaitEvent("left", "toe_off", 16, 0),
                GaitEvent("right", "toe_off", 27, 0)]
    changes = event_changes(auto, reviewed)
    assert (changes.moved, changes.added, changes.removed, changes.total) == (1, 1, 1, 3)
