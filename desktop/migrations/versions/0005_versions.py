"""who last changed each versioned record, and when

Revision ID: 0005_versions
Revises: 0004
Create Date: 2026-12-01 09:00:00

A form saved over a record another desk changed is refused; the refusal says
which desk changed it and when (``已被他人修改（二号窗口 于 10:42）``). The time is
the writing desk's own clock, so it reads the same on SQLite and PostgreSQL.
Existing rows keep both empty until they are next changed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_versions'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = (
    'person', 'mediation_case', 'case_party', 'mediation_session', 'agreement',
    'follow_up', 'judicial_confirmation',
)


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('changed_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column('changed_by', sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('changed_by')
            batch_op.drop_column('changed_at')
