"""a pad rating's ticket index covers the pad ratings only

Revision ID: 0022_pad_rating_index
Revises: 0021_kiosk_card
Create Date: 2026-12-01 15:00:00

``visit_rating.referral_id`` is empty for every matter's rating (most of the table).
Its plain unique index drew the planners' look for "a matter's own rating"
(``referral_id IS NULL``) to itself, a walk over every rating for each visit: the
回复评价 page took minutes at a million visits. The uniqueness now lives in a partial
index over the pad ratings only, which no such look can use.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022_pad_rating_index'
down_revision: str | None = '0021_kiosk_card'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("referral_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table('visit_rating', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_rating_referral_id')
    op.create_index('uq_visit_rating_referral', 'visit_rating', ['referral_id'], unique=True,
                    sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    op.drop_index('uq_visit_rating_referral', table_name='visit_rating')
    with op.batch_alter_table('visit_rating', schema=None) as batch_op:
        batch_op.create_index('ix_visit_rating_referral_id', ['referral_id'], unique=True)
