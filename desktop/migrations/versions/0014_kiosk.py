"""tickets taken at the self-service kiosk (自助取号)

Revision ID: 0014_kiosk
Revises: 0013_session_staff
Create Date: 2026-12-02 10:40:00

The kiosk takes a number from the room's daily ticket counter; the desk then
registers the resident and the visit's ticket keeps that number.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014_kiosk'
down_revision: str | None = '0013_session_staff'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kiosk_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('ticket_date', sa.Date(), nullable=False),
    sa.Column('ticket_seq', sa.Integer(), nullable=False),
    sa.Column('ticket_no', sa.String(length=16), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_kiosk_ticket_category_id_category')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['staff.id'], name=op.f('fk_kiosk_ticket_closed_by_id_staff')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_kiosk_ticket_referral_id_referral')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_kiosk_ticket_room_id_room')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_kiosk_ticket_visit_id_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_ticket')),
    sa.UniqueConstraint('room_id', 'ticket_date', 'ticket_seq', name=op.f('uq_kiosk_ticket_room_id'))
    )
    with op.batch_alter_table('kiosk_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_ticket_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index('ix_kiosk_ticket_status_ticket_date', ['status', 'ticket_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_kiosk_ticket_visit_id'), ['visit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('kiosk_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_ticket_visit_id'))
        batch_op.drop_index('ix_kiosk_ticket_status_ticket_date')
        batch_op.drop_index(batch_op.f('ix_kiosk_ticket_referral_id'))

    op.drop_table('kiosk_ticket')
