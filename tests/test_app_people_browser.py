"""Picking the person to measure in the app, in headless Chromium: the multiperson demo clip is stored
as an upload would be; the Results page shows everyone found in view with a picture; picking another
person analyses the clip again for them, and the measures and notes change.

Real clip: sports2d_walk_side_multiperson_demo (a woman walks across; a man does jumping jacks on a box,
then a flip; checked by eye).  Screenshots go to ``$STRIDESCOPE_SCREENSHOTS`` (default: a temporary folder).
"""

from __future__ import annotations

import re

import pytest

from stridescope import session_service as service
from stridescope.settings import load_settings
from stridescope.storage import Repository
from tests.conftest import incoming
from tests.test_app_browser import go, opened, serving_one_session, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.shared]
playwright = pytest.importorskip("playwright.sync_api")

CLIP = "sports2d_walk_side_multiperson_demo.mp4"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving_one_session(tmp_path_factory.mktemp("people-app"), incoming(CLIP), "Walker") as s:
        yield s


@pytest.fixture(scope="module")
def page(server):
    with opened(server.url) as pg:
        yield pg


def settled(page) -> None:
    """Until the script's run has ended and nothing drawn by an earlier run is left (Streamlit greys those)."""
    wait_idle(page)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=600_000)
    wait_idle(page)


def test_picking_the_other_person_measures_them_instead(page, server, shots):
    repo = Repository(load_settings({"STRIDESCOPE_DATA": str(server.data_dir)}))
    (session,) = repo.sessions()
    people = service.people_in_view(session)
    walker, found = people["chosen"], people["candidates"]
    man = max((k for k in range(len(found)) if k != walker), key=lambda k: found[k]["looks"])  # on the box
    before = service.load_analysis(session)

    go(page, "Results")
    settled(page)
    headline = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    people_panel = page.get_by_text(re.compile(rf"^People in view \({len(found)}\): measured person {walker + 1} "))
    people_panel.click()
    page.get_by_role("img").filter(has=page.locator("xpath=..")).first.wait_for()
    playwright.expect(page.get_by_role("button", name="Measure this person")).to_have_count(len(found) - 1)
    page.get_by_text("Measured", exact=True).wait_for()
    settled(page)
    page.wait_for_timeout(1000)  # the expander's opening animation
    page.screenshot(path=str(shots / "people-1-found.png"), full_page=True)

    buttons = page.get_by_role("button", name="Measure this person")
    buttons.nth(man if man < walker else man - 1).click()  # the measured person has no button
    page.get_by_text(re.compile(rf"^People in view \({len(found)}\): measured person {man + 1} ")).wait_for(
        timeout=600_000)
    page.get_by_text(re.compile(rf"Measured: person {man + 1} \(frames [\d-]+\), chosen by the user")).wait_for()
    settled(page)
    page.screenshot(path=str(shots / "people-2-picked.png"), full_page=True)
    assert page.locator('[data-testid="stMetricValue"]').all_inner_texts() != headline

    (session,) = repo.sessions()
    after = service.load_analysis(session)
    assert service.people_in_view(session)["chosen"] == man
    assert session.file(service.PERSON_FILE) is not None
    assert after.detected_fraction != before.detected_fraction or after.metrics.keys() != before.metrics.keys() \
        or any(after.metrics[k].value != before.metrics[k].value for k in after.metrics)
