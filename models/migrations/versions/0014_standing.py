"""meals: standing orders (长期订餐), the days the job booked, bookings marked with their order

Revision ID: 0014_standing
Revises: 0013_addresses
Create Date: 2026-12-03 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0014_standing'
down_revision: str | Sequence[str] | None = '0013_addresses'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.create_table(
        'standing_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('canteen_id', sa.Integer(), nullable=False),
        sa.Column('meal', sa.String(length=16), nullable=False),
        sa.Column('days', sa.String(length=16), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('delivery', sa.Boolean(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('paused_from', sa.Date(), nullable=True),
        sa.Column('paused_until', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('note', models.base.EncryptedString(length=512), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('ended_at', models.base.UTCDateTime(), nullable=True),
        sa.Column('ended_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint("meal IN ('breakfast', 'lunch', 'dinner')",
                           name=op.f('ck_standing_orders_meal')),
        sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_standing_orders_status')),
        sa.CheckConstraint("channel IN ('chat', 'miniprogram', 'console')",
                           name=op.f('ck_standing_orders_channel')),
        sa.CheckConstraint('count > 0', name=op.f('ck_standing_orders_count')),
        sa.CheckConstraint('paused_until IS NULL OR paused_from <= paused_until',
                           name=op.f('ck_standing_orders_pause')),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                                name=op.f('fk_standing_orders_person_id_persons')),
        sa.ForeignKeyConstraint(['canteen_id'], ['canteens.id'],
                                name=op.f('fk_standing_orders_canteen_id_canteens')),
        sa.ForeignKeyConstraint(['created_by_id'], ['persons.id'],
                                name=op.f('fk_standing_orders_created_by_id_persons')),
        sa.ForeignKeyConstraint(['ended_by_id'], ['persons.id'],
                                name=op.f('fk_standing_orders_ended_by_id_persons')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_standing_orders')),
    )
    op.create_index(op.f('ix_standing_orders_person_id'), 'standing_orders', ['person_id'])
    op.create_index(op.f('ix_standing_orders_status'), 'standing_orders', ['status'])
    op.create_index('uq_standing_orders_active', 'standing_orders', ['person_id', 'meal'],
                    unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)
    with op.batch_alter_table('meal_bookings') as batch_op:
        batch_op.add_column(sa.Column('standing_order_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_meal_bookings_standing_order_id_standing_orders'),
                                    'standing_orders', ['standing_order_id'], ['id'])
    op.create_table(
        'standing_order_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('standing_order_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('message', sa.String(length=256), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('booked', 'already_booked', 'sold_out', 'refused', 'missed')",
            name=op.f('ck_standing_order_runs_outcome')),
        sa.ForeignKeyConstraint(['standing_order_id'], ['standing_orders.id'], ondelete='CASCADE',
                                name=op.f('fk_standing_order_runs_standing_order_id_standing_orders')),
        sa.ForeignKeyConstraint(['booking_id'], ['meal_bookings.id'],
                                name=op.f('fk_standing_order_runs_booking_id_meal_bookings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_standing_order_runs')),
        sa.UniqueConstraint('standing_order_id', 'day',
                            name=op.f('uq_standing_order_runs_standing_order_id_day')),
    )


def downgrade() -> None:
    op.drop_table('standing_order_runs')
    with op.batch_alter_table('meal_bookings') as batch_op:
        batch_op.drop_constraint(op.f('fk_meal_bookings_standing_order_id_standing_orders'),
                                 type_='foreignkey')
        batch_op.drop_column('standing_order_id')
    op.drop_index('uq_standing_orders_active', table_name='standing_orders')
    op.drop_index(op.f('ix_standing_orders_status'), table_name='standing_orders')
    op.drop_index(op.f('ix_standing_orders_person_id'), table_name='standing_orders')
    op.drop_table('standing_orders')
