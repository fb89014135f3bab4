"""Reviewing events in the app, in headless Chromium: delete, move and add events, see the timing
measures follow, restart, find the corrections kept, regenerate the report.

Each click is made as a person makes it, without waiting for the page to finish drawing the one before;
what it should change (the stored events, the Event box, the frame shown) is then waited for.  Streamlit
keeps what an earlier run drew on the page, greyed ("stale"), until the run drawing its replacement ends,
so the page is read through :func:`live`.

Real clip: zzzhushi_treadmill_side_portrait_30fps (stored once through the service, as an upload
would).  Expected values are computed here from the edited events by the definitions
(cadence = 60 / mean step time, a step from an initial contact to the next when that is the
other foot's; contact time = median toe-off minus initial contact), not read from the analysis.
Screenshots go to ``$STRIDESCOPE_SCREENSHOTS`` (default: a temporary folder).
"""

from __future__ import annotations

import re
import statistics
import time

import pytest

from metrics.event_io import event_changes
from metrics.review import add_event, delete_event, move_event
from stridescope import session_service as service
from stridescope.settings import load_settings
from stridescope.storage import Repository
from tests.conftest import incoming
from tests.test_app_browser import Server, go, opened, serving_one_session, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.shared]
playwright = pytest.importorskip("playwright.sync_api")

CLIP = "zzzhushi_treadmill_side_portrait_30fps.mp4"


def cadence_spm(events) -> float:
    """60 / mean step time over steps from one initial contact to the next, when that is the other
    foot's and not a gap (at most 1.45 median steps: a missing contact leaves no step)."""
    ics = sorted((e for e in events if e.kind == "initial_contact"), key=lambda e: e.time_s)
    pairs = [(a, b) for a, b in zip(ics, ics[1:]) if a.foot != b.foot]
    usual = statistics.median(b.time_s - a.time_s for a, b in pairs)
    steps = [b.time_s - a.time_s for a, b in pairs if b.time_s - a.time_s <= 1.45 * usual]
    return 60 / statistics.mean(steps)


def contact_time_ms(events) -> float:
    times = []
    for foot in ("left", "right"):
        mine = sorted((e for e in events if e.foot == foot), key=lambda e: e.frame)
        times += [1000 * (b.time_s - a.time_s) for a, b in zip(mine, mine[1:])
                  if a.kind == "initial_contact" and b.kind == "toe_off"]
    return statistics.median(times)


def shows_measures_of(page, events, timeout_s: float = 90) -> None:
    """Until the review panel shows the cadence and contact time of ``events`` (event times are
    stored to 0.1 ms, so contact times computed from them may differ by that much)."""
    want = (cadence_spm(events), contact_time_ms(events))
    line = page.get_by_text(re.compile(r"^On these events"))
    deadline = time.monotonic() + timeout_s
    while True:
        shown = [re.search(r"cadence ([\d.]+) steps/min .*ground contact time ([\d.]+) ms", text)
                 for text in line.all_inner_texts()]  # while a rerun draws, the old line may linger
        got = [(float(f[1]), float(f[2])) for f in shown if f]
        if any(abs(c - want[0]) <= 0.011 and abs(t - want[1]) <= 0.15 for c, t in got):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the app shows {got}, the edited events give {want}")
        page.wait_for_timeout(500)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving_one_session(tmp_path_factory.mktemp("review-app"), incoming(CLIP), "Zhu Shi") as s:
        yield s


@pytest.fixture(scope="module")
def page(server):
    with opened(server.url) as pg:
        yield pg


def repository(server: Server) -> Repository:
    return Repository(load_settings({"STRIDESCOPE_DATA": str(server.data_dir)}))


def live(page):
    """The page's elements that the app's current or last run drew (not the greyed ones of an earlier run)."""
    return page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')


def event_box(page):
    return live(page).get_by_role("combobox", name="Event", exact=True)


def open_review(page) -> None:
    go(page, "Results")
    page.get_by_role("tab", name="Review events").click()
    page.get_by_text(re.compile(r"^On these events")).first.wait_for()


def choose_event(page, frame: int, foot: str, kind: str) -> None:
    box = event_box(page)
    box.click()
    box.fill(f"frame {frame} · {foot} {kind}")  # the list shows only its first options
    page.get_by_role("option", name=re.compile(rf"^frame {frame} · {foot} {kind}")).click()
    playwright.expect(box).to_have_value(re.compile(rf"^frame {frame} · {foot} {kind}"))


def click(page, name: str) -> None:
    live(page).get_by_role("button", name=name, exact=True).click()


def stored_events(server: Server) -> list[tuple[str, str, int]]:
    """The session's stored events, read once the page has settled: read while a correction is being
    stored, the session can come back without its files (Repository.session reads in three queries)."""
    return [(e.foot, e.kind, e.frame) for e in service.event_review(repository(server).sessions()[0]).events]


def shows_frame(page, frame: int) -> None:
    live(page).get_by_text(re.compile(rf"^Frame {frame} of \d+")).wait_for()


def runs_started(page) -> int:
    """How many runs of the script the page has seen start (counted from the first call on this page)."""
    return page.evaluate("""() => {
        const app = document.querySelector('[data-testid="stApp"]');
        if (window.runsStarted === undefined) {
            window.runsStarted = 0;
            new MutationObserver(() => {
                if (app.getAttribute('data-test-script-state') === 'running') window.runsStarted++;
            }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
        }
        return window.runsStarted;
    }""")


def run_started_since(page, seen: int) -> None:
    page.wait_for_function("seen => window.runsStarted > seen", arg=seen)


def test_deleting_moving_and_adding_events_changes_the_measures_and_survives_a_restart(page, server, shots):
    repo = repository(server)
    session = repo.sessions()[0]
    time_s = service.session_track(session).time_s
    events = automatic_events = service.event_review(session).events
    stored = service.load_analysis(session).metrics
    # Automatic: cadence is the track's step period (metrics.periodicity), so only the contact time
    # follows from the events here; a person's events set both.
    automatic = (stored["cadence_spm"].value, stored["ground_contact_time_ms"].value)
    open_review(page)
    page.get_by_text(re.compile(rf"cadence {automatic[0]:.2f} steps/min .*ground contact time "
                                rf"{automatic[1]:.1f} ms")).first.wait_for()

    # A contact the therapist judges false: its initial contact goes, and its toe-off with it.
    ic = next(e for e in events if e.kind == "initial_contact" and e.foot == "left" and e.frame > 150)
    choose_event(page, ic.frame, "left", "initial contact")
    click(page, "Delete")
    events = delete_event(events, ic, time_s)
    shows_measures_of(page, events)
    wait_idle(page)
    assert stored_events(server) == [(e.foot, e.kind, e.frame) for e in events]
    page.screenshot(path=str(shots / "review-1-deleted.png"), full_page=True)

    # A toe-off two frames early, moved with a double click on "+1 frame": the second click made once the
    # first's run has started, while its callback stores the move and the page still names the toe-off at
    # its old frame.  (Streamlit ran the two callbacks at once, in two threads, on the same stored events:
    # one move was stored, or a correction without its pose track that broke the results page.)
    to = next(e for e in events if e.kind == "toe_off" and e.foot == "right" and e.frame > 200)
    seen = runs_started(page)
    choose_event(page, to.frame, "right", "toe-off")
    run_started_since(page, seen)
    wait_idle(page)
    seen = runs_started(page)
    click(page, "+1 frame")
    run_started_since(page, seen)
    page.get_by_role("button", name="+1 frame", exact=True).first.click()  # greyed until the run redraws it
    events = move_event(events, to, +2, time_s)
    try:
        playwright.expect(event_box(page)).to_have_value(re.compile(rf"^frame {to.frame + 2} · right toe-off"),
                                                          timeout=60_000)  # the moved event stays chosen
    except AssertionError as e:
        wait_idle(page)
        at = [x[2] for x in stored_events(server) if x[:2] == ("right", "toe_off") and abs(x[2] - to.frame) <= 2]
        raise AssertionError(f"after two clicks the toe-off at frame {to.frame} is stored at frame {at}") from e
    shows_frame(page, to.frame + 2)  # and in view
    shows_measures_of(page, events)
    wait_idle(page)
    assert stored_events(server) == [(e.foot, e.kind, e.frame) for e in events]
    moves = [h for h in service.event_review(repository(server).sessions()[0]).history if h["action"] == "move"]
    assert [(h["frame"], h["to_frame"]) for h in moves] == [(to.frame, to.frame + 1), (to.frame + 1, to.frame + 2)]

    # Jump to the event before the deleted contact, then step to its frame and add the contact back.
    before = max((e for e in events if e.frame < ic.frame), key=lambda e: e.frame)
    choose_event(page, before.frame, before.foot, {"initial_contact": "initial contact"}.get(before.kind, "toe-off"))
    click(page, "Go to")
    shows_frame(page, before.frame)
    for n in range(before.frame + 1, ic.frame + 1):
        click(page, "▶")
        shows_frame(page, n)
    live(page).get_by_text(f"Add at frame {ic.frame}").wait_for()
    wait_idle(page)
    page.get_by_text("left", exact=True).first.click()  # foot
    page.get_by_text("initial contact", exact=True).last.click()  # event kind
    click(page, "Add")
    events = add_event(events, "left", "initial_contact", ic.frame, time_s)
    shows_measures_of(page, events)
    changed = event_changes(automatic_events, events).total  # the IC added back is the automatic one again
    assert changed == 2
    page.get_by_text(re.compile(rf"Events reviewed: {changed} of {len(automatic_events)} automatic events "
                                r"changed \(1 moved, 1 removed\)")).first.wait_for()
    assert abs(cadence_spm(events) - automatic[0]) > 0.011 or abs(contact_time_ms(events) - automatic[1]) > 0.15
    wait_idle(page)
    assert not page.locator('[data-testid="stException"]').count()
    page.screenshot(path=str(shots / "review-2-edited.png"), full_page=True)

    server.stop()
    server.start()
    page.goto(server.url)
    page.get_by_role("heading", name="Stridescope").wait_for()
    open_review(page)
    shows_measures_of(page, events)
    page.get_by_text("History (4 changes)").wait_for()
    wait_idle(page)
    page.screenshot(path=str(shots / "review-3-after-restart.png"), full_page=True)
    assert stored_events(server) == [(e.foot, e.kind, e.frame) for e in events]


def test_the_report_regenerated_on_request_says_the_events_were_reviewed(page, server, shots):
    go(page, "Results")
    page.get_by_role("tab", name="Downloads").click()
    session = repository(server).sessions()[0]
    regenerate = page.locator(f".st-key-regenerate-{session.id}-downloads button").first
    regenerate.wait_for()
    regenerate.click()
    regenerate.wait_for(state="detached", timeout=600_000)
    wait_idle(page)
    session = repository(server).sessions()[0]
    html = session.file("report.html").read_text()
    assert re.search(r"Events reviewed: 2 of \d+ automatic events changed", html)
    assert service.event_review(session).reports_current
    page.screenshot(path=str(shots / "review-4-regenerated.png"), full_page=True)


def test_one_click_back_to_automatic(page, server, shots):
    open_review(page)
    click(page, "Back to automatic events")
    # Under load the rerun after the revert has been seen to land on another tab (flaky, not understood):
    # show the review tab again, then read what it says.
    page.get_by_role("tab", name="Review events").click()
    page.get_by_text("Automatic events: nobody has changed them.").wait_for()
    session = repository(server).sessions()[0]
    assert session.file(service.REVIEW_FILE) is None
    assert service.load_analysis(session).events_review is None
