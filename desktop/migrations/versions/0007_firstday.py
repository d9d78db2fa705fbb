"""former names of a person

Revision ID: 0007_firstday
Revises: 0006_speed
Create Date: 2026-12-01 04:00:00

Typing the 身份证号 of a known resident with another name used to rename her
silently everywhere. The desk now refuses such a registration until the
receptionist says what happened; a real change of name keeps the former name
in ``person_former_name``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_firstday'
down_revision: str | None = '0006_speed'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'person_former_name',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('replaced_at', sa.DateTime(), nullable=False),
        sa.Column('replaced_by', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_person_former_name_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_former_name')),
    )
    with op.batch_alter_table('person_former_name', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_former_name_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_former_name_person_id'), ['person_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person_former_name', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_former_name_person_id'))
        batch_op.drop_index(batch_op.f('ix_person_former_name_name'))
    op.drop_table('person_former_name')
