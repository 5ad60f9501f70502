"""Reminders that follow a moved date: stale pending ones cancelled now, the new ones planned at once.

A reminder's idempotency key carries the effective due date it was planned for, so planning again after a
date moved inserts the new date's reminders exactly once and never repeats one already sent for that date;
the old date's pending reminders are cancelled here rather than left for the dispatcher to discover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Occurrence, OccurrenceStatus, Reminder, ReminderStatus
from workrules.rules import WorkRules


@dataclass(frozen=True)
class Replanned:
    cancelled: int
    planned: int


def cancel_stale(session: Session, occurrence_ids: Iterable[int]) -> int:
    """Cancel the pending reminders of these occurrences planned for another date than the one in force now
    (or for an occurrence no longer open). Returns how many. Flushes, never commits."""
    ids = sorted(set(occurrence_ids))
    if not ids:
        return 0
    current = {o.id: o for o in session.scalars(select(Occurrence).where(Occurrence.id.in_(ids)))}
    count = 0
    for reminder in session.scalars(select(Reminder).where(Reminder.occurrence_id.in_(ids),
                                                            Reminder.status == ReminderStatus.PENDING)):
        occurrence = current.get(reminder.occurrence_id or -1)
        planned = (reminder.payload or {}).get("due")
        if occurrence is None or occurrence.status != OccurrenceStatus.OPEN \
                or planned != occurrence.effective_due.isoformat():
            reminder.status = ReminderStatus.CANCELLED
            reminder.last_error = (f"the due date moved from {planned} to {occurrence.effective_due.isoformat()}"
                                   if occurrence is not None else "the occurrence is gone")
            count += 1
    session.flush()
    return count


def replan(session: Session, occurrence_ids: Iterable[int], rules: WorkRules, settings: Any,
           now: datetime) -> Replanned:
    """Cancel the stale reminders of these occurrences, commit, and plan the coming days again (idempotent).

    Commits the session (the planner writes its batches in their own transactions).
    """
    from scheduler.outbox import plan_reminders
    from scheduler.runtime import rules_resolver

    cancelled = cancel_stale(session, occurrence_ids)
    session.commit()
    stats = plan_reminders(session, now, rules.calendar.is_working_day, rules_resolver(settings))
    return Replanned(cancelled, stats.inserted + stats.digests)
