"""What is live: the one definition feeds, pages and reminders share.

A task is live when its plan is published and the task is not cancelled; a milestone when its task is live
and it is not cancelled itself; an occurrence when its milestone is live and it is not cancelled. Feeds,
pages and the reminder planner all filter with these clauses, so a cancelled or unpublished deadline
disappears from every one of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, tzinfo

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, joinedload

from models.agencies import AgencyGroupMember, Assignment
from models.plans import Milestone, Occurrence, OccurrenceStatus, Plan, PlanStatus, Task

MILESTONE_KEPT: ColumnElement[bool] = Milestone.cancelled_at.is_(None)
LIVE_TASK: tuple[ColumnElement[bool], ...] = (Plan.status == PlanStatus.PUBLISHED, Task.cancelled_at.is_(None))
LIVE_MILESTONE = (*LIVE_TASK, MILESTONE_KEPT)
LIVE_OCCURRENCE = (*LIVE_MILESTONE, Occurrence.status != OccurrenceStatus.CANCELLED)


def is_live(occurrence: Occurrence) -> bool:
    """The occurrence's own part of ``LIVE_OCCURRENCE``, for occurrences already loaded with their milestone."""
    return occurrence.status != OccurrenceStatus.CANCELLED


def live_occurrences() -> Select[tuple[Occurrence]]:
    """Live occurrences with their milestone, task, plan and assigned agencies loaded (add filters to taste)."""
    return (select(Occurrence).join(Occurrence.milestone).join(Milestone.task).join(Task.plan)
            .where(*LIVE_OCCURRENCE)
            .options(joinedload(Occurrence.milestone).joinedload(Milestone.task).joinedload(Task.plan),
                     joinedload(Occurrence.milestone).joinedload(Milestone.task)
                     .selectinload(Task.assignments).joinedload(Assignment.agency)))


def shown_day(occurrence: Occurrence) -> date:
    """The day an occurrence is shown on: its ``effective_due``, the day that counts (an extension's when one
    was granted, moved off a day off), which only the work rules service (``workrules``) computes."""
    return occurrence.effective_due


def with_groups(session: Session, agency_ids: Iterable[int]) -> set[int]:
    """The agencies plus every group they belong to: a task given to "UBND cấp xã" is a task of each commune."""
    ids = set(agency_ids)
    return ids | set(session.scalars(select(AgencyGroupMember.group_id).where(AgencyGroupMember.member_id.in_(ids))))


def done_day(occurrence: Occurrence, zone: tzinfo) -> date | None:
    """The officials' calendar day a done occurrence was closed on; None when it is not done or no time was kept."""
    if occurrence.status != OccurrenceStatus.DONE or occurrence.done_at is None:
        return None
    return occurrence.done_at.astimezone(zone).date()


def days_late(done_on: date | None, due: date) -> int:
    """Days a deadline was closed after the day that counts (``shown_day``, an extension's when granted); 0 is on
    time. The one on-time rule of the dashboard's rates and the progress report."""
    return max(0, (done_on - due).days) if done_on else 0
