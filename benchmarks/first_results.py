"""Time from ``stridescope app --samples`` starting to a rendered Results page, as a new user meets it.

A new data folder and an empty pose-track cache (the pose model itself is
copied, as an install leaves it) are used, so every sample is analysed for
real.  Headless Chromium opens the app, waits for the first sample's
"Open the results" button on the Start page, clicks it and waits for the
Results page's findings; a screenshot of each step is saved.

    python benchmarks/first_results.py [--shots DIR]

Prints the seconds and the ratio to the 60 s target (issue #15), and the load
average, since other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_app_browser import CHROMIUM, free_port  # noqa: E402
from vision.model import cache_dir  # noqa: E402

TARGET_S = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, default=Path(tempfile.mkdtemp(prefix="first-results-")))
    args = parser.parse_args()
    args.shots.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="first-results-"))
    cache = work / "cache"
    cache.mkdir()
    shutil.copytree(cache_dir() / "models", cache / "models")  # the install's pose model, no tracks
    port = free_port()
    env = {**os.environ, "STRIDESCOPE_DATA": str(work / "data"), "STRIDESCOPE_CACHE": str(cache),
           "PYTHONPATH": str(ROOT)}
    env.pop("STRIDESCOPE_PASSWORD_HASH", None)
    load_before = os.getloadavg()
    t0 = time.monotonic()
    with open(work / "app.log", "wb") as log:
        app = subprocess.Popen([sys.executable, "-m", "stridescope.cli", "app", "--samples", "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    marks: dict[str, float] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}", timeout=2000)
                    break
                except Exception:  # not serving yet
                    if time.monotonic() - t0 > 300:
                        raise
                    time.sleep(0.5)
            page.get_by_role("heading", name="Stridescope").wait_for(timeout=120_000)
            marks["start page shown"] = time.monotonic() - t0
            page.screenshot(path=str(args.shots / "1-start-while-importing.png"))
            button = page.get_by_role("button", name="Open the results of the sample")
            button.wait_for(timeout=600_000)
            marks["first sample ready"] = time.monotonic() - t0
            page.screenshot(path=str(args.shots / "2-start-first-ready.png"))
            button.click()
            page.get_by_role("heading", name="Findings").wait_for(timeout=120_000)
            page.get_by_text("Cadence").first.wait_for(timeout=120_000)
            marks["Results rendered"] = time.monotonic() - t0
            page.screenshot(path=str(args.shots / "3-results.png"), full_page=True)
            browser.close()
    finally:
        os.killpg(app.pid, 15)  # the app and the samples' import it started
        app.wait(timeout=30)
    for what, t in marks.items():
        print(f"{what:22} {t:6.1f} s")
    print(f"time to first Results: {marks['Results rendered']:.1f} s = "
          f"{marks['Results rendered'] / TARGET_S:.2f} x the {TARGET_S:.0f} s target")
    print(f"load average at start {load_before[0]:.2f}, at end {os.getloadavg()[0]:.2f} "
          f"({os.cpu_count()} cores); screenshots in {args.shots}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
