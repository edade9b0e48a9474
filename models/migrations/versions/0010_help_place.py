"""help requests: where the need is (place), apart from the home address

Revision ID: 0010_help_place
Revises: 0009_rollups
Create Date: 2026-12-03 09:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0010_help_place'
down_revision: str | Sequence[str] | None = '0009_rollups'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('help_requests') as batch_op:
        batch_op.add_column(sa.Column('place', models.base.EncryptedString(length=1024),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('help_requests') as batch_op:
        batch_op.drop_column('place')
