"""Every agency feed, expanded by ical.js and by recurring-ical-events, equals the database year by year.

The expected occurrences are read with plain SQL (not through calendars/query.py), so a wrong filter in the
feed query shows up as a difference. When the importer lands, the same check runs on the imported seeds.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from calendars.feed import render
from calendars.lint import lint_ics
from calendars.query import Scope, build_feed
from models import FeedScope
from tests.calendars.world import BASE_URL, build_world

pytestmark = pytest.mark.external_service  # node + npm ical.js

EXPECTED_SQL = text("""
    SELECT DISTINCT m.id, o.due, COALESCE(o.moved_to, o.effective_due)
    FROM occurrences o
    JOIN milestones m ON m.id = o.milestone_id
    JOIN tasks t ON t.id = m.task_id
    JOIN plans p ON p.id = t.plan_id
    JOIN assignments a ON a.task_id = t.id
    WHERE p.status = 'published' AND t.cancelled_at IS NULL AND m.cancelled_at IS NULL
      AND o.status <> 'cancelled'
      AND (a.agency_id = :agency OR a.agency_id IN (
           SELECT group_id FROM agency_group_members WHERE member_id = :agency))
    UNION
    SELECT DISTINCT m.id, m.event_date, m.event_date
    FROM milestones m
    JOIN tasks t ON t.id = m.task_id
    JOIN plans p ON p.id = t.plan_id
    JOIN assignments a ON a.task_id = t.id
    WHERE p.status = 'published' AND t.cancelled_at IS NULL AND m.cancelled_at IS NULL
      AND m.event_date IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM occurrences o WHERE o.milestone_id = m.id)
      AND (a.agency_id = :agency OR a.agency_id IN (
           SELECT group_id FROM agency_group_members WHERE member_id = :agency))
""")


def database_occurrences(session, agency_id: int, year: int) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for milestone_id, nominal, effective in session.execute(EXPECTED_SQL, {"agency": agency_id}):
        nominal, effective = _as_date(nominal), _as_date(effective)
        if effective.year == year:
            found.setdefault(f"ms-{milestone_id}-{nominal:%Y%m%d}@hanchot.test", []).append(effective.isoformat())
    return {uid: sorted(days) for uid, days in sorted(found.items())}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def test_it_publishes_exactly_the_database_occurrences_for_every_agency_and_year(
        session, expand_icaljs, expand_python):
    world = build_world(session)
    checked = 0
    for agency in (world.tu_phap, world.noi_vu, world.xa):
        body = render(build_feed(session, Scope(FeedScope.AGENCY, agency.id), base_url=BASE_URL))
        assert lint_ics(body) == [], agency.name
        for year in (2025, 2026, 2027):
            expected = database_occurrences(session, agency.id, year)
            window = (date(year, 1, 1), date(year + 1, 1, 1))
            assert expand_icaljs(body, *window) == expected, (agency.name, year)
            assert expand_python(body, *window) == expected, (agency.name, year)
            checked += sum(len(days) for days in expected.values())
    assert checked == 10  # each Sở: 1 once + 3 quarterly (via the group) + 1 on-event; the xã none
