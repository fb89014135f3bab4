"""The app's pages, driven through Streamlit's AppTest (no browser).

Each test gets its own data folder through STRIDESCOPE_DATA.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reports.labels import fmt, title
from stridescope.passwords import hash_password
from stridescope.settings import load_settings
from stridescope.storage import Repository
from tests.conftest import ROOT, SAMPLES

APP = str(ROOT / "app.py")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIDESCOPE_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("STRIDESCOPE_DB_URL", raising=False)
    monkeypatch.delenv("STRIDESCOPE_PASSWORD_HASH", raising=False)
    return tmp_path / "data"


def app(timeout: float = 30) -> AppTest:
    return AppTest.from_file(APP, default_timeout=timeout)


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.info, *at.error, *at.warning, *at.caption])


def test_the_first_page_says_what_to_do_first(data_dir):
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Stridescope"
    assert "Start here" in [h.value for h in at.subheader]
    assert "New analysis" in texts(at) and "No sessions yet" in texts(at)
    at.button[0].click().run()  # "Start a new analysis"
    assert at.title[0].value == "New analysis"


def test_every_page_opens_on_an_empty_database(data_dir):
    at = app().run()
    for page in at.sidebar.radio[0].options:
        at.sidebar.radio[0].set_value(page).run()
        assert not at.exception, page
        assert at.title[0].value == (page if page != "Start" else "Stridescope")


def test_a_bad_upload_is_refused_with_its_message_and_nothing_is_stored(data_dir):
    at = app().run()
    at.sidebar.radio[0].set_value("New analysis").run()
    at.text_input(key="athlete_name").set_value("Anna Berg")
    at.file_uploader(key="upload").upload("holiday.mp4", b"this is a letter, not a video" * 40, "video/mp4")
    at.run()
    at.button[0].click().run()  # "Analyse"
    assert not at.exception
    assert [e.value for e in at.error] == ["holiday.mp4: not a video file FFmpeg can read"]
    repo = Repository(load_settings())
    assert repo.counts() == {"athletes": 0, "sessions": 0, "analyses": 0, "analysis_files": 0}
    assert list(repo.files.hashes()) == []


def test_with_a_password_configured_nothing_shows_until_it_is_given(data_dir, monkeypatch):
    monkeypatch.setenv("STRIDESCOPE_PASSWORD_HASH", hash_password("clinic-42"))
    at = app().run()
    assert not at.sidebar.radio and "Start here" not in [h.value for h in at.subheader]
    at.text_input[0].set_value("wrong")
    at.button[0].click().run()
    assert at.error[0].value == "That password is not right."
    assert not at.sidebar.radio
    at.text_input[0].set_value("clinic-42")
    at.button[0].click().run()
    assert at.sidebar.radio and "Start here" in [h.value for h in at.subheader]


# -- pages over stored sessions (one real analysis per sample clip, shared by these tests) ----------

@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> Path:
    """A data folder holding the before/after samples of one athlete, analysed through the service."""
    from stridescope import session_service as service
    from stridescope.storage import NewSession

    data = tmp_path_factory.mktemp("analysed") / "data"
    repo = Repository(load_settings({"STRIDESCOPE_DATA": str(data)}))
    for name, notes in [("before_side.mp4", "old shoes"), ("after_side.mp4", "cue: quicker steps")]:
        service.analyse_file(repo, SAMPLES / name, NewSession(
            athlete_name="Sam Sample", clip_label="", view_requested="side", treadmill_speed_kmh=10.0,
            notes=notes))
    return data


@pytest.fixture
def stored(analysed, tmp_path, monkeypatch) -> Repository:
    """A private copy of the analysed data folder, configured for the app."""
    data = tmp_path / "data"
    shutil.copytree(analysed, data)
    monkeypatch.setenv("STRIDESCOPE_DATA", str(data))
    monkeypatch.delenv("STRIDESCOPE_PASSWORD_HASH", raising=False)
    return Repository(load_settings())


def results_page(tab: str = "Replay", timeout: float = 60) -> AppTest:
    """The Results page of the latest session with ``tab`` open (only the open tab's section runs)."""
    at = app(timeout).run()
    at.sidebar.radio[0].set_value("Results").run()
    if tab != "Replay":
        at.session_state[f"results-tab-{Repository(load_settings()).sessions()[0].id}"] = tab
        at.run()
    assert not at.exception, at.exception
    return at


def test_results_show_findings_first_then_measures_with_reference_and_confidence(stored):
    at = results_page("Measures")
    headings = [h.value for h in at.subheader]
    assert headings[0] == "Findings"
    latest = stored.sessions()[0]
    assert latest.clip_label == "after_side.mp4"
    cadence = next(m for m in at.metric if m.label == "Cadence")
    assert cadence.value == fmt(latest.summary["cadence_spm"]["value"], latest.summary["cadence_spm"]["unit"])
    table = at.dataframe[0].value
    assert {"Measure", "Value", "Reference", "Confidence"} <= set(table.columns)
    assert "Cadence" in set(table["Measure"])
    assert table["Confidence"].str.contains("high|medium|low").all()


def test_results_step_frame_by_frame(stored):
    at = results_page("Frame by frame")
    assert at.slider[0].value == 0
    at.button(key=f"next-{stored.sessions()[0].id}").click().run()
    at.button(key=f"next-{stored.sessions()[0].id}").click().run()
    assert at.slider[0].value == 2
    assert at.image[0].captions[0].startswith("frame 2 of")
    at.button(key=f"prev-{stored.sessions()[0].id}").click().run()
    assert at.slider[0].value == 1


def test_results_offer_the_report_exports_and_replay(stored):
    at = results_page("Downloads")
    labels = {b.label for b in at.get("download_button")}
    assert {"Report (HTML)", "Strides (CSV)", "Annotated replay (MP4)"} <= labels


def test_deleting_a_session_needs_confirmation(stored):
    at = results_page("Downloads")
    sid = stored.sessions()[0].id
    at.checkbox(key=f"delete-{sid}").check().run()
    assert stored.session(sid) is not None  # ticking the box alone deletes nothing
    at.button(key=f"confirm-delete-{sid}").click().run()
    assert stored.session(sid) is None and len(stored.sessions()) == 1
    assert at.title[0].value == "Stridescope"


def test_athletes_page_lists_sessions_and_trends(stored):
    at = app(60).run()
    at.sidebar.radio[0].set_value("Athletes").run()
    assert not at.exception
    assert "Sam Sample (2 sessions)" in at.selectbox[0].options
    assert "Trends" in [h.value for h in at.subheader]
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    # Two sessions minutes apart: the time axis is still labelled with dates, a day either side.
    x = json.loads(charts[0].proto.spec)["spec"]["encoding"]["x"]
    assert x["axis"]["format"] == "%d %b %Y" and x["axis"]["tickCount"] == {"interval": "day", "step": 1}
    first, last = (datetime.fromisoformat(d) for d in x["scale"]["domain"])
    assert last - first >= timedelta(days=2)


def test_compare_shows_the_change_table_and_the_side_by_side_replay(stored):
    at = app(300).run()
    at.sidebar.radio[0].set_value("Compare").run()
    assert not at.exception, at.exception
    assert at.caption[0].value == "before_side.mp4 → after_side.mp4"
    # The change table comes first: it needs only the two analyses, not the side-by-side replay.
    assert [h.value for h in at.subheader] == [
        "What changed", "Side by side, aligned at initial contact", "Curves over the gait cycle"]
    changes = at.dataframe[0].value
    assert "Cadence" in set(changes["Measure"])
    assert set(changes["Beyond detectable change"]) <= {"yes", "no (within noise)", "—"}
    before, after = stored.sessions()[1], stored.sessions()[0]
    cached = stored.comparison_dir(before.analysis_id, after.analysis_id)
    assert (cached / "sidebyside.mp4").stat().st_size > 0  # made once, read from here next time


def test_compare_starts_with_the_same_athlete_and_view_oldest_against_newest():
    from stridescope.webapp.compare import default_before
    from tests.test_visit import session

    day = datetime(2026, 3, 4, 9, 0)
    sessions = [session(5, 1, day + timedelta(days=20), "rear"), session(4, 2, day + timedelta(days=15), "rear"),
                session(3, 1, day + timedelta(days=10), "side"), session(2, 1, day + timedelta(days=5), "rear"),
                session(1, 1, day, "rear")]  # newest first, as the repository lists them
    assert default_before(sessions, sessions[0]).id == 1  # athlete 1's oldest rear clip, not #3 (side)
    assert default_before(sessions, sessions[2]).id == 1  # no older side clip: the athlete's oldest
    assert default_before(sessions, sessions[1]).id == 5  # athlete 2 has nothing else: the next session


def test_the_visit_page_merges_a_side_and_a_rear_clip(stored, tmp_path):
    from stridescope import session_service as service
    from stridescope.storage import NewSession

    service.analyse_file(stored, SAMPLES / "before_rear.mp4", NewSession(
        athlete_name="Sam Sample", clip_label="", view_requested="rear", treadmill_speed_kmh=10.0))
    at = app(120).run()
    at.sidebar.radio[0].set_value("Visit").run()
    assert not at.exception, at.exception
    # after_side (newest side clip) and the rear clip recorded after it form today's visit.
    assert at.selectbox(key="visit").value.endswith("side + rear (#2, #3)")
    rows = at.dataframe[0].value.set_index("Measure")
    assert rows.loc[title("pelvic_drop_deg"), "From"] == "before_rear.mp4 (rear view)"
    assert rows.loc["Cadence", "From"] == "after_side.mp4 (side view)"
    assert {b.label for b in at.get("download_button")} == {"Visit report (HTML)", "Visit report (PDF)"}
    # Notes never send an app user to the command line.
    assert "--height" not in texts(at) and "--treadmill-speed" not in texts(at)


def test_the_start_page_shows_the_samples_being_analysed(data_dir):
    import os

    from stridescope.sample_import import ImportProgress, _write

    settings = load_settings()
    settings.data_dir.mkdir(parents=True)
    _write(settings, ImportProgress(pid=os.getpid(), clips=["runner_side.mp4", "runner_rear.mp4"],
                                    current="runner_side.mp4", stage="pose", stage_done=150, stage_total=600))
    at = app().run()
    assert not at.exception
    assert "being analysed" in texts(at)
    bar = at.sidebar.get("progress")[0]
    assert bar.proto.text == ("Analysing the bundled samples: 0 of 2 ready · runner_side.mp4: "
                              "Finding the runner in each frame (150/600)")


@pytest.mark.model
def test_the_samples_are_imported_in_visit_order_with_progress(tmp_path):
    """The background import, run in the foreground on two of the samples."""
    from stridescope.sample_import import PATIENT, import_in_foreground, read_progress

    samples = tmp_path / "samples"
    samples.mkdir()
    for name in ("before_rear.mp4", "runner_side.mp4"):
        shutil.copy(SAMPLES / name, samples / name)
    settings = replace(load_settings({"STRIDESCOPE_DATA": str(tmp_path / "data")}), samples_dir=samples)
    done = import_in_foreground(settings)
    assert done.done == ["runner_side.mp4", "before_rear.mp4"] and done.finished and not done.failed
    assert read_progress(settings) == done and not done.running() and done.fraction == 1.0
    repo = Repository(settings)
    assert [(s.clip_label, s.athlete_name) for s in repo.sessions()[::-1]] == [
        ("runner_side.mp4", "Sample runner"), ("before_rear.mp4", PATIENT)]
    assert import_in_foreground(settings).clips == []  # stored samples are not analysed again
