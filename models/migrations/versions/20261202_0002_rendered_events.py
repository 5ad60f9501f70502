"""Rendered VEVENTs kept across restarts, addressed by the digest of their content.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rendered_events',
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('ics', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_rendered_events'))
    )


def downgrade() -> None:
    op.drop_table('rendered_events')
