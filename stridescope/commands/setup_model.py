"""``stridescope setup-model``: provision the pose model once (done by the set-up scripts)."""

from __future__ import annotations

from vision.model import resolve_model

HELP = "find or build the pose model bundle and print where it is"


def add_arguments(parser) -> None:
    parser.add_argument("--model", help="use this .task bundle instead of building one")


def run(args) -> int:
    bundle = resolve_model(args.model)
    print(f"pose model: {bundle.path} ({bundle.identity})")
    return 0
