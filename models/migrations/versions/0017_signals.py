"""household checks (家庭经济状况核对) against county assistance lines; tier decisions name their check

Revision ID: 0017_signals
Revises: 0016_outbox_hold
Create Date: 2026-12-03 14:20:00.000000

`tier_decisions.check_id` has no foreign key on purpose: on SQLite adding one
rebuilds the table, and tier_decisions is append-only. ADD COLUMN fires no
UPDATE trigger, so the append-only guard stays as it is.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0017_signals'
down_revision: str | Sequence[str] | None = '0016_outbox_hold'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('assistance_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('dibao_month_fen', sa.Integer(), nullable=False),
    sa.Column('edge_multiple_pct', sa.Integer(), nullable=False),
    sa.Column('tekun_month_fen', sa.Integer(), nullable=False),
    sa.Column('asset_limit_months', sa.Integer(), nullable=False),
    sa.Column('rigid_share_pct', sa.Integer(), nullable=False),
    sa.Column('source', models.base.EncryptedText(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_assistance_lines_county_id_counties')),
    sa.ForeignKeyConstraint(['created_by_id'], ['persons.id'], name=op.f('fk_assistance_lines_created_by_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_lines')),
    sa.UniqueConstraint('county_id', 'effective_from', name=op.f('uq_assistance_lines_county_id_effective_from'))
    )
    op.create_table('household_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('figures', models.base.EncryptedJSON(), nullable=False),
    sa.Column('proposed_tier', sa.String(length=32), nullable=True),
    sa.Column('proposal_reason', models.base.EncryptedText(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=True),
    sa.Column('override_reason', models.base.EncryptedText(), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'confirmed', 'overridden')", name=op.f('ck_household_checks_status')),
    sa.ForeignKeyConstraint(['household_id'], ['persons.id'], name=op.f('fk_household_checks_household_id_persons')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_household_checks_community_id_communities')),
    sa.ForeignKeyConstraint(['line_id'], ['assistance_lines.id'], name=op.f('fk_household_checks_line_id_assistance_lines')),
    sa.ForeignKeyConstraint(['created_by_id'], ['persons.id'], name=op.f('fk_household_checks_created_by_id_persons')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['persons.id'], name=op.f('fk_household_checks_decided_by_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_checks'))
    )
    with op.batch_alter_table('household_checks', schema=None) as batch_op:
        batch_op.create_index('ix_household_checks_household', ['household_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_checks_community_id'), ['community_id'], unique=False)
    op.create_table('household_check_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item', models.base.EncryptedString(length=256), nullable=False),
    sa.Column('amount', models.base.EncryptedString(length=256), nullable=True),
    sa.CheckConstraint("kind IN ('income', 'asset', 'expense', 'situation')", name=op.f('ck_household_check_items_kind')),
    sa.ForeignKeyConstraint(['check_id'], ['household_checks.id'], name=op.f('fk_household_check_items_check_id_household_checks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_household_check_items_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_check_items'))
    )
    with op.batch_alter_table('household_check_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_check_items_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_check_items_person_id'), ['person_id'], unique=False)
    op.add_column('tier_decisions', sa.Column('check_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute('ALTER TABLE tier_decisions DROP COLUMN check_id')
    op.drop_table('household_check_items')
    op.drop_table('household_checks')
    op.drop_table('assistance_lines')

