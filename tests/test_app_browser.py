"""The app end to end in headless Chromium: a real server, real uploads, a restart.

The tests in this module run in order and share one server and data folder,
as one clinic day would: a bad upload, a good one, stepping frames, two more
sessions, a comparison, then a restart.  Screenshots go to
``$STRIDESCOPE_SCREENSHOTS`` (default: a temporary folder).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from stridescope.settings import load_settings
from stridescope.storage import Repository
from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ANALYSIS_TIMEOUT_MS = 600_000  # a first-time pose run on 2 shared cores


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run app.py`` on a free port with its own data folder."""

    def __init__(self, data_dir: Path, log: Path):
        self.data_dir, self.log = data_dir, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "STRIDESCOPE_DATA": str(self.data_dir)}
        env.pop("STRIDESCOPE_PASSWORD_HASH", None)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(self.port), "--server.address", "127.0.0.1",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not start; see {self.log}")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a connected browser can hold it open; stop it hard
                self.process.kill()
                self.process.wait(timeout=20)
            self.process = None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    s = Server(root / "data", root / "streamlit.log")
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(server.url)
    pg.get_by_role("heading", name="Stridescope").wait_for()
    yield pg
    context.close()


@contextlib.contextmanager
def serving_one_session(root: Path, clip: Path, athlete: str):
    """The app on a fresh store holding one analysed session of ``clip`` (stored as an upload would be)."""
    from stridescope import session_service as service
    from stridescope.storage import NewSession

    repo = Repository(load_settings({"STRIDESCOPE_DATA": str(root / "data")}))
    service.analyse_file(repo, clip, NewSession(athlete, clip.name))
    s = Server(root / "data", root / "streamlit.log")
    s.start()
    try:
        yield s
    finally:
        s.stop()


@contextlib.contextmanager
def opened(url: str):
    """A headless Chromium page on ``url`` once the app has drawn its title."""
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        pg = b.new_context(viewport={"width": 1400, "height": 2000}).new_page()
        pg.set_default_timeout(60_000)
        pg.goto(url)
        pg.get_by_role("heading", name="Stridescope").wait_for()
        try:
            yield pg
        finally:
            b.close()


def go(page, name: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()
    page.get_by_role("heading", name=name, exact=True).wait_for()


def wait_idle(page) -> None:
    """Until Streamlit has finished the current run of the script and removed what earlier runs drew.

    Read from the app's script state: the status widget this waited for did not appear in this app even
    through a 2.4 s run (looked for every 2 ms), so that wait passed at once.  A run a click has asked for
    starts a moment later (0.18 s here): after a click, wait for what it should change, then for this.
    """
    page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
        ?.getAttribute('data-test-script-state') === 'notRunning' && !document.querySelector('[data-stale="true"]')""",
                           timeout=ANALYSIS_TIMEOUT_MS)


def counts(server: Server) -> dict[str, int]:
    return Repository(load_settings({"STRIDESCOPE_DATA": str(server.data_dir)})).counts()


def analyse(page, clip: Path, athlete: str, speed: str | None = None, *, upload: bool = True) -> None:
    go(page, "New analysis")
    if upload:
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(clip))
        page.get_by_text(clip.name).wait_for()
    else:
        page.get_by_text("Use a bundled sample").click()
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Sample").click()
        page.get_by_role("option", name=clip.name, exact=True).click()
    athletes = page.locator('[data-testid="stSelectbox"]').filter(has_text="Athlete")
    athletes.click()
    existing = page.get_by_role("option", name=athlete, exact=True)
    if existing.count():
        existing.click()
    else:
        page.get_by_role("option", name=re.compile("New athlete")).click()
        page.get_by_label("New athlete's name").fill(athlete)
        page.get_by_label("New athlete's name").press("Enter")
    page.get_by_text("Side (sagittal)").click()
    if speed:
        field = page.get_by_role("spinbutton", name="Treadmill speed (km/h)")
        field.fill(speed)
        field.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Analyse").click()


def metric_value(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_a_bad_upload_shows_its_message_and_stores_nothing(page, server, shots, tmp_path):
    before = counts(server)
    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"not a video at all " * 200)
    analyse(page, bad, "Bad Upload")
    page.get_by_text("holiday.mp4: not a video file FFmpeg can read").wait_for()
    page.screenshot(path=str(shots / "1-bad-upload.png"), full_page=True)
    assert counts(server) == before


def test_an_uploaded_clip_is_analysed_and_its_results_shown(page, server, shots):
    analyse(page, SAMPLES / "runner_side.mp4", "Sam Sample", speed="10")
    page.get_by_role("heading", name="Findings").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    cadence = metric_value(page, "Cadence")
    assert re.fullmatch(r"\d{2,3}(\.\d)? spm", cadence), cadence
    assert 100 < float(cadence.split()[0]) < 230
    page.screenshot(path=str(shots / "2-results.png"), full_page=True)
    assert counts(server)["sessions"] == 1


def test_the_replay_plays(page, shots):
    video = page.locator("video").first
    video.wait_for()
    page.wait_for_function("() => document.querySelector('video').readyState >= 2", timeout=60_000)
    duration = video.evaluate("v => v.duration")
    assert duration > 0
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.2", timeout=30_000)
    video.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "3-replay.png"))


def test_stepping_two_frames_forward(page, shots):
    page.get_by_role("tab", name="Frame by frame").click()
    caption = page.get_by_text(re.compile(r"^frame \d+ of \d+"))
    caption.wait_for()
    assert caption.inner_text().startswith("frame 0 of")
    for expected in (1, 2):
        page.get_by_role("button", name="Next ▶").click()
        page.get_by_text(re.compile(rf"^frame {expected} of \d+")).wait_for()
    page.screenshot(path=str(shots / "4-frame-2.png"), full_page=True)


def test_before_and_after_clips_are_compared(page, shots):
    analyse(page, SAMPLES / "before_side.mp4", "Sam Sample", speed="10", upload=False)
    page.get_by_role("heading", name="Findings").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    analyse(page, SAMPLES / "after_side.mp4", "Sam Sample", speed="10", upload=False)
    page.get_by_role("heading", name="Findings").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    go(page, "Compare")
    # The change table shows first, while the side-by-side replay is still being drawn.
    page.get_by_role("heading", name="What changed").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    # Compare starts with the newest session against the same athlete's oldest of the same view.
    page.get_by_text("runner_side.mp4 → after_side.mp4").wait_for()
    page.screenshot(path=str(shots / "5-compare-table-first.png"), full_page=True)
    page.get_by_role("heading", name="Curves over the gait cycle").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    wait_idle(page)
    page.wait_for_function("() => document.querySelector('video') && document.querySelector('video').readyState >= 2",
                           timeout=60_000)
    page.screenshot(path=str(shots / "5-compare.png"), full_page=True)


def test_sessions_survive_a_restart(page, server, shots):
    go(page, "Results")
    cadence = metric_value(page, "Cadence")
    server.stop()
    server.start()
    page.goto(server.url)
    page.get_by_role("heading", name="Stridescope").wait_for()
    go(page, "Athletes")
    page.get_by_text(re.compile(r"side view · runner_side\.mp4")).wait_for()
    page.get_by_role("heading", name="Trends").wait_for()
    page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for()
    page.screenshot(path=str(shots / "6-athletes-after-restart.png"), full_page=True)
    go(page, "Results")
    assert metric_value(page, "Cadence") == cadence
    assert counts(server)["sessions"] == 3
