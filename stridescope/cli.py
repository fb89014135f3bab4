"""The ``stridescope`` command: one subcommand per module in :mod:`stridescope.commands`.

Each command module defines ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args) -> int``.  Input problems surface as a one-line message and
exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from stridescope.progress import end_line
from vision.errors import InputError

# Subcommand name -> module under stridescope.commands.
COMMANDS = {
    "setup-model": "setup_model",
    "pose": "pose",
    "synth": "synth",
    "analyze": "analyze",
    "app": "app",
    "hash-password": "hash_password",
    "report": "report",
    "compare": "compare",
    "batch": "batch",
    "events": "events",
    "backup": "backup",
    "restore": "restore",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stridescope",
        description="Running-gait analysis from video: per-stride measures, replays, reports, comparisons.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"stridescope.commands.{module_name}")
        p = sub.add_parser(name, help=module.HELP, description=module.HELP,
                           formatter_class=argparse.ArgumentDefaultsHelpFormatter)
        module.add_arguments(p)
        p.set_defaults(run=module.run)
    return parser


def quiet_native_logs() -> None:
    """MediaPipe's C++ side logs to stderr; users need none of it."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.getLogger("absl").setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    quiet_native_logs()
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except InputError as e:
        end_line()  # the message goes on its own line, not after a progress bar
        print(f"stridescope: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stridescope: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug, not the user's input: still one line, and what to send us
        end_line()
        where = f" on {args.clip}" if getattr(args, "clip", None) else ""
        print(f"stridescope: {args.command} failed{where} because of an internal error ({type(e).__name__}: {e}). "
              "Please report it with the clip; STRIDESCOPE_DEBUG=1 shows the details.",
              file=sys.stderr)
        if os.environ.get("STRIDESCOPE_DEBUG"):
            raise
        return 1


if __name__ == "__main__":
    sys.exit(main())
