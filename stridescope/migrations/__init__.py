"""The database schema's history as Alembic migrations, applied when the app or a command opens the database.

A database made before migrations existed (Stridescope 0.1.0 used
``create_all``) has the tables but no ``alembic_version``: it is recognised as
the first revision and upgraded from there, so no clinic's history is stranded.

A new migration: ``alembic -c stridescope/migrations/alembic.ini revision -m "what changes"``,
then write its ``upgrade()`` (and keep ``stridescope/storage.py``'s models in step).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect

from vision.errors import InputError

HERE = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema of Stridescope 0.1.0, made by create_all


def config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


def head() -> str:
    """The newest revision this code knows."""
    return ScriptDirectory(str(HERE)).get_current_head()


def current(engine: Engine) -> str | None:
    """The database's revision (None for an empty database or one made before migrations)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory(str(HERE)).get_revision(revision) is not None
    except CommandError:
        return False


class NewerDatabaseError(InputError):
    """The database was upgraded by a newer Stridescope than this one."""


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema, keeping every row.

    Raises :class:`NewerDatabaseError` for a database a newer Stridescope has upgraded (nothing is changed).
    """
    cfg = config(engine)
    revision = current(engine)
    if revision is not None and not _known(revision):
        raise NewerDatabaseError(
            f"the database ({engine.url.render_as_string(hide_password=True)}) was upgraded by a newer "
            f"Stridescope (schema {revision}; this one knows up to {head()}): install that version again")
    if revision is None and inspect(engine).has_table("sessions"):
        command.stamp(cfg, BASELINE)  # made by 0.1.0's create_all: its tables are revision 0001
    command.upgrade(cfg, "head")
