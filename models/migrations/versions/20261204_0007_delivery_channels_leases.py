"""Delivery: contact channel blocks (bounces), broken Zalo credentials, channel outages, the scheduler lease,
and the "unknown" delivery status (a send whose sender died mid-flight).

Plain ADD COLUMN / CREATE TABLE only, except the CHECK constraint of ``deliveries.status``: on SQLite it is
rebuilt by a batch copy of ``deliveries`` alone, a leaf table (no foreign key points at it), so the copy
cascades nothing and keeps every row.

Revision ID: 0007_delivery
Revises: 0006_dates
Create Date: 2026-12-04 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_delivery'
down_revision: str | None = '0006_dates'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('sending', 'sent', 'failed')"
NEW_STATUSES = "status IN ('sending', 'sent', 'failed', 'unknown')"


def _status_check(condition: str) -> None:
    name = op.f('ck_deliveries_status')
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('deliveries', recreate='always') as batch_op:
            batch_op.drop_constraint('status', type_='check')
            batch_op.create_check_constraint('status', condition)  # named ck_deliveries_status by convention
        return
    op.drop_constraint(name, 'deliveries', type_='check')
    op.create_check_constraint('status', 'deliveries', condition)


def upgrade() -> None:
    op.add_column('contacts', sa.Column('channel_blocks', sa.JSON(), nullable=True))
    op.add_column('zalo_credentials', sa.Column('broken_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('zalo_credentials', sa.Column('broken_reason', sa.Text(), nullable=True))
    op.add_column('zalo_credentials', sa.Column('broken_alerted_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('channel_outages',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('admin_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('channel', name=op.f('pk_channel_outages'))
    )
    op.create_table('scheduler_leases',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('token', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases'))
    )
    _status_check(NEW_STATUSES)


def downgrade() -> None:
    op.execute("UPDATE deliveries SET status = 'failed' WHERE status = 'unknown'")
    _status_check(OLD_STATUSES)
    op.drop_table('scheduler_leases')
    op.drop_table('channel_outages')
    # Plain DROP COLUMN: a batch copy of contacts would cascade-delete its reminders on SQLite.
    op.drop_column('zalo_credentials', 'broken_alerted_at')
    op.drop_column('zalo_credentials', 'broken_reason')
    op.drop_column('zalo_credentials', 'broken_at')
    op.drop_column('contacts', 'channel_blocks')
