"""回复 and 评价 for every matter, category time limits, the working-day calendar

Revision ID: 0019_closure
Revises: 0018_police_social
Create Date: 2026-12-01 13:30:00

A matter is closed by the reply to the resident (``visit_reply``, one per visit) and
rated on the five levels of 好差评 (``visit_rating``); an unsatisfied rating opens a
``rectification`` with its follow-up notes. Each category may carry its service time
limit in working days, counted in the calendar of ``workday_exception``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019_closure'
down_revision: str | None = '0018_police_social'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workday_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workday_exception')),
    sa.UniqueConstraint('day', name=op.f('uq_workday_exception_day'))
    )
    op.create_table('visit_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('replied_at', sa.DateTime(), nullable=False),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['replied_by_id'], ['staff.id'], name=op.f('fk_visit_reply_replied_by_id_staff')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_reply_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_reply')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_visit_reply_visit_id'))
    )
    op.create_index(op.f('ix_visit_reply_replied_at'), 'visit_reply', ['replied_at'], unique=False)
    op.create_table('visit_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('rerating', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_visit_rating_recorded_by_id_staff')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_rating_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_rating'))
    )
    op.create_index(op.f('ix_visit_rating_rated_at'), 'visit_rating', ['rated_at'], unique=False)
    op.create_index(op.f('ix_visit_rating_visit_id'), 'visit_rating', ['visit_id'], unique=False)
    op.create_table('rectification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closing_rating_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['closing_rating_id'], ['visit_rating.id'], name=op.f('fk_rectification_closing_rating_id_visit_rating')),
    sa.ForeignKeyConstraint(['rating_id'], ['visit_rating.id'], name=op.f('fk_rectification_rating_id_visit_rating')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_rectification_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification'))
    )
    op.create_index('ix_rectification_status_due_date', 'rectification', ['status', 'due_date'], unique=False)
    op.create_index(op.f('ix_rectification_visit_id'), 'rectification', ['visit_id'], unique=False)
    op.create_table('rectification_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rectification_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectification.id'], name=op.f('fk_rectification_note_rectification_id_rectification')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_rectification_note_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_note'))
    )
    op.create_index(op.f('ix_rectification_note_rectification_id'), 'rectification_note', ['rectification_id'], unique=False)
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_limit_days', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_column('time_limit_days')
    op.drop_index(op.f('ix_rectification_note_rectification_id'), table_name='rectification_note')
    op.drop_table('rectification_note')
    op.drop_index(op.f('ix_rectification_visit_id'), table_name='rectification')
    op.drop_index('ix_rectification_status_due_date', table_name='rectification')
    op.drop_table('rectification')
    op.drop_index(op.f('ix_visit_rating_visit_id'), table_name='visit_rating')
    op.drop_index(op.f('ix_visit_rating_rated_at'), table_name='visit_rating')
    op.drop_table('visit_rating')
    op.drop_index(op.f('ix_visit_reply_replied_at'), table_name='visit_reply')
    op.drop_table('visit_reply')
    op.drop_table('workday_exception')
