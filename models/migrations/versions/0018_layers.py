"""layers (分层分类救助) on requests, resources and tier decisions; matching fields; 回访

Revision ID: 0018_layers
Revises: 0017_signals
Create Date: 2026-12-03 14:30:00.000000

Requests and tier decisions already there get the layer the rule gives
(services/data/assistance_layers.json, copied here so the migration does not
move when the rule file does). `tier_decisions` stays append-only: its
triggers guard the columns named in 0015, not the new `layer`.

On SQLite the new CHECK constraints are left out (adding one rebuilds the
table, which would drop the append-only triggers); the services refuse an
unknown layer on both databases. For the same reason the downgrade drops
columns in place on SQLite (DROP COLUMN, 3.35+), as 0017 does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0018_layers'
down_revision: str | Sequence[str] | None = '0017_signals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LAYERS = "'basic', 'medical', 'education', 'housing', 'employment', 'emergency'"
CATEGORIES = "'living', 'medical', 'housing', 'education', 'employment', 'care', 'other'"
REQUEST_LAYER = """CASE WHEN urgency = 'emergency' THEN 'emergency'
  WHEN category IN ('living', 'care') THEN 'basic'
  WHEN category IN ('medical', 'education', 'housing', 'employment') THEN category
  ELSE 'emergency' END"""
TIER_LAYER = """CASE WHEN tier IN ('dibao', 'tekun', 'left_dibao_1y') THEN 'basic'
  WHEN tier IN ('dibao_edge', 'rigid_expense') THEN 'medical'
  WHEN tier = 'poverty_watch' THEN 'employment'
  WHEN tier = 'temp_aid_1y' THEN 'emergency' END"""


def _checks() -> list[tuple[str, str, str]]:
    return [
        ('help_requests', 'layer', f"layer IS NULL OR layer IN ({LAYERS})"),
        ('help_requests', 'followup_answer',
         "followup_answer IS NULL OR followup_answer IN ('better', 'same', 'worse')"),
        ('tier_decisions', 'layer', f"layer IS NULL OR layer IN ({LAYERS})"),
        ('aid_resources', 'layer', f"layer IS NULL OR layer IN ({LAYERS})"),
        ('aid_resources', 'category', f"category IS NULL OR category IN ({CATEGORIES})"),
    ]


def upgrade() -> None:
    with op.batch_alter_table('help_requests') as batch_op:
        batch_op.add_column(sa.Column('layer', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('followup_asked_at', models.base.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('followup_answer', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('followup_answered_at', models.base.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('tier_decisions') as batch_op:
        batch_op.add_column(sa.Column('layer', sa.String(length=16), nullable=True))
    with op.batch_alter_table('aid_resources') as batch_op:
        batch_op.add_column(sa.Column('layer', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('category', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column(
            'community_id', sa.Integer(),
            sa.ForeignKey('communities.id', name=op.f('fk_aid_resources_community_id_communities')),
            nullable=True))
        batch_op.add_column(sa.Column('eligible_tiers', sa.String(length=160), nullable=True))
    op.create_table(
        'assistance_layer_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule_key', sa.String(length=48), nullable=False),
        sa.Column('layer', sa.String(length=16), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint(f"layer IN ({LAYERS})",
                           name=op.f('ck_assistance_layer_rules_layer')),
        sa.ForeignKeyConstraint(['changed_by_id'], ['persons.id'],
                                name=op.f('fk_assistance_layer_rules_changed_by_id_persons')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_layer_rules')),
        sa.UniqueConstraint('rule_key', name=op.f('uq_assistance_layer_rules_rule_key')),
    )
    op.execute(f"UPDATE help_requests SET layer = {REQUEST_LAYER}")
    op.execute(f"UPDATE tier_decisions SET layer = {TIER_LAYER}")
    if op.get_bind().dialect.name == 'postgresql':
        for table, name, condition in _checks():
            op.create_check_constraint(op.f(f'ck_{table}_{name}'), table, condition)


def _drop(table: str, *columns: str) -> None:
    """Drop columns; SQLite drops them in place (3.35+) rather than rebuild the table."""
    for column in columns:
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        else:
            op.drop_column(table, column)


def downgrade() -> None:
    op.drop_table('assistance_layer_rules')
    if op.get_bind().dialect.name == 'postgresql':
        for table, name, _ in _checks():
            op.drop_constraint(op.f(f'ck_{table}_{name}'), table, type_='check')
    # Nothing points at aid_resources, so rebuilding it (for its foreign key) is safe.
    with op.batch_alter_table('aid_resources') as batch_op:
        for column in ('eligible_tiers', 'community_id', 'category', 'layer'):
            batch_op.drop_column(column)
    _drop('tier_decisions', 'layer')
    _drop('help_requests', 'followup_answered_at', 'followup_answer', 'followup_asked_at', 'layer')
