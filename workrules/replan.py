"""Reminders that follow a moved date: stale pending ones cancelled now, the new ones planned at once.

A reminder's idempotency key carries the effective due date it was planned for, so planning again after a
date moved inserts the new date's reminders exactly once and never repeats one already sent for that date;
the old date's pending reminders are cancelled here rather than left for the dispatcher to discover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

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

    ids = sorted(set(occurrence_ids))
    cancelled = cancel_stale(session, ids)
    session.commit()
    stats = plan_reminders(session, now, rules.calendar.is_working_day, rules_resolver(settings))
    repeated = cancel_repeats(session, ids, settings.timezone)
    session.commit()
    return Replanned(cancelled, stats.inserted + stats.digests - repeated)


def cancel_repeats(session: Session, occurrence_ids: Iterable[int], timezone: str) -> int:
    """Cancel a pending reminder for the new date when the person already had one about the same occurrence,
    on the same channel, that day (e.g. "3 working days left" sent this morning for the old date and planned
    again for the new one): nobody is told the same thing twice in a day. Flushes; returns how many."""
    ids = sorted(set(occurrence_ids))
    if not ids:
        return 0
    zone = ZoneInfo(timezone)
    seen: set[tuple[int | None, int, str, date]] = set()
    count = 0
    rows = session.scalars(select(Reminder).where(Reminder.occurrence_id.in_(ids),
                                                  Reminder.status != ReminderStatus.CANCELLED)
                           .order_by(Reminder.fire_at, Reminder.id))
    ordered = sorted(rows, key=lambda r: (r.status == ReminderStatus.PENDING, r.fire_at, r.id))  # sent ones first
    for reminder in ordered:
        key = (reminder.occurrence_id, reminder.contact_id, reminder.channel, reminder.fire_at.astimezone(zone).date())
        if key in seen and reminder.status == ReminderStatus.PENDING:
            reminder.status = ReminderStatus.CANCELLED
            reminder.last_error = "this person already had a reminder about this deadline that day"
            count += 1
        seen.add(key)
    session.flush()
    return count
