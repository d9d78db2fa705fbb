"""staff accounts: login, password hash, lockout, several roles per person

Revision ID: 0009_accounts
Revises: 0008_audit
Create Date: 2026-12-02 09:00:00

Accounts are the staff records. Every member of staff keeps the role they had
(copied into ``staff_role``); nobody has a login until the administrator
gives one, so no password exists anywhere after the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_accounts'
down_revision: str | None = '0008_audit'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('password_hash', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('failed_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_staff_login'), ['login'])
    op.create_table(
        'staff_role',
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_role_staff_id_staff'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('staff_id', 'role', name=op.f('pk_staff_role')),
    )
    op.execute("INSERT INTO staff_role (staff_id, role) SELECT id, role FROM staff WHERE role IS NOT NULL")


def downgrade() -> None:
    op.drop_table('staff_role')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_staff_login'), type_='unique')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_attempts')
        batch_op.drop_column('password_hash')
        batch_op.drop_column('login')
