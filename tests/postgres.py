"""A real PostgreSQL server for the tests: started once per test session on 127.0.0.1, a fresh database per test.

Debian's ``postgresql`` package (``scripts/system-packages``) provides the
server.  It refuses to run as root, so under root (as in CI) it runs as
``nobody``.  If it cannot start, the tests that need it fail with the
server's own words: a database left untested must not look like a pass.

``tests/conftest.py`` loads this module as a plugin, so every test can ask for ``database_url``
(SQLite, then PostgreSQL) or ``postgres_server``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

USER = "stridescope"


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        pytest.fail("PostgreSQL is not installed: run scripts/system-packages (Debian package postgresql)")
    return Path(initdb).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], as_user: list[str]) -> None:
    done = subprocess.run(as_user + args, capture_output=True, text=True, timeout=120)
    if done.returncode:
        pytest.fail(f"PostgreSQL: {' '.join(args[:1])} failed:\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a running PostgreSQL server's admin database (stopped at the end of the session)."""
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="stridescope-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    data, port = root / "data", _free_port()
    _run([str(bindir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
          "--no-sync"], as_user)
    _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60",
          "-o", f"-h 127.0.0.1 -p {port} -k {root} -F", "start"], as_user)
    try:
        url = f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        yield url
    finally:
        subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """A new empty database on the server; its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """An empty database: a SQLite file, then a PostgreSQL database on the test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'stridescope.db'}"
    return fresh_database(request.getfixturevalue("postgres_server"))
