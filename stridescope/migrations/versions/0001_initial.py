"""The schema of Stridescope 0.1.0: athletes, sessions, analyses and their files.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "athletes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("athlete_id", sa.Integer, sa.ForeignKey("athletes.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clip_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("clip_label", sa.String(255), nullable=False),
        sa.Column("clip_bytes", sa.Integer, nullable=False),
        sa.Column("view_requested", sa.String(8), nullable=False),
        sa.Column("treadmill_speed_kmh", sa.Float, nullable=True),
        sa.Column("height_cm", sa.Float, nullable=True),
        sa.Column("capture_fps", sa.Float, nullable=True),
        sa.Column("notes", sa.Text, nullable=False),
    )
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("code_version", sa.String(100), nullable=False),
        sa.Column("software", sa.JSON, nullable=False),
        sa.Column("view_kind", sa.String(16), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_table(
        "analysis_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("analysis_id", sa.Integer, sa.ForeignKey("analyses.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("role", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.UniqueConstraint("analysis_id", "role"),
    )


def downgrade() -> None:
    for table in ("analysis_files", "analyses", "sessions", "athletes"):
        op.drop_table(table)
