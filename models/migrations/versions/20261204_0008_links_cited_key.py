"""Cross-plan links by index: ``milestones.cited_key``, the number a by_reference milestone cites.

Linking a newly imported plan to the milestones of other plans that cite it read every by_reference milestone
of the database on each import (an import of 1,000 plans grew quadratic). The key is filled for the rows
already there from their stored reference, with the same folding the application uses.

Revision ID: 0008_links
Revises: 0007_delivery
Create Date: 2026-12-04 19:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_links'
down_revision: str | None = '0007_delivery'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from workrules.links import cited_key  # the application's own folding of document numbers

    op.add_column('milestones', sa.Column('cited_key', sa.String(length=100), nullable=True))
    op.create_index(op.f('ix_milestones_cited_key'), 'milestones', ['cited_key'], unique=False)
    milestones = sa.table('milestones', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                          sa.column('reference', sa.JSON), sa.column('cited_key', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(milestones.c.id, milestones.c.kind, milestones.c.reference)
                        .where(milestones.c.kind == 'by_reference')).all()
    keyed = [{"row_id": row.id, "key": key} for row in rows if (key := cited_key(row.kind, row.reference))]
    if keyed:
        bind.execute(milestones.update().where(milestones.c.id == sa.bindparam("row_id"))
                     .values(cited_key=sa.bindparam("key")), keyed)


def downgrade() -> None:
    op.drop_index(op.f('ix_milestones_cited_key'), table_name='milestones')
    op.drop_column('milestones', 'cited_key')  # plain ALTER TABLE: a batch copy would cascade deletes on SQLite
