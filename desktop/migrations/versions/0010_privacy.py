"""soft delete with a reason for persons, visits and mediation cases

Revision ID: 0010_privacy
Revises: 0009_accounts
Create Date: 2026-12-03 09:00:00

A removed record keeps its row: ``deleted_at``, ``deleted_by`` and
``deleted_reason`` say when, by whom and why; lists and registers leave it out.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_privacy'
down_revision: str | None = '0009_accounts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('person', 'visit', 'mediation_case')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column('deleted_by', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('deleted_reason', sa.String(length=200),
                                          nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('deleted_reason')
            batch_op.drop_column('deleted_by')
            batch_op.drop_column('deleted_at')
