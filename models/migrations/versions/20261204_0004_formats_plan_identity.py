"""Plan identity (one row per plan, even under concurrent imports), kept agency fixes, plan revisions.

- ``plans.identity_key``: models.identity.plan_identity of each plan, under a unique index. Plans that the old
  look-up stored twice (two imports at once, or a plan's text and Word renderings) are de-duplicated first: the
  copy to keep is the published one, else the one with the admin's work, else the newest; a copy holding work of
  its own (an occurrence marked done or moved, a milestone fixed by hand, a feed link) is never deleted: the
  upgrade stops and names the plans instead.
- ``assignments.manual``: the admin chose this agency; re-imports and revisions keep it.
- ``plan_revisions``: a re-upload of a published plan waiting for review, and the version publishing replaced.

Revision ID: 0004_formats
Revises: 0004_access
Create Date: 2026-12-04 13:30:00
"""

import logging
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from config.errors import UserError
from models.identity import plan_identity

revision: str = '0004_formats'
down_revision: str | None = '0004_access'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

_WORK = {
    "occurrences": "SELECT DISTINCT t.plan_id FROM occurrences o JOIN milestones m ON m.id = o.milestone_id "
                   "JOIN tasks t ON t.id = m.task_id WHERE o.status IN ('done', 'moved')",
    "milestones": "SELECT DISTINCT t.plan_id FROM milestones m JOIN tasks t ON t.id = m.task_id "
                  "WHERE m.manual_override IS NOT NULL OR m.event_date IS NOT NULL",
    "feed links": "SELECT DISTINCT plan_id FROM feed_tokens WHERE plan_id IS NOT NULL",
}


def upgrade() -> None:
    # De-duplicate (or refuse) before any DDL: SQLite runs DDL outside a transaction, so a refusal must come
    # while nothing has changed yet.
    identities = _deduplicate(op.get_bind())
    op.add_column('plans', sa.Column('identity_key', sa.String(length=64), nullable=True))
    op.add_column('assignments', sa.Column('manual', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('plan_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('live_plan_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'previous')", name=op.f('ck_plan_revisions_state')),
    sa.ForeignKeyConstraint(['live_plan_id'], ['plans.id'], name=op.f('fk_plan_revisions_live_plan_id_plans'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_revisions_plan_id_plans'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_revisions')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_plan_revisions_plan_id'))
    )
    op.create_index(op.f('ix_plan_revisions_live_plan_id'), 'plan_revisions', ['live_plan_id'], unique=False)
    for plan_id, identity in identities.items():
        op.get_bind().execute(sa.text("UPDATE plans SET identity_key = :key WHERE id = :id"),
                              {"key": identity, "id": plan_id})
    op.create_index('uq_plans_identity_key', 'plans', ['identity_key'], unique=True)


def _deduplicate(connection: sa.Connection) -> dict[int, str]:
    """Delete the duplicate plans that hold nothing of their own; the identity of every plan that stays."""
    rows = connection.execute(sa.text(
        "SELECT id, number, issuer, title, plan_year, status FROM plans ORDER BY id")).all()
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[plan_identity(row.number, row.issuer, row.title, row.plan_year)].append(row)
    worked: dict[int, list[str]] = defaultdict(list)
    if any(len(group) > 1 for group in groups.values()):
        for what, query in _WORK.items():
            for (plan_id,) in connection.execute(sa.text(query)):
                worked[plan_id].append(what)
    doomed: list[int] = []
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = max(group, key=lambda r: (r.status == 'published', bool(worked[r.id]), r.id))
        for row in group:
            if row.id == keep.id:
                continue
            if worked[row.id]:
                ids = " và ".join(f"#{r.id}" for r in group)
                raise UserError(
                    f"Không nâng cấp được: các kế hoạch {ids} là cùng một kế hoạch ({row.number or row.title[:80]}, "
                    f"năm {row.plan_year}) và bản #{row.id} có dữ liệu riêng ({', '.join(worked[row.id])}); hãy "
                    f"xóa hoặc chuyển dữ liệu sang bản #{keep.id} rồi chạy lại 'hanchot db upgrade'.")
            doomed.append(row.id)
            log.warning("plan #%s is a duplicate of plan #%s with no work of its own: deleted", row.id, keep.id)
    if doomed:  # foreign keys cascade to tasks, milestones, occurrences and their reminders
        connection.execute(sa.text("DELETE FROM plans WHERE id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)), {"ids": doomed})
    gone = set(doomed)
    return {row.id: identity for identity, group in groups.items() for row in group if row.id not in gone}


def downgrade() -> None:
    op.drop_index('uq_plans_identity_key', table_name='plans')
    op.drop_index(op.f('ix_plan_revisions_live_plan_id'), table_name='plan_revisions')
    # The rows of revisions are plans of their own: without this table they would look like stray drafts.
    op.execute("DELETE FROM plans WHERE id IN (SELECT plan_id FROM plan_revisions)")
    op.drop_table('plan_revisions')
    op.drop_column('assignments', 'manual')
    op.drop_column('plans', 'identity_key')
