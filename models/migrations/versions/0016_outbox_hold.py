"""outbox holds: dispatch paused after a restore until an operator releases it

Revision ID: 0016_outbox_hold
Revises: 0015_rights
Create Date: 2026-12-03 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0016_outbox_hold'
down_revision: str | Sequence[str] | None = '0015_rights'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outbox_holds',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('backup_taken_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('held_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('released_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('released_by', models.base.EncryptedString(length=255), nullable=True),
    sa.Column('sent_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_holds'))
    )


def downgrade() -> None:
    op.drop_table('outbox_holds')
