"""Planning a published plan into the outbox, compared with an independent day count (tests/scheduler/independent)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models import Reminder
from scheduler.outbox import plan_reminders
from scheduler.planning import Rules
from tests.scheduler.independent import plain_expected, plain_is_working
from tests.scheduler.world import build_world

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NEW_YEAR = datetime(2025, 1, 1, tzinfo=HCM)


def default_rules(plan_number, agency_name):
    return Rules()


def planned(session):
    return {(r.occurrence_id, r.contact_id, r.channel, r.kind, r.lead_days, r.fire_at.astimezone(HCM).date())
            for r in session.scalars(select(Reminder).where(Reminder.kind != "digest"))}


def test_it_plans_a_published_year_like_the_independent_count(session):
    world = build_world(session)
    stats = plan_reminders(session, NEW_YEAR, plain_is_working, default_rules, horizon_days=400)
    expected = set()
    for occurrence in world.occurrences:
        for day, (kind, offset) in plain_expected(occurrence.effective_due).items():
            if kind == "escalation":  # the head of the lead agency; the district has no head, no focal point
                expected.add((occurrence.id, world.head.id, "email", kind, offset, day))
                continue
            for person, channel in [(world.lead, "email"), (world.head, "email"), (world.district, "zalo")]:
                expected.add((occurrence.id, person.id, channel, kind, offset, day))
    assert planned(session) == expected
    assert stats.inserted == len(expected) == 4 * (7 * 3 + 1)
    assert all(r.fire_at.astimezone(HCM).hour == 8 for r in session.scalars(select(Reminder)))


def test_it_plans_the_same_rows_in_many_small_batches_as_in_one(session):
    # Batches of 5 rows: on PostgreSQL each is written apart while the next is built (outbox._Writer).
    world = build_world(session)
    small = plan_reminders(session, NEW_YEAR, plain_is_working, default_rules, horizon_days=400, batch_rows=5,
                           page_size=1)
    rows = planned(session)
    assert small.inserted == small.planned == len(rows) == 4 * (7 * 3 + 1)
    assert {r[0] for r in rows} == {o.id for o in world.occurrences}
    again = plan_reminders(session, NEW_YEAR, plain_is_working, default_rules, horizon_days=400)
    assert again.inserted == 0 and planned(session) == rows


@pytest.mark.slow
def test_it_inserts_nothing_new_when_planning_the_same_days_again(session):
    build_world(session)
    first = plan_reminders(session, NEW_YEAR, plain_is_working, default_rules, horizon_days=400)
    again = plan_reminders(session, NEW_YEAR, plain_is_working, default_rules, horizon_days=400)
    assert first.inserted > 0
    assert again.inserted == 0
    assert session.scalar(select(func.count()).select_from(Reminder)) == first.inserted


def test_it_plans_only_the_coming_days(session):
    world = build_world(session)
    now = datetime(2025, 3, 20, 7, 0, tzinfo=HCM)  # 7 working days before 31/3
    plan_reminders(session, now, plain_is_working, default_rules, horizon_days=0)
    rows = session.scalars(select(Reminder)).all()
    assert {(r.contact_id, r.lead_days) for r in rows} == {(world.lead.id, 7), (world.head.id, 7),
                                                          (world.district.id, 7)}
    assert {r.fire_at for r in rows} == {datetime(2025, 3, 20, 1, 0, tzinfo=UTC)}


def test_it_includes_support_agencies_when_the_policy_says_so(session):
    world = build_world(session)
    now = datetime(2025, 3, 20, 7, 0, tzinfo=HCM)
    plan_reminders(session, now, plain_is_working, lambda p, a: Rules(include_support=True), horizon_days=0)
    assert world.support.id in set(session.scalars(select(Reminder.contact_id)))


def test_it_plans_nothing_for_a_draft_plan_or_a_done_occurrence(session):
    world = build_world(session)
    world.occurrences[0].status = "done"
    session.commit()
    plan_reminders(session, NEW_YEAR, plain_is_working, default_rules, horizon_days=120)
    assert world.occurrences[0].id not in set(session.scalars(select(Reminder.occurrence_id)))
    world.plan.status = "draft"
    session.commit()
    session.execute(Reminder.__table__.delete())
    plan_reminders(session, NEW_YEAR, plain_is_working, default_rules, horizon_days=400)
    assert session.scalar(select(func.count()).select_from(Reminder)) == 0


def test_it_groups_a_digest_reader_into_one_message_per_day(session):
    world = build_world(session, dues=[datetime(2025, 3, 31).date(), datetime(2025, 3, 28).date()])
    world.lead.digest = True
    session.commit()
    now = datetime(2025, 3, 27, 7, 0, tzinfo=HCM)  # 2 working days before 31/3 is 27/3 (no lead 2); 28/3 −1
    plan_reminders(session, now, plain_is_working, default_rules, horizon_days=1)
    digests = session.scalars(select(Reminder).where(Reminder.contact_id == world.lead.id)).all()
    assert [d.kind for d in digests] == ["digest", "digest"]
    by_day = {d.payload["day"]: [i["occurrence_id"] for i in d.payload["items"]] for d in digests}
    # 27/3: 1 day before 28/3; 28/3: due 28/3 and 1 day before 31/3 — one message listing both.
    assert by_day == {"2025-03-27": [world.occurrences[1].id],
                      "2025-03-28": [world.occurrences[1].id, world.occurrences[0].id]}
    assert all(d.occurrence_id is None for d in digests)
