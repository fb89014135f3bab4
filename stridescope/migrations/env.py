"""Alembic's entry point: runs the migrations on the engine :func:`stridescope.migrations.upgrade` passes."""

from alembic import context
from sqlalchemy import create_engine, text

from stridescope.storage import Base

cfg = context.config
engine = cfg.attributes.get("engine") or create_engine(cfg.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite changes a table by copying it; with foreign keys enforced, dropping the old
        # copy would cascade-delete every row that refers to it.
        connection.execute(text("PRAGMA foreign_keys=OFF"))
        connection.commit()
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        connection.execute(text("PRAGMA foreign_keys=ON"))
        connection.commit()
