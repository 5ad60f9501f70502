"""The recurring deadline's fields and its RFC 5545 text say the same thing, both ways."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr

from web.deps import FormError
from web.recurrence_form import CUSTOM, PERIODS, RecurFields, build, fields_of, normalize, resolve, words


@pytest.mark.parametrize("period", list(PERIODS))
@pytest.mark.parametrize("day", [-1, 1, 20, 31])
def test_fields_built_into_a_rule_read_back_the_same(period: str, day: int) -> None:
    fields = RecurFields(period, -1 if period == "week" else day, date(2026, 12, 31) if day == 20 else None)
    text = build(fields, "DTSTART:20260101")
    assert fields_of(text) == fields
    rule = rrulestr(text, forceset=True)  # dateutil reads what was built
    days = rule.between(datetime(2026, 1, 1), datetime(2026, 12, 31, 23, 59), inc=True)
    assert days and all(d.day == day or day == -1 or period == "week" for d in days)


def test_the_rules_the_reader_writes_are_read_as_fields() -> None:
    assert fields_of("DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;WKST=MO") == \
        RecurFields("quarter", -1)
    assert fields_of("DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=25;WKST=MO") == RecurFields("month", 25)
    two_days = "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=30\nRRULE:FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=2"
    assert fields_of(two_days).period == CUSTOM and "RRULE" in words(fields_of(two_days))
    assert fields_of(None) == RecurFields()


def test_the_old_one_line_box_and_windows_line_ends_are_normalised() -> None:
    loaded = "DTSTART:20250101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1;WKST=MO"
    assert normalize("DTSTART:20250101RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;WKST=MO") == loaded
    assert normalize(loaded.replace("\n", "\r\n") + "\r\n") == loaded


def test_resolve_keeps_what_was_loaded_and_lets_the_changed_side_speak() -> None:
    loaded = "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;WKST=MO"
    same = fields_of(loaded)
    assert resolve(loaded, loaded.replace("\n", "\r\n"), same, 2025) == loaded
    assert resolve(loaded, loaded, RecurFields("year", 15), 2025) == \
        "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15;WKST=MO"
    assert resolve(loaded, "FREQ=WEEKLY;BYDAY=SU", RecurFields("year", 15), 2025) == "FREQ=WEEKLY;BYDAY=SU"
    with pytest.raises(FormError) as refused:
        resolve(None, "", RecurFields(CUSTOM), 2025)
    assert refused.value.field == "rrule"
