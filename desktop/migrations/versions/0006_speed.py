"""indexes for the queries a page runs on a million visits

Revision ID: 0006_speed
Revises: 0005_versions
Create Date: 2026-12-01 04:00:00

The 台账统计 dashboard counts today's tickets by ``referral.created_at``;
without an index that is a scan of every ticket ever issued (0.7 s at a
million visits).
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0006_speed'
down_revision: str | None = '0005_versions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_referral_created_at', 'referral', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_referral_created_at', table_name='referral')
