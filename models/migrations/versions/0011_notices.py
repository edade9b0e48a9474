"""notices: facts carried into template fields (encrypted); the duty role; subsidy rules' dates

Revision ID: 0011_notices
Revises: 0010_help_place
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0011_notices'
down_revision: str | Sequence[str] | None = '0010_help_place'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = ("'resident', 'volunteer', 'staff', 'supervisor', 'charity_admin', "
                "'canteen_operator'")
ROLES_NOW = ROLES_BEFORE + ", 'duty'"


def upgrade() -> None:
    with op.batch_alter_table('subsidy_rules') as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.add_column(sa.Column('facts', models.base.EncryptedJSON(), nullable=True))
    with op.batch_alter_table('person_roles') as batch_op:
        batch_op.drop_constraint(op.f('ck_person_roles_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_person_roles_role'), f"role IN ({ROLES_NOW})")


def downgrade() -> None:
    with op.batch_alter_table('subsidy_rules') as batch_op:
        batch_op.drop_column('valid_to')
        batch_op.drop_column('valid_from')
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.drop_column('facts')
    op.execute("DELETE FROM person_roles WHERE role = 'duty'")
    with op.batch_alter_table('person_roles') as batch_op:
        batch_op.drop_constraint(op.f('ck_person_roles_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_person_roles_role'), f"role IN ({ROLES_BEFORE})")
