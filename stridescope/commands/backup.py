"""``stridescope backup OUT``: the whole clinic (database rows and stored files) in one archive."""

from __future__ import annotations

from pathlib import Path

from stridescope.backup import backup
from stridescope.settings import load_settings
from stridescope.storage import Repository

HELP = "write every session, athlete and stored file of this installation into one archive (.tar)"


def add_arguments(parser) -> None:
    parser.add_argument("output", help="archive to write (must not exist yet), e.g. clinic-2026-11-29.tar")


def run(args) -> int:
    settings = load_settings()
    manifest = backup(Repository(settings), Path(args.output))
    rows = manifest["rows"]
    print(f"backed up {settings.data_dir}: {rows['athletes']} athletes, {rows['sessions']} sessions, "
          f"{rows['analyses']} analyses, {len(manifest['files'])} files -> {args.output}")
    return 0
