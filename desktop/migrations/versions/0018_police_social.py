"""police liaison and social organisations rooms

Revision ID: 0018_police_social
Revises: 0017_care_deliberation
Create Date: 2026-12-01 13:15:00

警民联络室: hand-overs to and from the police (移交), their replies and the link to a
mediation case (警调联动). 社会组织工作室: the organisations and volunteer teams, the
residents referred to them (转介) and their activity log.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018_police_social'
down_revision: str | None = '0017_care_deliberation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('social_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('services', sa.Text(), nullable=False),
    sa.Column('contact_person', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_social_organisation_name'))
    )
    op.create_table('organisation_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['social_organisation.id'], name=op.f('fk_organisation_activity_organisation_id_social_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_activity'))
    )
    with op.batch_alter_table('organisation_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_activity_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_activity_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisation_referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=64), nullable=False),
    sa.Column('person_phone', sa.String(length=32), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('service_asked', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('delivered', sa.Text(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['social_organisation.id'], name=op.f('fk_organisation_referral_organisation_id_social_organisation')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_organisation_referral_recorded_by_id_staff')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_organisation_referral_referral_id_referral')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_organisation_referral_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_referral'))
    )
    with op.batch_alter_table('organisation_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_referral_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_organisation_referral_pending', ['delivered_on', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_referral_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_referral_referred_on'), ['referred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_referral_visit_id'), ['visit_id'], unique=False)

    op.create_table('police_handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_no', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('handed_at', sa.DateTime(), nullable=False),
    sa.Column('matter', sa.Text(), nullable=False),
    sa.Column('person_name', sa.String(length=64), nullable=True),
    sa.Column('person_phone', sa.String(length=32), nullable=True),
    sa.Column('station', sa.String(length=64), nullable=False),
    sa.Column('officer_name', sa.String(length=32), nullable=False),
    sa.Column('officer_phone', sa.String(length=32), nullable=False),
    sa.Column('officer_badge', sa.String(length=16), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('reply_due', sa.Date(), nullable=True),
    sa.Column('reply_on', sa.Date(), nullable=True),
    sa.Column('reply_content', sa.Text(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_police_handover_case_id_mediation_case')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_police_handover_recorded_by_id_staff')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_police_handover_referral_id_referral')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_police_handover_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_handover')),
    sa.UniqueConstraint('handover_no', name=op.f('uq_police_handover_handover_no')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_police_handover_year'))
    )
    with op.batch_alter_table('police_handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_handover_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_handover_direction'), ['direction'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_handover_handed_at'), ['handed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_handover_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index('ix_police_handover_reply', ['reply_on', 'reply_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_handover_visit_id'), ['visit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('police_handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_police_handover_visit_id'))
        batch_op.drop_index('ix_police_handover_reply')
        batch_op.drop_index(batch_op.f('ix_police_handover_referral_id'))
        batch_op.drop_index(batch_op.f('ix_police_handover_handed_at'))
        batch_op.drop_index(batch_op.f('ix_police_handover_direction'))
        batch_op.drop_index(batch_op.f('ix_police_handover_case_id'))

    op.drop_table('police_handover')
    with op.batch_alter_table('organisation_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_referral_visit_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_referral_referred_on'))
        batch_op.drop_index(batch_op.f('ix_organisation_referral_referral_id'))
        batch_op.drop_index('ix_organisation_referral_pending')
        batch_op.drop_index(batch_op.f('ix_organisation_referral_organisation_id'))

    op.drop_table('organisation_referral')
    with op.batch_alter_table('organisation_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_activity_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_activity_held_on'))

    op.drop_table('organisation_activity')
    op.drop_table('social_organisation')
