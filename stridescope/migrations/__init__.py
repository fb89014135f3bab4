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
from sqlalchemy import Engine, inspect

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


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema, keeping every row."""
    cfg = config(engine)
    if current(engine) is None and inspect(engine).has_table("sessions"):
        command.stamp(cfg, BASELINE)  # made by 0.1.0's create_all: its tables are revision 0001
    command.upgrade(cfg, "head")
