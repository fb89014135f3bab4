"""A person's events in place of the detected ones: on the command line and in a stored session.

Real clip: zzzhushi_treadmill_side_portrait_30fps with its hand labels (168.4 steps/min from
60·(n−1)/(t_last−t_first) of the labelled initial contacts, LABELS.md).  The labels were not
used to tune anything here: the events are given, not detected.
"""

from __future__ import annotations

import csv
import json
import shutil
import threading

import numpy as np
import pytest

from metrics.analysis import Analysis
from metrics.review import add_event, delete_event, move_event
from stridescope import session_service as service
from stridescope.cli import main
from stridescope.pipeline import POSE_FILE, analyze_clip
from stridescope.settings import load_settings
from stridescope.storage import NewSession, Repository
from tests.conftest import GROUNDTRUTH, incoming

pytestmark = [pytest.mark.model, pytest.mark.shared]

CLIP = "zzzhushi_treadmill_side_portrait_30fps"
LABELS = GROUNDTRUTH / f"{CLIP}.events.csv"


def label_rows(path) -> list[tuple[str, str, str, str]]:
    with open(path, newline="") as f:
        return [(r["frame"], r["time_s"], r["event"], r["foot_body_side"]) for r in csv.DictReader(f)]


def cadence_of(events) -> float:
    """60·(n−1)/(t_last−t_first) of the initial contacts (both feet)."""
    t = sorted(e.time_s for e in events if e.kind == "initial_contact")
    return 60 * (len(t) - 1) / (t[-1] - t[0])


def contact_times_ms(events) -> list[float]:
    out = []
    for foot in ("left", "right"):
        mine = sorted((e for e in events if e.foot == foot), key=lambda e: e.frame)
        out += [1000 * (b.time_s - a.time_s) for a, b in zip(mine, mine[1:])
                if a.kind == "initial_contact" and b.kind == "toe_off"]
    return out


@pytest.fixture(scope="module")
def labelled_run(tmp_path_factory):
    """``stridescope analyze CLIP --events LABELS`` once; its folder and printed summary."""
    if not LABELS.is_file():
        pytest.skip("labels not available beside the repository")
    clip = incoming(f"{CLIP}.mp4")
    out = tmp_path_factory.mktemp("labelled")
    assert main(["analyze", str(clip), "-o", str(out), "--events", str(LABELS)]) == 0
    return out


def test_analyze_with_the_labels_reports_exactly_the_labelled_events_and_their_cadence(labelled_run):
    a = Analysis.load(labelled_run / "analysis.json")
    labelled = label_rows(LABELS)
    assert [(str(e.frame), {"initial_contact": "IC", "toe_off": "TO"}[e.kind], e.foot) for e in a.events] == \
        [(f, k, foot) for f, _, k, foot in labelled]
    assert all(e.source == "user" for e in a.events)
    assert a.metrics["cadence_spm"].value == pytest.approx(168.4, abs=0.3)
    assert a.metrics["cadence_spm"].value == pytest.approx(cadence_of(a.events), abs=0.01)
    assert a.events_review["reviewed"] and a.events_review["source"].startswith("file ")


def test_events_written_back_out_are_the_labels_exactly(labelled_run, tmp_path, capsys):
    out = tmp_path / "events.csv"
    assert main(["events", str(labelled_run), "-o", str(out)]) == 0
    assert "33 initial contacts, 34 toe-offs" in capsys.readouterr().out
    assert label_rows(out) == label_rows(LABELS)


def bad_copies(tmp_path) -> dict[str, tuple]:
    rows = LABELS.read_text().splitlines()
    header, body = rows[0], rows[1:]

    def edit(i: int, column: int, value: str) -> list[str]:
        cells = next(csv.reader([body[i]]))
        cells[column] = value
        return body[:i] + [",".join(f'"{c}"' if "," in c else c for c in cells)] + body[i + 1:]

    cases = {
        "unknown foot": (edit(3, 4, "middle"), "line 5: unknown foot 'middle'"),
        "unknown event": (edit(3, 2, "HS"), "line 5: unknown event 'HS'"),
        "frame outside": (edit(3, 0, "400"), "line 5: frame 400 is outside the clip (frames 0..359)"),
        "time disagrees": (edit(3, 1, "0.9"), "line 5: time_s 0.9 s disagrees with frame 17"),
        "duplicate": (body[:4] + [body[3]] + body[4:], "line 6: the left initial contact at frame 17 is given twice"),
        "toe-off without contact": (body[:3] + body[4:], "line 5: the left toe-off at frame"),
    }
    return {name: (header, lines, words) for name, (lines, words) in cases.items()}


@pytest.mark.parametrize("case", ["unknown foot", "unknown event", "frame outside", "time disagrees", "duplicate",
                                  "toe-off without contact"])
def test_a_bad_events_csv_is_one_line_naming_the_row_and_nothing_saved_changes(labelled_run, tmp_path, capsys,
                                                                                case):
    header, lines, words = bad_copies(tmp_path)[case]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([header, *lines]) + "\n")
    out = tmp_path / "out"
    shutil.copytree(labelled_run, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    clip = incoming(f"{CLIP}.mp4")
    assert main(["analyze", str(clip), "-o", str(out), "--events", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("stridescope: ") and words in err[-1], err
    assert sum(line.startswith("stridescope") for line in err) == 1 and "Traceback" not in "\n".join(err)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# -- a stored session reviewed as in the app ------------------------------------------------------------


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A repository holding one session of the clip (analysis files only: no replay is needed here)."""
    root = tmp_path_factory.mktemp("store")
    repo = Repository(load_settings({"STRIDESCOPE_DATA": str(root / "data")}))
    clip = incoming(f"{CLIP}.mp4")
    work = root / "work"
    _, analysis = analyze_clip(clip, work / "analysis")
    shutil.copy(clip, work / "clip")
    sid = repo.add_session(NewSession("Labeller", clip.name), work / "clip", work / "analysis",
                           service.analysis_meta(analysis))
    return repo, sid


def test_corrections_recompute_from_the_stored_track_persist_and_revert(stored):
    repo, sid = stored
    session = repo.session(sid)
    automatic = service.load_analysis(session)
    track = service.session_track(session)
    review = service.event_review(session)
    assert review.events == automatic.events and not review.changed

    ic = next(e for e in review.events if e.kind == "initial_contact" and e.frame > 100)
    events = delete_event(review.events, ic, track.time_s)
    to = next(e for e in events if e.kind == "toe_off" and e.frame > 150)
    events = move_event(events, to, +1, track.time_s)
    events = add_event(events, ic.foot, "initial_contact", ic.frame, track.time_s)
    review = service.EventReview(review.automatic, events, excluded=[], history=review.history)
    session = service.save_review(repo, session, review, {"action": "test edits"})

    stored_analysis = service.load_analysis(session)
    assert [(e.foot, e.kind, e.frame) for e in stored_analysis.events] == [(e.foot, e.kind, e.frame) for e in events]
    assert stored_analysis.metrics["cadence_spm"].value == pytest.approx(cadence_of(events), abs=0.05)
    assert stored_analysis.metrics["ground_contact_time_ms"].value == \
        pytest.approx(float(np.median(contact_times_ms(events))), abs=0.5)
    r = stored_analysis.events_review
    assert r["reviewed"] and r["changed"] == 2 and r["n_automatic"] == len(automatic.events)
    assert r["automatic_events"] == json.loads(json.dumps([vars(e) for e in automatic.events]))

    reopened = Repository(repo.settings).session(sid)  # as after a restart
    again = service.event_review(reopened)
    assert again.events == events and not again.reports_current and len(again.history) == 1
    assert reopened.file("replay.mp4") == repo.session(sid).file("replay.mp4")

    excluded = replace_excluded(again, [(ic.foot, ic.frame)])
    session = service.save_review(repo, reopened, excluded, {"action": "exclude"})
    a = service.load_analysis(session)
    assert (ic.foot, ic.frame) not in [(s.foot, s.initial_contact_frame) for s in a.strides]
    assert len(repo.analysis_ids(sid)) == 2  # the automatic analysis and the current correction

    session = service.revert_to_automatic(repo, session)
    assert service.load_analysis(session).to_dict() == automatic.to_dict()
    assert not service.event_review(session).changed


def test_corrections_made_at_once_are_stored_one_after_the_other(stored):
    """The app runs the callbacks of a double click on "+1 frame" at once, in two threads: both moves are
    stored, the second on the first's result, and the correction keeps the session's pose track.  A
    correction made on events another has changed since is refused, and nothing is stored."""
    repo, sid = stored
    before = repo.session(sid)
    time_s = service.session_track(before).time_s
    to = next(e for e in service.event_review(before).events if e.kind == "toe_off" and e.frame > 150)

    def one_frame_later() -> None:
        with service.editing(sid):
            session = repo.session(sid)
            review = service.event_review(session)
            e = next(e for e in review.events
                     if (e.foot, e.kind) == (to.foot, to.kind) and 0 <= e.frame - to.frame <= 2)
            moved = service.EventReview(review.automatic, move_event(review.events, e, +1, time_s), review.excluded,
                                        review.history)
            service.save_review(repo, session, moved, {"action": "move", "frame": e.frame, "to_frame": e.frame + 1})

    clicks = [threading.Thread(target=one_frame_later) for _ in range(2)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    session = repo.session(sid)
    review = service.event_review(session)
    assert [(h["frame"], h["to_frame"]) for h in review.history] == [(to.frame, to.frame + 1),
                                                                     (to.frame + 1, to.frame + 2)]
    assert (to.foot, to.kind, to.frame + 2) in [(e.foot, e.kind, e.frame) for e in review.events]
    assert session.file(POSE_FILE) == before.file(POSE_FILE)

    late = service.EventReview(review.automatic, service.event_review(before).events, [], [])
    with pytest.raises(service.StaleReviewError, match="nothing was saved"):
        service.save_review(repo, before, late, {"action": "made on the events before the two moves"})
    assert repo.session(sid).analysis_id == session.analysis_id
    service.revert_to_automatic(repo, session)


def replace_excluded(review, excluded):
    return service.EventReview(review.automatic, review.events, excluded, review.history, review.reports_current)


def test_a_correction_that_breaks_the_contacts_is_refused(stored):
    repo, sid = stored
    session = repo.session(sid)
    review = service.event_review(session)
    time_s = service.session_track(session).time_s
    ic = next(e for e in review.events if e.kind == "initial_contact" and e.frame > 100)
    to = next(e for e in review.events if e.kind == "toe_off" and e.foot == ic.foot and e.frame > ic.frame)
    with pytest.raises(service.InputError, match="has no initial contact since"):
        move_event(review.events, ic, to.frame - ic.frame + 1, time_s)
