"""the rating pad rates one ticket's service (一次一评)

Revision ID: 0020_pad_rating
Revises: 0019_closure
Create Date: 2026-12-02 11:00:00

A rating given on the pad beside a window or room names the ticket it rates
(``visit_rating.referral_id``, one rating per ticket) and the member of staff who
served it (``staff_id``). The pad finds the ticket its room finished a moment ago
through ``ix_referral_room_finished_at``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020_pad_rating'
down_revision: str | None = '0019_closure'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('visit_rating', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_visit_rating_referral_id'), ['referral_id'],
                              unique=True)
        batch_op.create_foreign_key(batch_op.f('fk_visit_rating_referral_id_referral'),
                                    'referral', ['referral_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_visit_rating_staff_id_staff'),
                                    'staff', ['staff_id'], ['id'])
    op.create_index('ix_referral_room_finished_at', 'referral', ['room_id', 'finished_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_referral_room_finished_at', table_name='referral')
    with op.batch_alter_table('visit_rating', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_visit_rating_staff_id_staff'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_visit_rating_referral_id_referral'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_visit_rating_referral_id'))
        batch_op.drop_column('staff_id')
        batch_op.drop_column('referral_id')
