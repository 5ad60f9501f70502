"""Dates you can trust: event offsets, day-rule bases, cross-plan links, extensions, change stamps, rules state.

- ``milestones.event_offset`` (the time allowed after an event), ``milestones.basis`` (a recurring milestone as
  read, before day rules), ``milestones.linked_plan_id`` (the plan a by_reference milestone cites).
- ``milestones.changed_at`` / ``occurrences.changed_at``: when what a calendar shows last changed; existing
  rows start from their ``updated_at``.
- ``extensions``: extension requests and grants (gia hạn) of one occurrence.
- ``rules_state``: the fingerprint of the work rules the stored dates were computed from.

Revision ID: 0005_dates
Revises: 0004_formats
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_dates'
down_revision: str | None = '0004_formats'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_offset', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('basis', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('linked_plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_milestones_linked_plan_id_plans'), 'plans', ['linked_plan_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_milestones_linked_plan_id'), ['linked_plan_id'], unique=False)
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE milestones SET changed_at = updated_at")
    op.execute("UPDATE occurrences SET changed_at = updated_at")
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.alter_column('changed_at', existing_type=sa.DateTime(timezone=True), nullable=False)
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.alter_column('changed_at', existing_type=sa.DateTime(timezone=True), nullable=False)

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
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_linked_plan_id'))
        batch_op.drop_constraint(batch_op.f('fk_milestones_linked_plan_id_plans'), type_='foreignkey')
        batch_op.drop_column('changed_at')
        batch_op.drop_column('linked_plan_id')
        batch_op.drop_column('basis')
        batch_op.drop_column('event_offset')
