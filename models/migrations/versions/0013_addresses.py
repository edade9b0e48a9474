"""addresses: the community address book, and where a home's location came from

Revision ID: 0013_addresses
Revises: 0012_policy
Create Date: 2026-12-03 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0013_addresses'
down_revision: str | Sequence[str] | None = '0012_policy'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'address_buildings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('aliases', sa.Text(), nullable=False),
        sa.Column('latitude', sa.Double(), nullable=False),
        sa.Column('longitude', sa.Double(), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['communities.id'],
                                name=op.f('fk_address_buildings_community_id_communities')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_address_buildings')),
        sa.UniqueConstraint('community_id', 'name',
                            name=op.f('uq_address_buildings_community_id_name')),
    )
    with op.batch_alter_table('address_buildings') as batch_op:
        batch_op.create_index(batch_op.f('ix_address_buildings_community_id'), ['community_id'],
                              unique=False)
    # Plain columns: no table rebuild of `persons` on SQLite (see models/person.py).
    op.add_column('persons', sa.Column('home_source', sa.String(length=16), nullable=True))
    op.add_column('persons', sa.Column('home_building_id', sa.Integer(), nullable=True))
    # Homes located before this revision came from demo data (the only writer then).
    op.execute("UPDATE persons SET home_source = 'demo' WHERE home_location IS NOT NULL")


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place on both databases (SQLite 3.35+): no rebuild.
    op.execute('ALTER TABLE persons DROP COLUMN home_building_id')
    op.execute('ALTER TABLE persons DROP COLUMN home_source')
    with op.batch_alter_table('address_buildings') as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_buildings_community_id'))
    op.drop_table('address_buildings')
