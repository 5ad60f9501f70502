"""Every agency feed of a small hand-built world, expanded by ical.js and recurring-ical-events, equals the database.

The expected occurrences are read with plain SQL (tests/calendars/seeds.py, not calendars/query.py), so a
wrong filter in the feed query shows up as a difference. test_seed_feeds.py runs the same check on the
imported seed plans.
"""

from __future__ import annotations

from datetime import date

import pytest

from calendars.feed import render
from calendars.lint import lint_ics
from calendars.query import Scope, build_feed
from models import FeedRole, FeedScope
from tests.calendars.seeds import expected_by_year
from tests.calendars.world import BASE_URL, build_world

pytestmark = pytest.mark.external_service  # node + npm ical.js


def test_it_publishes_exactly_the_database_occurrences_for_every_agency_and_year(
        session, expand_icaljs, expand_python):
    world = build_world(session)
    checked = 0
    for agency in (world.tu_phap, world.noi_vu, world.xa):
        body = render(build_feed(session, Scope(FeedScope.AGENCY, agency.id), base_url=BASE_URL))
        assert lint_ics(body) == [], agency.name
        by_year = expected_by_year(session, role=FeedRole.ALL, agency_ids=[agency.id])
        for year in (2025, 2026, 2027):
            expected = by_year.get(year, {})
            window = (date(year, 1, 1), date(year + 1, 1, 1))
            assert expand_icaljs(body, *window) == expected, (agency.name, year)
            assert expand_python(body, *window) == expected, (agency.name, year)
            checked += sum(len(days) for days in expected.values())
    assert checked == 10  # each Sở: 1 once + 3 quarterly (via the group) + 1 on-event; the xã none
