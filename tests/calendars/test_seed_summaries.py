"""Calendar summaries tell events apart: in every feed of the five seed plans no two events share their day and
their summary, summaries carry the task's number and no "Hạn:" prefix, and a plan feed is named after its plan."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.query import Scope, build_feed, feed_name
from config.agencies import AgencyDirectory
from models import Assignment, FeedScope, Plan
from tests.calendars.seeds import BASE_URL, import_and_publish, seed_paths


@pytest.mark.slow
def test_every_event_of_every_seed_feed_has_a_day_and_summary_of_its_own(session: Session) -> None:
    directory = AgencyDirectory.load()
    plan_ids = [import_and_publish(session, path, directory).plan_id for path in seed_paths()]
    agency_ids = sorted(set(session.scalars(select(Assignment.agency_id))))
    scopes = [Scope(FeedScope.PROVINCE), *(Scope(FeedScope.PLAN, i) for i in plan_ids),
              *(Scope(FeedScope.AGENCY, i) for i in agency_ids)]
    events = 0
    for scope in scopes:
        feed = build_feed(session, scope, base_url=BASE_URL)
        shared = [pair for pair, n in Counter((e.day, e.summary) for e in feed.events).items() if n > 1]
        assert shared == [], (scope, shared[:3])
        assert not any(e.summary.startswith(("Hạn:", "✓ Đã hoàn thành – Hạn:")) for e in feed.events)
        events += len(feed.events)
    assert events > 1000  # the feeds were not empty
    numbered = build_feed(session, Scope(FeedScope.PLAN, plan_ids[0]), base_url=BASE_URL).events
    assert sum(e.summary[:1].isdigit() or e.summary[:2].isupper() for e in numbered) > len(numbered) / 2
    for plan_id in plan_ids:
        plan = session.get(Plan, plan_id)
        assert plan.title[:20] in feed_name(session, Scope(FeedScope.PLAN, plan_id))
