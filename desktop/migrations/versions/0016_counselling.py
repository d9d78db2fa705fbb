"""the counselling room's records, and notifications for a role's desks

Revision ID: 0016_counselling
Revises: 0015_speed2
Create Date: 2026-12-02 11:00:00

心理咨询室: cases (one per resident and matter), sessions, risk assessments at intake
and at each session, screening scales (PHQ-9, GAD-7); and the notifications that tell
the leaders of a high risk without its content, read per account.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016_counselling'
down_revision: str | None = '0015_speed2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_role_id', ['role', 'id'], unique=False)

    op.create_table('notification_read',
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_notification_read_notification_id_notification'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_notification_read_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notification_id', 'staff_id', name=op.f('pk_notification_read'))
    )
    op.create_table('counselling_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_no', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('counsellor_id', sa.Integer(), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('intake_problem', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('highest_risk', sa.String(length=2), nullable=False),
    sa.Column('referred_to', sa.String(length=64), nullable=True),
    sa.Column('referred_kind', sa.String(length=16), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=True),
    sa.Column('referral_reason', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['counsellor_id'], ['staff.id'], name=op.f('fk_counselling_case_counsellor_id_staff')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_counselling_case_person_id_person')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_counselling_case_referral_id_referral')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_counselling_case_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_case')),
    sa.UniqueConstraint('case_no', name=op.f('uq_counselling_case_case_no')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_counselling_case_visit_id')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_counselling_case_year'))
    )
    with op.batch_alter_table('counselling_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselling_case_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_case_opened_on'), ['opened_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_case_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_case_referred_on'), ['referred_on'], unique=False)
        batch_op.create_index('ix_counselling_case_status_opened', ['status', 'opened_on'], unique=False)

    op.create_table('counselling_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('intervention', sa.Text(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('counsellor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['counselling_case.id'], name=op.f('fk_counselling_session_case_id_counselling_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['counsellor_id'], ['staff.id'], name=op.f('fk_counselling_session_counsellor_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_session'))
    )
    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselling_session_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_session_held_on'), ['held_on'], unique=False)

    op.create_table('counselling_risk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('self_harm', sa.String(length=2), nullable=False),
    sa.Column('suicide', sa.String(length=2), nullable=False),
    sa.Column('harm_others', sa.String(length=2), nullable=False),
    sa.Column('level', sa.String(length=2), nullable=False),
    sa.Column('crisis_step', sa.String(length=16), nullable=True),
    sa.Column('crisis_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['counselling_case.id'], name=op.f('fk_counselling_risk_case_id_counselling_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['counselling_session.id'], name=op.f('fk_counselling_risk_session_id_counselling_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_risk')),
    sa.UniqueConstraint('session_id', name=op.f('uq_counselling_risk_session_id'))
    )
    with op.batch_alter_table('counselling_risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselling_risk_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_risk_level'), ['level'], unique=False)

    op.create_table('counselling_scale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('scale', sa.String(length=8), nullable=False),
    sa.Column('answers', sa.String(length=32), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=16), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['counselling_case.id'], name=op.f('fk_counselling_scale_case_id_counselling_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['counselling_session.id'], name=op.f('fk_counselling_scale_session_id_counselling_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_scale'))
    )
    with op.batch_alter_table('counselling_scale', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselling_scale_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_scale_session_id'), ['session_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('counselling_scale', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counselling_scale_session_id'))
        batch_op.drop_index(batch_op.f('ix_counselling_scale_case_id'))

    op.drop_table('counselling_scale')
    with op.batch_alter_table('counselling_risk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counselling_risk_level'))
        batch_op.drop_index(batch_op.f('ix_counselling_risk_case_id'))

    op.drop_table('counselling_risk')
    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counselling_session_held_on'))
        batch_op.drop_index(batch_op.f('ix_counselling_session_case_id'))

    op.drop_table('counselling_session')
    with op.batch_alter_table('counselling_case', schema=None) as batch_op:
        batch_op.drop_index('ix_counselling_case_status_opened')
        batch_op.drop_index(batch_op.f('ix_counselling_case_referred_on'))
        batch_op.drop_index(batch_op.f('ix_counselling_case_person_id'))
        batch_op.drop_index(batch_op.f('ix_counselling_case_opened_on'))
        batch_op.drop_index(batch_op.f('ix_counselling_case_closed_on'))

    op.drop_table('counselling_case')
    op.drop_table('notification_read')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_role_id')

    op.drop_table('notification')
