"""When reminders fire for one occurrence: a pure computation from its effective due date and the rules.

Nothing here reads the clock or the database: the caller passes the working-day test and the time zone.
Days are counted in *working days* (Saturday, Sunday and public holidays skipped, make-up Saturdays
counted) because officials plan their work in them; the send time is a local wall-clock time converted
to UTC once, at the end, because Vietnam has no DST but the stored values are UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from deadlines.workdays import IsWorkingDay, on_or_before, step_working_days


@dataclass(frozen=True)
class Rules:
    """The reminder policy for one plan and agency (config/policy.toml, resolved by ``scheduler.rules``).

    ``lead_days``: working days before the effective due date (0 is the day itself).
    ``overdue_every``/``overdue_times``: repeats after the due date, then one escalation if ``escalate``.
    """

    lead_days: tuple[int, ...] = (7, 3, 1, 0)
    send_at: time = time(8, 0)
    overdue_every: int = 3
    overdue_times: int = 3
    escalate: bool = True
    digest: bool = False
    include_support: bool = False
    escalate_to: tuple[str, ...] = ("head", "focal_point")
    working_days_only: bool = True  # False: lead and overdue days are calendar days
    timezone: str = "Asia/Ho_Chi_Minh"

    def __post_init__(self) -> None:
        if any(d < 0 for d in self.lead_days):
            raise ValueError(f"lead_days must not be negative: {self.lead_days}")
        if self.overdue_every < 1 and self.overdue_times > 0:
            raise ValueError("overdue_every must be at least 1 working day")


@dataclass(frozen=True)
class Fire:
    """One planned send. ``offset`` is in working days relative to the due date: +3 = three days before,
    0 = the day itself, -3 = three days late. It is part of the reminder's idempotency key."""

    kind: str  # before | due | overdue | escalation
    offset: int
    day: date
    at: datetime  # UTC


def local_instant(day: date, at: time, tz: str) -> datetime:
    """``day`` at local wall-clock ``at`` in ``tz``, returned in UTC (the form stored in the outbox)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def schedule(effective_due: date, rules: Rules, is_working_day: IsWorkingDay) -> list[Fire]:
    """Every planned send for one occurrence, earliest first, at most one per day.

    Before/due: the due day counts as offset 0 when it is a working day (otherwise the last working day
    before it does); offset n > 0 is the n-th working day before that. Two offsets landing on one day keep
    the smaller (more urgent) one. Overdue: every ``overdue_every`` working days after the due date,
    ``overdue_times`` times, then one escalation ``overdue_every`` working days after the last overdue.
    """
    if not rules.working_days_only:
        is_working_day = _every_day
    anchor = on_or_before(effective_due, is_working_day)
    by_day: dict[date, tuple[str, int]] = {}
    for lead in sorted(set(rules.lead_days), reverse=True):
        day = anchor if lead == 0 else step_working_days(anchor, -lead, is_working_day)
        by_day[day] = ("due" if lead == 0 else "before", lead)
    for n, day in enumerate(_after(effective_due, rules, is_working_day), start=1):
        kind = "escalation" if n > rules.overdue_times else "overdue"
        by_day.setdefault(day, (kind, -n * rules.overdue_every))
    return [Fire(kind, offset, day, local_instant(day, rules.send_at, rules.timezone))
            for day, (kind, offset) in sorted(by_day.items())]


def _every_day(day: date) -> bool:
    return True


def _after(effective_due: date, rules: Rules, is_working_day: IsWorkingDay) -> Iterator[date]:
    count = rules.overdue_times + (1 if rules.escalate else 0)
    day = effective_due
    for _ in range(count):
        day = step_working_days(day, rules.overdue_every, is_working_day)
        yield day


def snooze_day(today: date, working_days: int, is_working_day: IsWorkingDay) -> date:
    """The day a snoozed reminder comes back: ``working_days`` working days after ``today``."""
    return step_working_days(today, max(working_days, 1), is_working_day)


def local_day(instant: datetime, tz: str) -> date:
    """The local calendar day of an aware instant."""
    return instant.astimezone(ZoneInfo(tz)).date()

