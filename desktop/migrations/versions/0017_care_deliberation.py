"""the care room's register and home visits; deliberation meetings, matters and actions

Revision ID: 0017_care_deliberation
Revises: 0016_counselling
Create Date: 2026-12-01 13:15:01.391454
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017_care_deliberation'
down_revision: str | None = '0016_counselling'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deliberation_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=128), nullable=False),
    sa.Column('host', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=128), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_meeting'))
    )
    with op.batch_alter_table('deliberation_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_meeting_held_on'), ['held_on'], unique=False)

    op.create_table('deliberation_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('task', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['deliberation_meeting.id'], name=op.f('fk_deliberation_action_meeting_id_deliberation_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_action'))
    )
    with op.batch_alter_table('deliberation_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_action_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index('ix_deliberation_action_open_due', ['done_on', 'due_on'], unique=False)

    op.create_table('care_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('guardian_name', sa.String(length=64), nullable=True),
    sa.Column('guardian_relation', sa.String(length=32), nullable=True),
    sa.Column('guardian_phone', sa.String(length=32), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('frequency_days', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_care_entry_community_id_community')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_care_entry_grid_id_grid')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_care_entry_person_id_person')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_care_entry_staff_id_staff')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_care_entry_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_entry')),
    sa.UniqueConstraint('person_id', name=op.f('uq_care_entry_person_id')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_care_entry_visit_id'))
    )
    with op.batch_alter_table('care_entry', schema=None) as batch_op:
        batch_op.create_index('ix_care_entry_active_due', ['ended_on', 'next_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_entry_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_entry_registered_on'), ['registered_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_entry_staff_id'), ['staff_id'], unique=False)

    op.create_table('deliberation_matter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['deliberation_meeting.id'], name=op.f('fk_deliberation_matter_meeting_id_deliberation_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_deliberation_matter_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_matter'))
    )
    with op.batch_alter_table('deliberation_matter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_matter_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliberation_matter_visit_id'), ['visit_id'], unique=False)

    op.create_table('care_group',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['care_entry.id'], name=op.f('fk_care_group_entry_id_care_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'name', name=op.f('pk_care_group'))
    )
    with op.batch_alter_table('care_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_group_name'), ['name'], unique=False)

    op.create_table('care_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('help_kind', sa.String(length=8), nullable=True),
    sa.Column('help_text', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.Column('changed_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['care_entry.id'], name=op.f('fk_care_visit_entry_id_care_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_care_visit_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_visit'))
    )
    with op.batch_alter_table('care_visit', schema=None) as batch_op:
        batch_op.create_index('ix_care_visit_entry_day', ['entry_id', 'visited_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_visit_visited_on'), ['visited_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('care_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_visit_visited_on'))
        batch_op.drop_index('ix_care_visit_entry_day')

    op.drop_table('care_visit')
    with op.batch_alter_table('care_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_group_name'))

    op.drop_table('care_group')
    with op.batch_alter_table('deliberation_matter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_matter_visit_id'))
        batch_op.drop_index(batch_op.f('ix_deliberation_matter_meeting_id'))

    op.drop_table('deliberation_matter')
    with op.batch_alter_table('care_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_entry_staff_id'))
        batch_op.drop_index(batch_op.f('ix_care_entry_registered_on'))
        batch_op.drop_index(batch_op.f('ix_care_entry_community_id'))
        batch_op.drop_index('ix_care_entry_active_due')

    op.drop_table('care_entry')
    with op.batch_alter_table('deliberation_action', schema=None) as batch_op:
        batch_op.drop_index('ix_deliberation_action_open_due')
        batch_op.drop_index(batch_op.f('ix_deliberation_action_meeting_id'))

    op.drop_table('deliberation_action')
    with op.batch_alter_table('deliberation_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_meeting_held_on'))

    op.drop_table('deliberation_meeting')
