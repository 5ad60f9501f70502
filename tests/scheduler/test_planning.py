"""Planning is checked against an independent count: a plain loop over calendar days with ``holidays``."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from scheduler.planning import Rules, local_instant, schedule
from tests.scheduler.independent import plain_expected, plain_is_working


@pytest.mark.parametrize("year", [2025, 2026])
def test_it_plans_every_due_day_of_a_year_like_a_plain_day_count(year):
    rules = Rules()
    day = date(year, 1, 1)
    while day.year == year:
        fires = schedule(day, rules, plain_is_working)
        assert {f.day: (f.kind, f.offset) for f in fires} == plain_expected(day), day
        assert all(plain_is_working(f.day) for f in fires)
        day += timedelta(days=1)


def test_it_skips_tet_when_counting_back_from_a_february_deadline():
    fires = schedule(date(2025, 2, 5), Rules(), plain_is_working)
    # Tết 27/1–1/2/2025 and the weekends are not counted: 4/2, 3/2, then 24/1, 23/1, 22/1, 21/1, 20/1.
    assert [f.day for f in fires if f.kind == "before"] == [date(2025, 1, 20), date(2025, 1, 24), date(2025, 2, 4)]


def test_it_counts_the_make_up_saturday_as_a_working_day():
    assert plain_is_working(date(2025, 4, 26))
    fires = schedule(date(2025, 4, 28), Rules(lead_days=(1,), overdue_times=0, escalate=False), plain_is_working)
    assert [f.day for f in fires] == [date(2025, 4, 26)]


def test_it_sends_at_eight_local_time_stored_in_utc():
    fires = schedule(date(2025, 3, 31), Rules(), plain_is_working)
    due = next(f for f in fires if f.kind == "due")
    assert due.at == datetime(2025, 3, 31, 1, 0, tzinfo=UTC)
    assert local_instant(date(2025, 3, 31), time(8), "Asia/Ho_Chi_Minh") == due.at


def test_it_moves_the_due_day_reminder_to_friday_when_the_due_day_is_a_sunday():
    fires = schedule(date(2025, 3, 30), Rules(lead_days=(1, 0), overdue_times=0, escalate=False), plain_is_working)
    assert [(f.kind, f.day) for f in fires] == [("before", date(2025, 3, 27)), ("due", date(2025, 3, 28))]


def test_it_stops_after_the_escalation():
    fires = schedule(date(2025, 3, 31), Rules(), plain_is_working)
    assert [f.kind for f in fires] == ["before"] * 3 + ["due"] + ["overdue"] * 3 + ["escalation"]
    assert [f.offset for f in fires][-4:] == [-3, -6, -9, -12]
