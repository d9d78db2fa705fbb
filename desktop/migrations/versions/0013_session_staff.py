"""who mediated and who wrote each mediation session

Revision ID: 0013_session_staff
Revises: 0012_card_read
Create Date: 2026-12-01 10:30:00

A 调解记录 names its own 调解员 (one of the case's mediators) and 记录人 (the
signed-in account that wrote it, unless another is chosen), instead of
borrowing the case's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_session_staff'
down_revision: str | None = '0012_card_read'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mediator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recorder_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_mediation_session_mediator_id_staff'),
                                    'staff', ['mediator_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_mediation_session_recorder_id_staff'),
                                    'staff', ['recorder_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mediation_session_recorder_id_staff'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_mediation_session_mediator_id_staff'),
                                 type_='foreignkey')
        batch_op.drop_column('recorder_id')
        batch_op.drop_column('mediator_id')
