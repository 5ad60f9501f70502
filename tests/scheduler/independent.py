"""An independent reminder calendar for the tests: a plain loop over days with the ``holidays`` package."""

from datetime import date, timedelta

import holidays

VN = holidays.VN(years=range(2024, 2028))


def plain_is_working(day: date) -> bool:
    return day in VN.weekend_workdays or (day.weekday() < 5 and day not in VN)


def plain_expected(due: date, leads=(7, 3, 1, 0), every=3, times=3) -> dict[date, tuple[str, int]]:
    """Walk day by day, counting working days; written without scheduler.planning on purpose."""
    anchor = due
    while not plain_is_working(anchor):
        anchor -= timedelta(days=1)
    expected: dict[date, tuple[str, int]] = {}
    for lead in sorted(leads, reverse=True):
        day, counted = anchor, 0
        while counted < lead:
            day -= timedelta(days=1)
            counted += plain_is_working(day)
        expected[day] = ("due" if lead == 0 else "before", lead)
    day, counted, n = due, 0, 0
    while n < times + 1:
        day += timedelta(days=1)
        if plain_is_working(day):
            counted += 1
            if counted == every:
                n, counted = n + 1, 0
                expected.setdefault(day, ("escalation" if n > times else "overdue", -n * every))
    return expected
