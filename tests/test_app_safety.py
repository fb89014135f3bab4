"""Safe under use: two people uploading at once get two intact sessions; names and notes holding HTML or
script show as text in the app, the HTML report and the PDF; wrong passwords slow the next attempt."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import av
import pytest
from streamlit.testing.v1 import AppTest

from stridescope import session_service as service
from stridescope.passwords import LoginThrottle, hash_password
from stridescope.settings import load_settings
from stridescope.storage import NewSession, Repository
from tests.conftest import ROOT, SAMPLES
from tests.postgres import fresh_database

HOSTILE = ['<script>alert("x")</script> Ann', '<img src=x onerror=alert(1)> **Bo** [link](javascript:alert(1))']
NOTES = '<b>bold?</b> $x$ :red[red?] <iframe src="http://example.com">'


def cut_clip(src: Path, dst: Path, seconds: float) -> Path:
    """The first ``seconds`` of ``src``, re-encoded (a short real clip of the synthetic runner)."""
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        stream = inp.streams.video[0]
        enc = out.add_stream("libx264", rate=stream.average_rate)
        enc.width, enc.height, enc.pix_fmt = stream.codec_context.width, stream.codec_context.height, "yuv420p"
        for frame in inp.decode(stream):
            if frame.time > seconds:
                break
            out.mux(enc.encode(frame.reformat(format="yuv420p")))
        out.mux(enc.encode())
    return dst


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def two_at_once(request, tmp_path_factory):
    """Two browser sessions uploading the same clip at the same moment, for two athletes with hostile names."""
    root = tmp_path_factory.mktemp("clinic")
    url = (f"sqlite:///{root / 'stridescope.db'}" if request.param == "sqlite"
           else fresh_database(request.getfixturevalue("postgres_server")))
    settings = load_settings({"STRIDESCOPE_DATA": str(root / "data"), "STRIDESCOPE_DB_URL": url})
    repo = Repository(settings)
    clip = cut_clip(SAMPLES / "before_side.mp4", root / "run.mp4", 1.5)
    start, ids, errors = threading.Barrier(2), {}, []

    def upload(name: str) -> None:
        try:
            start.wait()
            with open(clip, "rb") as f:
                ids[name] = service.analyse_upload(repo, f, "run.mp4", NewSession(
                    athlete_name=name, clip_label="", view_requested="side", treadmill_speed_kmh=10.0,
                    notes=NOTES))
        except BaseException as e:  # reported by the test, not lost in the thread
            errors.append(e)

    threads = [threading.Thread(target=upload, args=(name,)) for name in HOSTILE]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return settings, repo, ids, clip


@pytest.mark.model
def test_two_uploads_at_the_same_moment_make_two_intact_sessions(two_at_once):
    _, repo, ids, clip = two_at_once
    assert sorted(ids) == sorted(HOSTILE) and len(set(ids.values())) == 2
    assert repo.counts()["sessions"] == 2 and repo.counts()["athletes"] == 2
    for name, sid in ids.items():
        s = repo.session(sid)
        assert s.athlete_name == name and s.notes == NOTES
        assert s.clip_path.read_bytes() == clip.read_bytes()
        for role in ("analysis.json", "pose.npz", "report.html", "report.pdf", "replay.mp4"):
            assert s.file(role) is not None and s.file(role).stat().st_size > 0, role
        assert service.load_analysis(s).strides
    assert not list(repo.files.root.glob("??/*.part"))


@pytest.mark.model
def test_hostile_names_are_text_in_the_html_report(two_at_once):
    _, repo, ids, _ = two_at_once
    for sid in ids.values():
        html = repo.session(sid).file("report.html").read_text()
        assert "<script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ann" in html or "&lt;img src=x" in html


@pytest.mark.model
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_hostile_names_are_text_in_the_pdf(two_at_once):
    _, repo, ids, _ = two_at_once
    for name, sid in ids.items():
        text = subprocess.run(["pdftotext", str(repo.session(sid).file("report.pdf")), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert name.split("**")[0].strip() in " ".join(text.split())


@pytest.mark.model
def test_hostile_names_and_notes_are_text_in_the_app(two_at_once, monkeypatch):
    settings, _, ids, _ = two_at_once
    monkeypatch.setenv("STRIDESCOPE_DATA", str(settings.data_dir))
    monkeypatch.setenv("STRIDESCOPE_DB_URL", settings.database_url)
    monkeypatch.delenv("STRIDESCOPE_PASSWORD_HASH", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    pages = {}
    for page in ("Start", "Results", "Athletes"):
        at.sidebar.radio[0].set_value(page).run()
        assert not at.exception, at.exception
        pages[page] = [m.value for m in [*at.markdown, *at.caption]]
    shown = "\n".join(v for values in pages.values() for v in values)
    # Every '<', '*', '[', '(' and '$' a user typed is escaped, so Markdown shows it as typed.
    assert r"\<script\>" in shown or r"\<img src=x onerror=alert\(1\)\>" in shown
    notes = r'Notes: \<b\>bold?\</b\> \$x\$ \:red\[red?\] \<iframe src="http\://example.com"\>'
    assert notes in "\n".join(pages["Results"])
    for text in shown.split("\n"):
        assert "<script>" not in text and "<iframe" not in text.replace(r"\<iframe", "")


def test_wrong_passwords_slow_down_the_next_attempt_until_one_is_right():
    now, waited = [0.0], []
    throttle = LoginThrottle(base_s=1.0, max_s=30.0, forget_s=900.0, clock=lambda: now[0], sleep=waited.append)
    stored = hash_password("clinic-42")
    for _ in range(7):
        assert not throttle.check("guess", stored)
    assert waited == [0, 1, 2, 4, 8, 16, 30]  # doubling, capped at 30 s
    assert throttle.check("clinic-42", stored) and throttle.wait_s() == 0.0
    assert not throttle.check("guess", stored) and throttle.wait_s() == 1.0
    now[0] += 901  # a quarter of an hour without a failure forgets them
    assert throttle.wait_s() == 0.0


def test_the_app_says_how_long_the_next_attempt_waits(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIDESCOPE_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("STRIDESCOPE_DB_URL", raising=False)
    monkeypatch.setenv("STRIDESCOPE_PASSWORD_HASH", hash_password("clinic-42"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.text_input[0].set_value("wrong")
    at.button[0].click().run()
    assert at.error[0].value == "That password is not right."
    assert any("next attempt waits" in c.value for c in at.caption)
    assert not at.sidebar.radio
