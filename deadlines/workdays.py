"""Working days of Vietnamese state bodies: Monday to Friday, minus public holidays, plus announced swaps.

Built on the ``holidays`` package's Vietnamese calendar (Tết, nghỉ bù, announced swaps and make-up
Saturdays) corrected by a local override table (docs/working-days.md §7–§8): an extra day off wins over the
package, an extra working day wins over everything. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import holidays

ONE_DAY = dt.timedelta(days=1)
MAX_SCAN_DAYS = 400  # a year of holidays can never hide a working day for longer than this
IsWorkingDay = Callable[[dt.date], bool]
SATURDAY, SUNDAY = 5, 6
WEEKDAY_REST_VI = {SATURDAY: "Thứ Bảy", SUNDAY: "Chủ nhật"}

# The package marks 24/11 (Ngày Văn hóa Việt Nam) off from 2026 on the strength of NQ 80-NQ/TW, but the
# change to BLLĐ Điều 112 is unconfirmed (docs/working-days.md §4): it counts only when the override table
# says so. Its nghỉ bù carries the same name with a suffix, so we match on the prefix.
UNCONFIRMED_HOLIDAY_PREFIXES = ("Ngày Văn hóa Việt Nam",)


class WorkCalendar:
    """Which days a state body works, and date arithmetic on those days.

    ``extra_off`` and ``extra_work`` map a date to the Vietnamese reason shown to users
    (e.g. "Nghỉ Tết Dương lịch, hoán đổi"). A date in ``extra_work`` is a working day whatever else says.
    """

    def __init__(self, extra_off: Mapping[dt.date, str] | None = None,
                 extra_work: Mapping[dt.date, str] | None = None) -> None:
        self._extra_off = {_as_date(day): reason for day, reason in (extra_off or {}).items()}
        self._extra_work = {_as_date(day): reason for day, reason in (extra_work or {}).items()}
        # Vietnamese names; years load on demand (observed=True by default gives nghỉ bù).
        self._vn = holidays.country_holidays("VN", language="vi")

    @property
    def extra_off(self) -> Mapping[dt.date, str]:
        return dict(self._extra_off)

    @property
    def extra_work(self) -> Mapping[dt.date, str]:
        return dict(self._extra_work)

    def is_working_day(self, day: dt.date) -> bool:
        return self.reason(day) is None

    def reason(self, day: dt.date) -> str | None:
        """Why ``day`` is not a working day, in Vietnamese; None when it is one.

        Order: an override working day, an override day off, a (confirmed) package holiday, a package
        make-up Saturday, then the weekly rest day.
        """
        day = _as_date(day)
        if day in self._extra_work:
            return None
        if day in self._extra_off:
            return self._extra_off[day]
        names = self._package_holidays(day)
        if names:
            return "; ".join(names)
        if day.weekday() in WEEKDAY_REST_VI and day not in self._vn.weekend_workdays:
            return WEEKDAY_REST_VI[day.weekday()]
        return None

    def on_or_after(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next one (BLDS 2015 Điều 148 k5, by analogy)."""
        return on_or_after(_as_date(day), self.is_working_day)

    def on_or_before(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the previous one (a safe anchor for reminders)."""
        return on_or_before(_as_date(day), self.is_working_day)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (before it when n < 0); ``day`` itself is never counted.

        n = 0 returns ``on_or_after(day)``. "02 ngày làm việc kể từ ngày chốt số liệu 14/9" is
        ``add_working_days(14/9, 2)`` (Điều 147: counting starts the next day).
        """
        day = _as_date(day)
        return self.on_or_after(day) if n == 0 else step_working_days(day, n, self.is_working_day)

    def working_days_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days from ``start`` to ``end``, both included; empty when end < start."""
        start, end = _as_date(start), _as_date(end)
        days = []
        while start <= end:
            if self.is_working_day(start):
                days.append(start)
            start += ONE_DAY
        return days

    def count_working_days(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie from ``start`` to ``end``, both included."""
        return len(self.working_days_between(start, end))

    def _package_holidays(self, day: dt.date) -> list[str]:
        # get_list() loads the year on demand, which also fills weekend_workdays for that year.
        return [name for name in self._vn.get_list(day) if not name.startswith(UNCONFIRMED_HOLIDAY_PREFIXES)]


def step_working_days(day: dt.date, n: int, is_working_day: IsWorkingDay) -> dt.date:
    """The |n|-th working day after ``day`` (before it when n < 0), ``day`` itself not counted: the one
    working-day stepper (the calendar's arithmetic, the reminder planner's lead and overdue days).

    ``is_working_day`` is usually ``WorkCalendar.is_working_day``; the planner passes "every day" when a
    policy counts calendar days. Raises ValueError when no working day turns up (an empty calendar).
    """
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining, scanned = abs(n), 0
    while remaining:
        day += step
        scanned += 1
        if scanned > MAX_SCAN_DAYS * abs(n):
            raise ValueError(f"no working day found near {day}: is the calendar empty?")
        if is_working_day(day):
            remaining -= 1
    return day



def working_days_to(day: dt.date, target: dt.date, is_working_day: IsWorkingDay) -> int:
    """How many working-day steps lead from ``day`` to ``target``: the working days after ``day`` up to and
    including ``target``, negative when ``target`` is earlier (the working days from ``target`` to the day before
    ``day``). The inverse of ``step_working_days`` when ``target`` is a working day."""
    if day <= target:
        return sum(1 for n in range(1, (target - day).days + 1) if is_working_day(day + n * ONE_DAY))
    return -sum(1 for n in range((day - target).days) if is_working_day(target + n * ONE_DAY))

def on_or_after(day: dt.date, is_working_day: IsWorkingDay) -> dt.date:
    """``day`` itself when it is a working day, else the next working day."""
    return day if is_working_day(day) else step_working_days(day, 1, is_working_day)


def on_or_before(day: dt.date, is_working_day: IsWorkingDay) -> dt.date:
    """``day`` itself when it is a working day, else the last working day before it."""
    return day if is_working_day(day) else step_working_days(day, -1, is_working_day)


def _as_date(day: dt.date) -> dt.date:
    """Refuse datetimes: a deadline is a day, and datetime == date comparisons silently fail."""
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"expected a datetime.date, got {type(day).__name__}")
    return day
