"""rights: erasure requests, retention runs, erased/redacted marks, redactable notes

Revision ID: 0015_rights
Revises: 0014_standing
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base
from models.append_only import allow_redaction, refuse_redaction

revision: str = '0015_rights'
down_revision: str | Sequence[str] | None = '0014_standing'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_COLUMNS = ['id', 'request_id', 'at', 'actor_id', 'kind', 'from_status', 'to_status']
DECISION_COLUMNS = ['id', 'person_id', 'tier', 'previous_tier', 'review_due', 'verified_by_id',
                    'decided_at']


def upgrade() -> None:
    op.create_table(
        'erasure_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reason', models.base.EncryptedString(length=1024), nullable=True),
        sa.Column('pseudonym', sa.String(length=32), nullable=True),
        sa.Column('counts', sa.JSON(), nullable=True),
        sa.CheckConstraint("status IN ('requested', 'done', 'cancelled')",
                           name=op.f('ck_erasure_requests_status')),
        sa.CheckConstraint("channel IN ('chat', 'miniprogram')",
                           name=op.f('ck_erasure_requests_channel')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['persons.id'],
                                name=op.f('fk_erasure_requests_decided_by_id_persons')),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                                name=op.f('fk_erasure_requests_person_id_persons')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests')),
    )
    op.create_index(op.f('ix_erasure_requests_person_id'), 'erasure_requests', ['person_id'])
    op.create_index('ux_erasure_requests_open', 'erasure_requests', ['person_id'], unique=True,
                    sqlite_where=sa.text("status = 'requested'"),
                    postgresql_where=sa.text("status = 'requested'"))
    op.create_table(
        'retention_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('counts', sa.JSON(), nullable=True),
        sa.CheckConstraint("kind IN ('scheduled', 'manual')", name=op.f('ck_retention_runs_kind')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_runs')),
    )
    op.create_index('ux_retention_runs_scheduled_day', 'retention_runs', ['day'], unique=True,
                    sqlite_where=sa.text("kind = 'scheduled'"),
                    postgresql_where=sa.text("kind = 'scheduled'"))
    with op.batch_alter_table('persons') as batch_op:
        batch_op.add_column(sa.Column('erased_at', models.base.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('help_requests') as batch_op:
        batch_op.add_column(sa.Column('redacted_at', models.base.UTCDateTime(timezone=True),
                                      nullable=True))
    allow_redaction(op, 'help_request_events', fixed=EVENT_COLUMNS)
    allow_redaction(op, 'tier_decisions', fixed=DECISION_COLUMNS)


def downgrade() -> None:
    refuse_redaction(op, 'tier_decisions')
    refuse_redaction(op, 'help_request_events')
    # In place on both databases: a rebuild of `persons` on SQLite would cascade into its rows.
    op.execute('ALTER TABLE help_requests DROP COLUMN redacted_at')
    op.execute('ALTER TABLE persons DROP COLUMN erased_at')
    op.drop_index('ux_retention_runs_scheduled_day', table_name='retention_runs')
    op.drop_table('retention_runs')
    op.drop_index('ux_erasure_requests_open', table_name='erasure_requests')
    op.drop_index(op.f('ix_erasure_requests_person_id'), table_name='erasure_requests')
    op.drop_table('erasure_requests')
