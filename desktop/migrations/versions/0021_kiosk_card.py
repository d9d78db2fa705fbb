"""a kiosk ticket carries the ID card read at the kiosk

Revision ID: 0021_kiosk_card
Revises: 0020_pad_rating
Create Date: 2026-12-02 12:00:00

A resident may lay their 居民身份证 on the kiosk's reader before tapping a kind
of matter: the ticket then keeps what the desk needs of the card (name, number,
gender, birth date, address, 民族) until the desk registers or cancels it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021_kiosk_card'
down_revision: str | None = '0020_pad_rating'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('kiosk_ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_name', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('card_id_number', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('card_gender', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('card_birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('card_address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('card_nation', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kiosk_ticket', schema=None) as batch_op:
        for column in ('card_nation', 'card_address', 'card_birth_date', 'card_gender',
                       'card_id_number', 'card_name'):
            batch_op.drop_column(column)
