"""Dates you can trust: event offsets, day-rule bases, cross-plan links, extensions, change stamps, rules state.

- ``milestones.event_offset`` (the time allowed after an event), ``milestones.basis`` (a recurring milestone as
  read, before day rules), ``milestones.linked_plan_id`` (the plan a by_reference milestone cites: a soft
  reference, resolved again on every import, so no foreign key).
- ``milestones.changed_at`` / ``occurrences.changed_at``: when what a calendar shows last changed; existing
  rows start from their ``updated_at``.
- ``extensions``: extension requests and grants (gia hạn) of one occurrence.
- ``rules_state``: the fingerprint of the work rules the stored dates were computed from.

Revision ID: 0006_dates
Revises: 0005_reader
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_dates'
down_revision: str | None = '0005_reader'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
EPOCH = sa.text("'1970-01-01 00:00:00'")  # only for the rows already there; every row gets its updated_at


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: on SQLite a batch copy of milestones or occurrences would drop the old table,
    # and with foreign keys on that deletes (cascades) every occurrence, reminder and delivery under it.
    op.add_column('milestones', sa.Column('event_offset', sa.JSON(), nullable=True))
    op.add_column('milestones', sa.Column('basis', sa.JSON(), nullable=True))
    op.add_column('milestones', sa.Column('linked_plan_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_milestones_linked_plan_id'), 'milestones', ['linked_plan_id'], unique=False)
    for table in ('milestones', 'occurrences'):
        op.add_column(table, sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False,
                                       server_default=EPOCH))
        op.execute(f"UPDATE {table} SET changed_at = updated_at")
        if op.get_bind().dialect.name != 'sqlite':  # SQLite cannot drop a default without copying the table
            op.alter_column(table, 'changed_at', server_default=None)

    op.create_table('extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('previous_due', sa.Date(), nullable=False),
    sa.Column('new_due', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('requested_by', sa.String(length=255), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=255), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('requested', 'approved', 'rejected', 'withdrawn')", name=op.f('ck_extensions_status')),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrences.id'], name=op.f('fk_extensions_occurrence_id_occurrences'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extensions'))
    )
    with op.batch_alter_table('extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extensions_occurrence_id'), ['occurrence_id'], unique=False)

    op.create_table('rules_state',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_rules_state'))
    )


def downgrade() -> None:
    op.drop_table('rules_state')
    with op.batch_alter_table('extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extensions_occurrence_id'))
    op.drop_table('extensions')
    for table in ('occurrences', 'milestones'):
        op.drop_column(table, 'changed_at')
    op.drop_index(op.f('ix_milestones_linked_plan_id'), table_name='milestones')
    op.drop_column('milestones', 'linked_plan_id')
    op.drop_column('milestones', 'basis')
    op.drop_column('milestones', 'event_offset')
