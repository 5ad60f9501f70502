"""SEQUENCE grows whenever what an event shows changes, including text that comes from its task, plan or agencies.

Tasks have no SEQUENCE of their own: every writer of a shown field (the importer, the assignment and agency
editors) calls models.plans.shown_text_changed for the tasks it touched, as these tests do after each edit.
The writers themselves are tested with it in tests/calendars/test_feed_reimport.py and tests/web/test_admin_edits.py.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from calendars.query import Scope
from models import Assignment, FeedScope
from models.plans import shown_text_changed
from tests.calendars.seeds import feed_events
from tests.calendars.world import build_world, uid

PROVINCE = Scope(FeedScope.PROVINCE)


def sequences(session) -> dict[str, int]:
    return {u: int(e["sequence"]) for u, e in feed_events(session, PROVINCE).items()}


def test_it_bumps_only_the_events_of_a_task_whose_content_changes(session):
    world = build_world(session)
    before = sequences(session)
    world.once.task.content = "Ban hành quy chế phối hợp liên ngành"
    shown_text_changed([world.once.task])
    shown_text_changed([world.once.task])  # a second call in the same flush bumps nothing more
    session.commit()
    after = sequences(session)
    changed = {u for u in after if after[u] != before[u]}
    assert changed == {uid(world.once, date(2026, 3, 15))}
    assert after[uid(world.once, date(2026, 3, 15))] == before[uid(world.once, date(2026, 3, 15))] + 1


def test_it_bumps_the_events_of_a_task_whose_product_or_deadline_text_changes(session):
    world = build_world(session)
    event = uid(world.on_event, date(2026, 5, 11))
    first = sequences(session)[event]
    world.on_event.task.product = "Báo cáo hội nghị"
    shown_text_changed([world.on_event.task])
    session.commit()
    second = sequences(session)[event]
    world.on_event.task.deadline_text = "Khi có văn bản hướng dẫn của Bộ"
    shown_text_changed([world.on_event.task])
    session.commit()
    assert first < second < sequences(session)[event]


def test_it_bumps_the_events_of_a_task_assigned_to_another_agency(session):
    world = build_world(session)
    event = uid(world.once, date(2026, 3, 15))
    before = feed_events(session, PROVINCE)[event]
    [support] = [a for a in world.once.task.assignments if a.role == "support"]
    support.agency_id = world.xa.id  # the admin remaps a name the importer resolved wrongly (web/admin_review_edits.py)
    shown_text_changed([world.once.task])
    session.commit()
    session.expire_all()  # as the next request's session would: read the new agency back
    after = feed_events(session, PROVINCE)[event]
    assert "UBND xã Hoàng Phú" in str(after["description"]) and after["sequence"] == before["sequence"] + 1


def test_it_bumps_the_events_of_a_task_that_loses_an_assignment(session):
    world = build_world(session)
    event = uid(world.on_event, date(2026, 5, 11))
    before = sequences(session)[event]
    task = world.on_event.task
    task.assignments = [a for a in task.assignments if a.role == "lead"]
    shown_text_changed([task])
    session.commit()
    assert sequences(session)[event] == before + 1


def test_it_bumps_the_events_of_every_task_of_a_renamed_agency(session):
    world = build_world(session)
    before = sequences(session)
    world.noi_vu.name = "Sở Nội vụ tỉnh Thanh Hóa"
    assigned = select(Assignment).where(Assignment.agency_id == world.noi_vu.id)
    shown_text_changed({a.task for a in session.scalars(assigned)})
    session.commit()
    after = sequences(session)
    bumped = {u for u in after if after[u] == before[u] + 1}
    # Sở Nội vụ supports task 1 and leads task 3; the quarterly task goes to the group, whose name is unchanged.
    assert bumped == {uid(world.once, date(2026, 3, 15)), uid(world.on_event, date(2026, 5, 11))}
    assert all(after[u] == before[u] for u in set(after) - bumped)


def test_it_bumps_every_event_of_a_plan_whose_title_changes(session):
    world = build_world(session)
    before = sequences(session)
    world.plan.title = "Kế hoạch cải cách hành chính tỉnh Thanh Hóa năm 2026"
    shown_text_changed(world.plan.tasks)
    session.commit()
    after = sequences(session)
    assert before and all(after[u] == before[u] + 1 for u in before)


def test_it_keeps_the_sequence_when_only_hidden_fields_change(session):
    world = build_world(session)
    before = sequences(session)
    world.once.task.position = 7  # the order of rows in the plan is not shown in any event
    world.plan.warnings = ["đã xem lại"]
    session.commit()
    assert sequences(session) == before
