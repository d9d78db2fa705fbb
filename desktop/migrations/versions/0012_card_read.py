"""读卡核验: whether a visit's 身份证号 was read off the card

Revision ID: 0012_card_read
Revises: 0011_notices
Create Date: 2026-12-04 09:00:00

``visit.id_card_read`` is true when the desk's reader read the number off the
card and nobody edited it before saving; every visit registered before is 手工.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012_card_read'
down_revision: str | None = '0011_notices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain string default ('0' is false to SQLite and PostgreSQL alike): with an
    # expression (sa.false()) Alembic rebuilds the table on SQLite, and dropping the old
    # ``visit`` fails there while referrals and cases point at its rows.
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_card_read', sa.Boolean(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('id_card_read')
