"""indexes for the mediation room's list of routed visits at a million visits

Revision ID: 0015_speed2
Revises: 0014_kiosk
Create Date: 2026-12-01 11:30:00

``routed_visits`` (the 调解案件 page's 待立案 list) asks, for each visit it shows,
whether one of its tickets went to the counselling room; with only the one-column
indexes SQLite walked every counselling ticket for each visit (1.7 s at a million
visits). ``(visit_id, room_id)`` answers that from the index. ``(room_id, result,
ticket_date)`` finds the mediation room's recent 立案调解 tickets without reading
all the room's tickets.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0015_speed2'
down_revision: str | None = '0014_kiosk'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_referral_visit_room', 'referral', ['visit_id', 'room_id'], unique=False)
    op.create_index('ix_referral_room_result_day', 'referral',
                    ['room_id', 'result', 'ticket_date'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_referral_room_result_day', table_name='referral')
    op.drop_index('ix_referral_visit_room', table_name='referral')
