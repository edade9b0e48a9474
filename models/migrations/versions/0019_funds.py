"""charity funds, donations and their ledger; subsidy rules paid by a fund; filing batches

Revision ID: 0019_funds
Revises: 0018_layers
Create Date: 2026-12-03 14:20:00.000000

`fund_postings`, `fund_entries` and `filed_records` are append-only (the
database refuses UPDATE and DELETE). On SQLite `subsidy_rules.fund_id` is
added with ADD COLUMN ... REFERENCES rather than a table rebuild, which with
foreign keys on would touch the bookings that point at the rules.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base
from models.append_only import drop_append_only, make_append_only

revision: str = '0019_funds'
down_revision: str | Sequence[str] | None = '0018_layers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("fund_postings", "fund_entries", "filed_records")
BOOKING_LINK = sa.text("booking_id IS NOT NULL")


def _id() -> sa.Column:
    return sa.Column('id', sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def _funds() -> None:
    op.create_table(
        'charity_funds', _id(),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('purpose', models.base.EncryptedText(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('special', 'named')", name=op.f('ck_charity_funds_kind')),
        _fk('charity_funds', 'organisation_id', 'organisations'),
        _fk('charity_funds', 'created_by_id', 'persons'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_charity_funds')),
        sa.UniqueConstraint('code', name=op.f('uq_charity_funds_code')),
    )
    op.create_index(op.f('ix_charity_funds_organisation_id'), 'charity_funds', ['organisation_id'])
    op.create_table(
        'fund_donations', _id(),
        sa.Column('fund_id', sa.Integer(), nullable=False),
        sa.Column('donor_person_id', sa.Integer(), nullable=True),
        sa.Column('donor_name', models.base.EncryptedText(), nullable=False),
        sa.Column('amount_fen', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('note', models.base.EncryptedText(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_fund_donations_amount')),
        _fk('fund_donations', 'fund_id', 'charity_funds'),
        _fk('fund_donations', 'donor_person_id', 'persons'),
        _fk('fund_donations', 'recorded_by_id', 'persons'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_donations')),
    )
    op.create_index(op.f('ix_fund_donations_fund_id'), 'fund_donations', ['fund_id'])
    op.create_index(op.f('ix_fund_donations_donor_person_id'), 'fund_donations', ['donor_person_id'])
    op.create_table(
        'fund_project_payments', _id(),
        sa.Column('fund_id', sa.Integer(), nullable=False),
        sa.Column('title', models.base.EncryptedText(), nullable=False),
        sa.Column('amount_fen', sa.Integer(), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_fund_project_payments_amount')),
        _fk('fund_project_payments', 'fund_id', 'charity_funds'),
        _fk('fund_project_payments', 'community_id', 'communities'),
        _fk('fund_project_payments', 'recorded_by_id', 'persons'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_project_payments')),
    )
    op.create_index(op.f('ix_fund_project_payments_fund_id'), 'fund_project_payments', ['fund_id'])


def _ledger() -> None:
    op.create_table(
        'fund_accounts', _id(),
        sa.Column('fund_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('balance', sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('donors', 'balance', 'meals', 'projects')",
                           name=op.f('ck_fund_accounts_kind')),
        sa.CheckConstraint("kind = 'donors' OR balance >= 0",
                           name=op.f('ck_fund_accounts_not_overdrawn')),
        _fk('fund_accounts', 'fund_id', 'charity_funds'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_accounts')),
        sa.UniqueConstraint('fund_id', 'kind', name=op.f('uq_fund_accounts_fund_id_kind')),
    )
    op.create_table(
        'fund_postings', _id(),
        sa.Column('fund_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('amount_fen', sa.Integer(), nullable=False),
        sa.Column('donation_id', sa.Integer(), nullable=True),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('project_payment_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('donation', 'meal_subsidy', 'meal_refund', 'project')",
                           name=op.f('ck_fund_postings_kind')),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_fund_postings_amount')),
        _fk('fund_postings', 'fund_id', 'charity_funds'),
        _fk('fund_postings', 'donation_id', 'fund_donations'),
        _fk('fund_postings', 'booking_id', 'meal_bookings'),
        _fk('fund_postings', 'project_payment_id', 'fund_project_payments'),
        _fk('fund_postings', 'created_by_id', 'persons'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_postings')),
        sa.UniqueConstraint('donation_id', name=op.f('uq_fund_postings_donation_id')),
        sa.UniqueConstraint('project_payment_id', name=op.f('uq_fund_postings_project_payment_id')),
    )
    op.create_index(op.f('ix_fund_postings_fund_id'), 'fund_postings', ['fund_id'])
    op.create_index(op.f('ix_fund_postings_created_at'), 'fund_postings', ['created_at'])
    op.create_index('uq_fund_postings_booking', 'fund_postings', ['booking_id', 'kind'], unique=True,
                    sqlite_where=BOOKING_LINK, postgresql_where=BOOKING_LINK)
    op.create_table(
        'fund_entries', _id(),
        sa.Column('posting_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('amount_fen', sa.Integer(), nullable=False),
        sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_fund_entries_nonzero')),
        _fk('fund_entries', 'posting_id', 'fund_postings'),
        _fk('fund_entries', 'account_id', 'fund_accounts'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_entries')),
    )
    op.create_index(op.f('ix_fund_entries_posting_id'), 'fund_entries', ['posting_id'])
    op.create_index(op.f('ix_fund_entries_account_id'), 'fund_entries', ['account_id'])


def _filing() -> None:
    op.create_table(
        'filing_batches', _id(),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('until', sa.Date(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', models.base.EncryptedText(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        _fk('filing_batches', 'created_by_id', 'persons'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_batches')),
        sa.UniqueConstraint('number', name=op.f('uq_filing_batches_number')),
    )
    op.create_table(
        'filed_records', _id(),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('source_type', sa.String(length=16), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("source_type IN ('help_request', 'meal_subsidy', 'fund_project')",
                           name=op.f('ck_filed_records_source_type')),
        _fk('filed_records', 'batch_id', 'filing_batches'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_filed_records')),
        sa.UniqueConstraint('source_type', 'source_id',
                            name=op.f('uq_filed_records_source_type_source_id')),
    )
    op.create_index(op.f('ix_filed_records_batch_id'), 'filed_records', ['batch_id'])


def upgrade() -> None:
    _funds()
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE subsidy_rules ADD COLUMN fund_id INTEGER REFERENCES charity_funds (id)')
    else:
        op.add_column('subsidy_rules', sa.Column('fund_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_subsidy_rules_fund_id_charity_funds'), 'subsidy_rules',
                              'charity_funds', ['fund_id'], ['id'])
    op.create_index(op.f('ix_subsidy_rules_fund_id'), 'subsidy_rules', ['fund_id'])
    _ledger()
    _filing()
    for table in APPEND_ONLY:
        make_append_only(op, table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        drop_append_only(op, table)
    op.drop_table('filed_records')
    op.drop_table('filing_batches')
    op.drop_table('fund_entries')
    op.drop_table('fund_postings')
    op.drop_table('fund_accounts')
    op.drop_index(op.f('ix_subsidy_rules_fund_id'), table_name='subsidy_rules')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE subsidy_rules DROP COLUMN fund_id')
    else:
        op.drop_constraint(op.f('fk_subsidy_rules_fund_id_charity_funds'), 'subsidy_rules',
                           type_='foreignkey')
        op.drop_column('subsidy_rules', 'fund_id')
    op.drop_table('fund_project_payments')
    op.drop_table('fund_donations')
    op.drop_table('charity_funds')
