"""Versions of a published plan that are not live: a re-upload waiting for review, and the version it replaced.

A revision's tasks, milestones and agencies are stored as a plan row of their own (status draft, no identity),
so the review page, the admin's fixes and the diff work on it as on any plan; ``plan_revisions`` says whose
version it is. Publishing a pending revision copies it onto the live plan in one transaction (``ingest.revisions``)
and keeps the live plan's previous content as the ``previous`` revision, which undo copies back.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UtcDateTime, one_of, utcnow, values
from models.plans import Plan


class RevisionState(StrEnum):
    PENDING = "pending"  # uploaded, waiting for the admin to review and publish it
    PREVIOUS = "previous"  # the live plan as it was before the last revision was published: undo restores it


class PlanRevision(Base):
    __tablename__ = "plan_revisions"
    __table_args__ = (one_of("state", values(RevisionState)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The rows of this version; deleting them (discarding the revision) deletes this row too.
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), unique=True)
    live_plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=RevisionState.PENDING)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(foreign_keys=[plan_id])
    live_plan: Mapped[Plan] = relationship(foreign_keys=[live_plan_id])


def own_plans() -> ColumnElement[bool]:
    """The WHERE clause of plans of their own: not the rows of a revision (listed under their live plan)."""
    return Plan.id.not_in(select(PlanRevision.plan_id))
