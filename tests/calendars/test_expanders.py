"""Our feeds as clients expand them: Mozilla ical.js (Thunderbird) and recurring-ical-events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest

from calendars.feed import FeedCalendar, render

pytestmark = pytest.mark.external_service  # runs node + npm ical.js

DATA = Path(__file__).parent / "data"
YEAR = (date(2026, 1, 1), date(2027, 1, 1))
EXPECTED = {
    "ms-7-20260315@hanchot.test": ["2026-03-15"],
    "ms-9-20260331@hanchot.test": ["2026-03-31"],
    "ms-9-20260630@hanchot.test": ["2026-06-30"],
    "ms-9-20260830@hanchot.test": ["2026-09-03"],
}


def crlf(body: bytes) -> bytes:
    return body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_it_expands_our_feed_to_exactly_our_occurrences_in_both_engines(sample_feed, expand_icaljs, expand_python):
    body = render(sample_feed)
    assert expand_icaljs(body, *YEAR) == EXPECTED
    assert expand_python(body, *YEAR) == EXPECTED


def test_it_places_a_moved_occurrence_on_its_effective_day_under_its_nominal_uid(sample_feed, expand_icaljs):
    found = expand_icaljs(render(sample_feed), date(2026, 8, 1), date(2026, 10, 1))
    assert found == {"ms-9-20260830@hanchot.test": ["2026-09-03"]}


def test_it_lists_an_all_day_deadline_on_one_day_only(sample_feed, expand_icaljs, expand_python):
    # DTEND is exclusive: an off-by-one end would make the deadline show on 16/3 as well.
    for expand in (expand_icaljs, expand_python):
        assert expand(render(sample_feed), date(2026, 3, 16), date(2026, 3, 31)) == {}


def test_it_resolves_timed_events_in_vietnam_time(sample_feed, expand_icaljs, expand_python):
    meeting = replace(sample_feed.events[0], uid="meeting@hanchot.test", at=time(14, 0))
    body = render(FeedCalendar(uid="x@hanchot.test", name="n", description="d", events=[meeting]))
    expected = {"meeting@hanchot.test": ["2026-03-15T07:00:00Z"]}  # 14:00 at UTC+7
    assert expand_icaljs(body, *YEAR) == expected
    assert expand_python(body, *YEAR) == expected


def test_it_agrees_with_python_on_rrule_exdate_and_recurrence_id(expand_icaljs, expand_python):
    # Checks expand.mjs itself on the constructs our own feeds avoid (feed.py docstring).
    body = crlf((DATA / "rrule_overrides.ics").read_bytes())
    expected = {
        "meeting@hanchot.test": ["2026-03-20T07:00:00Z"],
        "quarterly@hanchot.test": ["2026-03-20", "2026-06-22", "2026-12-20"],
    }
    assert expand_icaljs(body, *YEAR) == expected
    assert expand_python(body, *YEAR) == expected
