"""Read models for the pages: live occurrences with their task, plan and agencies, and on-time rates.

"Live" is models.live's definition, the one feeds and reminders use; the day shown is ``models.live.shown_day``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Agency, Assignment, Milestone, Occurrence, OccurrenceStatus, Plan, Role, Task
from models.live import days_late, done_day, live_occurrences, shown_day, with_groups
from models.responsibility import assigned_to


@dataclass(frozen=True)
class Item:
    occurrence: Occurrence
    day: date

    @property
    def milestone(self) -> Milestone:
        return self.occurrence.milestone

    @property
    def task(self) -> Task:
        return self.occurrence.milestone.task

    @property
    def done(self) -> bool:
        return self.occurrence.status == OccurrenceStatus.DONE

    def overdue(self, today: date) -> bool:
        return not self.done and self.day < today

    def leads(self) -> list[Agency]:
        return [a.agency for a in self.task.assignments if a.role == Role.LEAD]

    def supports(self) -> list[Agency]:
        return [a.agency for a in self.task.assignments if a.role == Role.SUPPORT]


def local_today(now: datetime, timezone: str) -> date:
    """The calendar day of ``now`` where the officials are (HANCHOT_TIMEZONE)."""
    return now.astimezone(ZoneInfo(timezone)).date()


def items(session: Session, *, start: date | None = None, end: date | None = None,
          agency_id: int | None = None, roles: tuple[str, ...] = (Role.LEAD, Role.SUPPORT, Role.SYNTHESIS),
          open_only: bool = False, within: set[int] | None = None) -> list[Item]:
    """Live occurrences whose shown day is in [start, end], optionally of one agency (and its groups) or of
    tasks assigned to any agency of ``within`` (what a visitor may see), sorted by day."""
    query = live_occurrences()
    for ids in ([with_groups(session, [agency_id])] if agency_id is not None else []) + \
            ([within] if within is not None else []):
        query = query.where(assigned_to(ids, roles))
    if open_only:
        query = query.where(Occurrence.status == OccurrenceStatus.OPEN)
    found = [Item(o, shown_day(o)) for o in session.scalars(query).unique()]
    found = [i for i in found if (start is None or i.day >= start) and (end is None or i.day <= end)]
    return sorted(found, key=lambda i: (i.day, i.task.plan_id, i.task.position, i.milestone.position))


def overdue(session: Session, today: date, within: set[int] | None = None) -> list[Item]:
    """Open deadlines whose day has passed, newest first."""
    return newest_overdue(items(session, end=today, open_only=True, within=within), today)


def newest_overdue(found: list[Item], today: date) -> list[Item]:
    """The overdue ones of ``found``, newest first: the order of the dashboard and of the deadline list, where
    what slipped yesterday matters more than what slipped years ago."""
    return sorted((i for i in found if i.overdue(today)), key=lambda i: i.day, reverse=True)


@dataclass(frozen=True)
class Rate:
    """Per lead agency: deadlines due so far, those met (judged against the extended date when extended), and
    how many of the due ones were extended (counted apart: met after an extension is met, but it was asked for)."""

    agency: Agency
    due: int
    on_time: int
    extended: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.on_time / self.due) if self.due else 0


def on_time_rates(session: Session, year: int, today: date, timezone: str) -> list[Rate]:
    """Per lead agency: occurrences of ``year`` due by today, how many were done on or before their day (the
    extended one when extended), and how many of them were extended."""
    counts: dict[int, list[int]] = {}
    agencies: dict[int, Agency] = {}
    zone = ZoneInfo(timezone)
    for item in items(session, start=date(year, 1, 1), end=min(today, date(year, 12, 31))):
        if item.day >= today and not item.done:
            continue  # not due yet: neither late nor on time
        on_time = item.done and days_late(done_day(item.occurrence, zone), item.day) == 0
        for agency in item.leads():
            agencies[agency.id] = agency
            tally = counts.setdefault(agency.id, [0, 0, 0])
            tally[0] += 1
            tally[1] += int(on_time)
            tally[2] += int(item.occurrence.moved_to is not None)
    rates = [Rate(agencies[i], due, ok, extended) for i, (due, ok, extended) in counts.items()]
    return sorted(rates, key=lambda r: (-r.percent, r.agency.name))


def plan_with_everything(session: Session, plan_id: int) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.id == plan_id).options(
        selectinload(Plan.tasks).selectinload(Task.milestones).selectinload(Milestone.occurrences),
        selectinload(Plan.tasks).selectinload(Task.assignments).joinedload(Assignment.agency)))
