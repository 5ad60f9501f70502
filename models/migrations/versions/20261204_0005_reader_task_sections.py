"""Tasks keep the section headings they fall under and the columns of their table that have no role.

- ``tasks.section``: the headings as written, joined ("B > IV > 5.1"); NULL for existing rows and for tasks of
  tables without sections.
- ``tasks.extra``: the task's other columns by their header ({"Nguồn kinh phí": "…", "Ghi chú": "…"}); NULL when
  there are none, and for existing rows (their plans were read before these columns were kept: a re-import
  fills them).

Revision ID: 0005_reader
Revises: 0004_units
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_reader'
down_revision: str | None = '0004_units'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('extra', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('extra')
        batch_op.drop_column('section')
