"""addresses: the community address book, and where a home's location came from

Revision ID: 0014_addresses
Revises: 0013_policy
Create Date: 2026-12-03 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0014_addresses'
down_revision: str | Sequence[str] | None = '0013_policy'
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
    with op.batch_alter_table('persons') as batch_op:
        batch_op.add_column(sa.Column('home_source', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('home_building_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_persons_home_building_id_address_buildings'),
                                    'address_buildings', ['home_building_id'], ['id'],
                                    ondelete='SET NULL')
    # Homes located before this revision came from demo data (the only writer then).
    op.execute("UPDATE persons SET home_source = 'demo' WHERE home_location IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('persons') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_persons_home_building_id_address_buildings'),
                                 type_='foreignkey')
        batch_op.drop_column('home_building_id')
        batch_op.drop_column('home_source')
    with op.batch_alter_table('address_buildings') as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_buildings_community_id'))
    op.drop_table('address_buildings')
