"""``stridescope hash-password``: make the value of STRIDESCOPE_PASSWORD_HASH."""

from __future__ import annotations

import getpass
import sys

from stridescope.passwords import hash_password

HELP = "turn an access password for the app into the hash STRIDESCOPE_PASSWORD_HASH holds"


def add_arguments(parser) -> None:
    parser.add_argument("--stdin", action="store_true", help="read the password from standard input (for scripts)")


def run(args) -> int:
    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Access password: ")
        if getpass.getpass("Again: ") != password:
            print("stridescope: the two passwords differ", file=sys.stderr)
            return 1
    if not password:
        print("stridescope: the password must not be empty", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0
