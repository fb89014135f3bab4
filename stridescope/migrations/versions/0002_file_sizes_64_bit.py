"""File sizes in 64 bits: a clip of more than 2 GiB (4K, long slow motion) overflowed a 32-bit INTEGER.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SIZES = (("sessions", "clip_bytes"), ("analysis_files", "size"))


def upgrade() -> None:
    for table, column in SIZES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.BigInteger, existing_type=sa.Integer, existing_nullable=False)


def downgrade() -> None:
    for table, column in SIZES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.Integer, existing_type=sa.BigInteger, existing_nullable=False)
