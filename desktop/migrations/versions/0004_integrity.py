"""one case per visit; a version on every editable record

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 02:30:00

Two desks accepting the same routed visit used to make two cases. A visit now
gets at most one case (a unique index; several NULLs stay allowed for cases
that did not come through the desk). A database that already holds duplicates
keeps every case: the later ones lose their link to the visit and say so in
``source_detail``.

``version`` backs optimistic locking (SQLAlchemy's ``version_id_col``): a form
saved over a record another desk changed meanwhile is refused, not merged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = (
    'person', 'mediation_case', 'case_party', 'mediation_session', 'agreement',
    'follow_up', 'judicial_confirmation',
)


def upgrade() -> None:
    bind = op.get_bind()
    duplicates = bind.execute(sa.text(
        "SELECT c.id FROM mediation_case c WHERE c.visit_id IS NOT NULL AND EXISTS ("
        " SELECT 1 FROM mediation_case o WHERE o.visit_id = c.visit_id AND o.id < c.id)"
    )).scalars().all()
    for case_id in duplicates:
        bind.execute(sa.text(
            "UPDATE mediation_case SET source_detail = substr("
            " coalesce(source_detail, '') || '（重复受理，原来访编号已解除关联）', 1, 128),"
            " visit_id = NULL WHERE id = :id"
        ), {"id": case_id})

    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_visit_id'))
        batch_op.create_index(batch_op.f('ix_mediation_case_visit_id'), ['visit_id'], unique=True)

    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('version', sa.Integer(), nullable=False, server_default='1')
            )


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_visit_id'))
        batch_op.create_index(batch_op.f('ix_mediation_case_visit_id'), ['visit_id'], unique=False)
