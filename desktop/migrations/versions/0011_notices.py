"""notices and policy texts for the hall display (政策宣传)

Revision ID: 0011_notices
Revises: 0010_privacy
Create Date: 2026-12-04 09:00:00

The admin writes them in 系统设置; the hall display rotates those whose dates
include today.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_notices'
down_revision: str | None = '0010_privacy'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('shown_from', sa.Date(), nullable=False),
    sa.Column('shown_until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    )


def downgrade() -> None:
    op.drop_table('notice')
