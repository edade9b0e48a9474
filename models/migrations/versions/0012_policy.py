"""policy knowledge base: entries staff edit, the chat answers from

Revision ID: 0012_policy
Revises: 0011_notices
Create Date: 2026-12-03 13:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0012_policy'
down_revision: str | Sequence[str] | None = '0011_notices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'policy_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('topic', sa.String(length=32), nullable=False),
        sa.Column('title', sa.String(length=64), nullable=False),
        sa.Column('keywords', models.base.EncryptedText(), nullable=False),
        sa.Column('who', models.base.EncryptedText(), nullable=False),
        sa.Column('bring', models.base.EncryptedText(), nullable=False),
        sa.Column('window', models.base.EncryptedText(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('help_category', sa.String(length=32), nullable=True),
        sa.Column('sort_order', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['persons.id'],
                                name=op.f('fk_policy_entries_updated_by_id_persons')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_entries')),
        sa.UniqueConstraint('code', name=op.f('uq_policy_entries_code')),
    )
    with op.batch_alter_table('policy_entries') as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_entries_topic'), ['topic'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('policy_entries') as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_entries_topic'))
    op.drop_table('policy_entries')
