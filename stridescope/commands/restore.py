"""``stridescope restore ARCHIVE``: put a clinic back from ``stridescope backup``; never silently over existing data."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from stridescope.backup import backup, holdings, restore
from stridescope.settings import load_settings
from stridescope.storage import Repository

HELP = "restore a backup made by 'stridescope backup' into this installation (stop the app first)"


def add_arguments(parser) -> None:
    parser.add_argument("archive", help="a backup archive written by 'stridescope backup'")
    parser.add_argument("--replace", action="store_true",
                        help="discard the sessions already here (they are first backed up beside the data folder)")


def run(args) -> int:
    settings = load_settings()
    repo = Repository(settings)
    sessions, files = holdings(repo)
    if args.replace and (sessions or files):
        stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
        kept = settings.data_dir.with_name(f"{settings.data_dir.name}-before-restore-{stamp}.tar")
        backup(repo, kept)
        print(f"replacing {sessions} session(s) and {files} file(s); they were backed up first to {kept}")
    manifest = restore(repo, Path(args.archive), replace=args.replace)
    rows = manifest["rows"]
    print(f"restored {args.archive} (made {manifest['created_at']}) into {settings.data_dir}: "
          f"{rows['athletes']} athletes, {rows['sessions']} sessions, {len(manifest['files'])} files")
    return 0
