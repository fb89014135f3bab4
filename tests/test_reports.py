"""Report outputs of a real analysed clip: replay, HTML, PDF, exports.

The clip is the MIT-licensed treadmill clip; its pose track comes from the
shared cache, and every output is written to pytest's temporary folder.
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import subprocess
import threading

import numpy as np
import pytest
from conftest import incoming

pytestmark = [pytest.mark.model, pytest.mark.shared]

CLIP = "zzzhushi_treadmill_side_portrait_30fps.mp4"


@pytest.fixture(scope="session")
def analysed(tmp_path_factory):
    """The pipeline's analysis folder of the real clip."""
    from stridescope.pipeline import analyze_clip

    out = tmp_path_factory.mktemp("analysis")
    analyze_clip(incoming(CLIP), out)
    return out


@pytest.fixture(scope="session")
def report(analysed, tmp_path_factory):
    """The whole report of the real clip (full-length replay included), written once."""
    from reports.report import AnalysisFiles, build_report

    files = AnalysisFiles.load(analysed)
    out = tmp_path_factory.mktemp("report")
    return files, build_report(files.analysis, files.gait, files.track, out, athlete="Test runner")


def ffprobe(path) -> dict:
    cmd = ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
           "stream=codec_name,pix_fmt,nb_read_frames", "-of", "json", str(path)]
    return json.loads(subprocess.run(cmd, capture_output=True, check=True, text=True).stdout)["streams"][0]


def test_replay_is_h264_in_yuv420p_with_exactly_the_clips_frames(report):
    from vision.video import probe

    _, files = report
    stream = ffprobe(files["replay"])
    assert stream["codec_name"] in ("h264", "vp9")
    assert stream["pix_fmt"] == "yuv420p"
    assert int(stream["nb_read_frames"]) == probe(incoming(CLIP)).n_frames


def test_replay_moov_atom_comes_first_so_browsers_can_start_early(report):
    _, files = report
    head = files["replay"].read_bytes()[:4096]
    assert 0 <= head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head


@pytest.mark.browser
def test_chromium_plays_the_replay(report):
    from playwright.sync_api import sync_playwright

    _, files = report
    folder = files["replay"].parent
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            page.set_content(f"<video id='v' muted preload='auto' src='{url}{files['replay'].name}'></video>")
            page.wait_for_function("document.getElementById('v').readyState >= 2", timeout=20000)
            state = page.evaluate("(() => { const v = document.getElementById('v');"
                                  " return {ready: v.readyState, duration: v.duration, error: v.error}; })()")
            browser.close()
    finally:
        server.shutdown()
    assert state["error"] is None
    assert state["ready"] >= 2
    assert state["duration"] == pytest.approx(12.0, abs=0.2)


def test_html_report_shows_every_metric_of_the_analysis_and_is_self_contained(report):
    from reports.labels import fmt, title

    files, written = report
    html = written["html"].read_text(encoding="utf-8")
    assert files.analysis.metrics, "the analysis should have metrics"
    for name, m in files.analysis.metrics.items():
        assert f"id='metric-{name}'" in html
        assert title(name) in html
        assert fmt(m.value, m.unit) in html
    for f in files.analysis.findings:
        assert f.text.replace("'", "&#x27;") in html
    # Pictures are embedded, not linked: the file can be mailed on its own.
    assert html.count("data:image/png;base64,") >= 4 + len(list(written["stills"].glob("*.png")))
    assert "<img alt" in html and "src=\"plots/" not in html


def test_pdf_has_the_expected_pages_and_they_are_not_blank(report, tmp_path):
    from PIL import Image

    _, written = report
    info = subprocess.run(["pdfinfo", str(written["pdf"])], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    # summary (1-2 pages), gait cycle, per stride, left/right + timeline, key frames, method.
    assert 6 <= pages <= 8
    for page in (1, pages - 1):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), str(written["pdf"]),
                        str(tmp_path / f"p{page}")], check=True)
        png = next(tmp_path.glob(f"p{page}*.png"))
        grey = np.asarray(Image.open(png).convert("L"), float)
        assert (grey < 200).mean() > 0.02, f"page {page} is (nearly) blank"


def test_key_frame_stills_cover_contact_mid_stance_and_toe_off_of_both_feet(report):
    from reports.stills import plan_stills

    files, written = report
    keys = {p.stem for p in written["stills"].glob("*.png")}
    for foot in ("left", "right"):
        assert {f"{foot}_contact", f"{foot}_mid-stance", f"{foot}_toe-off"} <= keys
    contact_frames = {e.frame for e in files.analysis.events if e.kind == "initial_contact"}
    assert all(s.frame in contact_frames for s in plan_stills(files.analysis) if s.key.endswith("_contact"))


def test_exports_read_back(report):
    import ezc3d

    files, written = report
    with open(written["strides_csv"]) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(files.analysis.strides)
    summary = json.loads(written["summary_json"].read_text())
    assert set(summary["metrics"]) == set(files.analysis.metrics)
    with open(written["landmarks_csv"]) as f:
        assert sum(1 for _ in f) == files.track.n_frames + 1

    c3d = ezc3d.c3d(str(written["landmarks_c3d"]))
    assert c3d["parameters"]["POINT"]["RATE"]["value"][0] == pytest.approx(files.track.fps)
    assert len(c3d["parameters"]["POINT"]["LABELS"]["value"]) == 33
    points = c3d["data"]["points"]  # [4, 33, n]
    assert points.shape[2] == files.track.n_frames
    seen = np.isfinite(files.track.image_xy).all(axis=2).T  # [33, n]
    np.testing.assert_allclose(points[0][seen], files.track.image_xy[..., 0].T[seen], atol=1e-3)
    np.testing.assert_allclose(points[1][seen], files.track.frame_size[1] - files.track.image_xy[..., 1].T[seen],
                               atol=1e-3)


def test_a_still_keeps_every_label_drawn_beside_a_small_runner():
    """A label drawn left of a runner who fills a small part of a wide frame stays whole in the still."""
    from reports.stills import crop_to_runner

    scene = np.zeros((400, 1000, 3), np.uint8)
    runner = np.array([[600.0, 150.0], [640.0, 300.0]])  # landmarks' box: 40 x 150 px
    drawn = np.zeros(scene.shape[:2], bool)
    drawn[200:220, 380:560] = True  # "knee 13.5°" to the runner's left
    still = crop_to_runner(scene, runner, drawn=drawn)
    assert still.shape[1] >= 640 + 45 - 376  # from the label's left edge to past the padded runner
    assert crop_to_runner(scene, runner).shape[1] < 200  # without it, the label would be cut away
