"""``stridescope app``: start the browser app (Streamlit) on this machine."""

from __future__ import annotations

import math
import os
import sys

from stridescope import sample_import
from stridescope.settings import ROOT, load_settings
from stridescope.storage import Repository
from vision.model import resolve_model

HELP = "start the Stridescope app in the browser (data stays on this machine)"


def add_arguments(parser) -> None:
    parser.add_argument("--port", type=int, default=8501, help="port to serve on")
    parser.add_argument("--address", default="localhost",
                        help="address to listen on; use 0.0.0.0 to serve a clinic network "
                             "(then set STRIDESCOPE_PASSWORD_HASH, see `stridescope hash-password`)")
    parser.add_argument("--samples", action="store_true",
                        help="analyse the bundled sample clips not analysed yet in the background "
                             "(the app shows their progress), so every page has something to show")


def streamlit_argv(args, max_upload_mb: float) -> list[str]:
    """The ``streamlit run`` command line for the app."""
    return [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.port", str(args.port), "--server.address", args.address,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.maxUploadSize", str(max(1, math.ceil(max_upload_mb))),
    ]


def run(args) -> int:
    settings = load_settings()
    if args.address not in ("localhost", "127.0.0.1", "::1") and not settings.password_hash:
        print("stridescope: warning: serving beyond this machine without an access password "
              "(set STRIDESCOPE_PASSWORD_HASH)", file=sys.stderr)
    bundle = resolve_model()  # build the pose model now rather than during the first analysis
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Sweep leftovers of an interrupted run now: the app does not while the samples are imported.
    if not sample_import.importing(settings):
        Repository(settings).collect_garbage()
    if args.samples:
        sample_import.start(settings)
    print(f"pose model: {bundle.identity}\ndata folder: {settings.data_dir}\n"
          f"open http://{args.address}:{args.port} in a browser (Ctrl+C to stop)", flush=True)
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working folder
    os.execv(sys.executable, streamlit_argv(args, settings.max_upload_mb))
