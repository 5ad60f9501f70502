"""Feeds built from the database: scopes, roles, groups, what is left out, and what each event says."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from calendars.feed import render
from calendars.lint import lint_ics
from calendars.query import Scope, build_feed
from deadlines.workdays import WorkCalendar
from models import FeedRole, FeedScope, FeedToken
from tests.calendars.world import BASE_URL, build_world, uid


@pytest.fixture
def world(session):
    return build_world(session)


ROOT = Path(__file__).resolve().parents[2]


def days(feed) -> dict[str, list[date]]:
    found: dict[str, list[date]] = {}
    for event in feed.events:
        found.setdefault(event.uid, []).append(event.day)
    return found


def expected(world, *names: str) -> dict[str, list[date]]:
    table = {
        "once": {uid(world.once, date(2026, 3, 15)): [date(2026, 3, 16)]},
        "quarterly": {uid(world.quarterly, date(2026, 3, 31)): [date(2026, 3, 31)],
                      uid(world.quarterly, date(2026, 6, 30)): [date(2026, 6, 30)],
                      uid(world.quarterly, date(2026, 12, 31)): [date(2026, 12, 31)]},
        "on_event": {uid(world.on_event, date(2026, 5, 11)): [date(2026, 5, 11)]},
    }
    return {k: v for name in names for k, v in table[name].items()}


def test_it_builds_an_agency_feed_of_its_lead_and_support_tasks_with_groups_expanded(session, world):
    feed = build_feed(session, Scope(FeedScope.AGENCY, world.tu_phap.id), base_url=BASE_URL)
    assert days(feed) == expected(world, "once", "quarterly", "on_event")
    assert feed.name == "Sở Tư pháp – hạn chót"


@pytest.mark.parametrize(("role", "names"), [(FeedRole.LEAD, ("once", "quarterly")), (FeedRole.SUPPORT, ("on_event",))])
def test_it_filters_an_agency_feed_by_role(session, world, role, names):
    feed = build_feed(session, Scope(FeedScope.AGENCY, world.tu_phap.id, role), base_url=BASE_URL)
    assert days(feed) == expected(world, *names)


def test_it_gives_an_agency_outside_every_assignment_an_empty_feed_that_lints_clean(session, world):
    feed = build_feed(session, Scope(FeedScope.AGENCY, world.xa.id), base_url=BASE_URL)
    assert feed.events == []
    assert lint_ics(render(feed)) == []


def test_it_builds_plan_contact_and_province_feeds(session, world):
    everything = expected(world, "once", "quarterly", "on_event")
    assert days(build_feed(session, Scope(FeedScope.PLAN, world.plan.id), base_url=BASE_URL)) == everything
    assert days(build_feed(session, Scope(FeedScope.PROVINCE), base_url=BASE_URL)) == everything
    assert days(build_feed(session, Scope(FeedScope.CONTACT, world.contact.id), base_url=BASE_URL)) == everything
    draft = build_feed(session, Scope(FeedScope.PLAN, world.draft.id), base_url=BASE_URL)
    assert draft.events == [] and world.draft.title not in f"{draft.name} {draft.description}"


def test_it_reads_the_scope_of_a_token(session, world):
    token = FeedToken(token_hash="c" * 64, name="điện thoại", scope="agency", agency_id=world.noi_vu.id, role="support")
    scope = Scope.of_token(token)
    assert scope == Scope(FeedScope.AGENCY, world.noi_vu.id, FeedRole.SUPPORT)
    assert days(build_feed(session, scope, base_url=BASE_URL)) == expected(world, "once")


def test_it_refuses_an_unknown_agency(session, world):
    with pytest.raises(LookupError, match="no Agency with id 999"):
        build_feed(session, Scope(FeedScope.AGENCY, 999), base_url=BASE_URL)


def test_it_describes_the_task_agencies_plan_and_why_the_date_moved(session, world):
    feed = build_feed(session, Scope(FeedScope.AGENCY, world.tu_phap.id), base_url=BASE_URL,
                      reasons=WorkCalendar().reason)
    event = next(e for e in feed.events if e.uid == uid(world.once, date(2026, 3, 15)))
    assert event.summary == "Ban hành quy chế phối hợp — Sở Tư pháp"  # no number: the lead tells it apart
    lines = event.description.splitlines()
    for line in ("Nhiệm vụ: Ban hành quy chế phối hợp", "Sản phẩm: Quyết định của UBND tỉnh",
                 "Cơ quan chủ trì: Sở Tư pháp", "Cơ quan phối hợp: Sở Nội vụ",
                 "Kế hoạch: 123/KH-UBND – Kế hoạch cải cách hành chính năm 2026", "Thời hạn (nguyên văn): Quý I/2026",
                 "Hạn theo văn bản: 15/03/2026", "Hạn thực tế: 16/03/2026 (15/03/2026 là ngày nghỉ: Chủ nhật)",
                 f"Chi tiết: {BASE_URL}/tasks/{world.once.task.id}"):
        assert line in lines
    assert event.categories == ("Phụ lục 1", "Kế hoạch 123/KH-UBND")
    assert event.url == f"{BASE_URL}/tasks/{world.once.task.id}"


def test_it_keeps_done_occurrences_visible_and_marked(session, world):
    feed = build_feed(session, Scope(FeedScope.PROVINCE), base_url=BASE_URL)
    by_uid = {e.uid: e for e in feed.events}
    done = by_uid[uid(world.quarterly, date(2026, 3, 31))]
    assert done.summary == ("✓ Đã hoàn thành – Báo cáo quý (quý I) — Báo cáo kết quả cải cách hành chính định kỳ "
                            "hằng… — Các sở, ban, ngành")
    assert done.status == "CONFIRMED"
    assert "Trạng thái: đã hoàn thành ngày 05/01/2026" in done.description
    assert by_uid[uid(world.quarterly, date(2026, 6, 30))].summary.startswith("Báo cáo quý (quý II) — ")
    assert "Báo cáo định kỳ" in done.categories


def test_it_bumps_sequence_and_last_modified_when_an_occurrence_is_extended(session, world):
    from workrules.extensions import grant
    from workrules.rules import load_work_rules

    before = {e.uid: e for e in build_feed(session, Scope(FeedScope.PROVINCE), base_url=BASE_URL).events}
    occurrence = world.quarterly.occurrences[1]
    grant(session, occurrence.id, date(2026, 7, 3), "Chờ số liệu của Bộ", "Công văn số 12/UBND-VP ngày 20/6/2026",
          load_work_rules(ROOT / "config"), actor="admin", now=datetime(2026, 6, 20, 2, tzinfo=UTC))
    session.commit()
    after = {e.uid: e for e in build_feed(session, Scope(FeedScope.PROVINCE), base_url=BASE_URL).events}
    key = uid(world.quarterly, date(2026, 6, 30))
    assert set(after) == set(before)
    assert after[key].day == date(2026, 7, 3) and after[key].summary.endswith("(đã gia hạn)")
    assert after[key].sequence > before[key].sequence
    assert after[key].last_modified == occurrence.changed_at > before[key].last_modified
    assert "Đã gia hạn: từ 30/06/2026 đến 03/07/2026 theo Công văn số 12/UBND-VP ngày 20/6/2026" \
        in after[key].description
    assert "Hạn thực tế: 03/07/2026 (đã gia hạn)" in after[key].description
    unchanged = uid(world.once, date(2026, 3, 15))
    assert after[unchanged].sequence == before[unchanged].sequence
    assert after[unchanged].last_modified == before[unchanged].last_modified


def test_it_shows_an_undated_milestone_once_the_event_date_is_recorded(session, world):
    world.undated.event_date = date(2026, 8, 20)
    session.commit()
    feed = build_feed(session, Scope(FeedScope.AGENCY, world.noi_vu.id, FeedRole.LEAD), base_url=BASE_URL)
    assert uid(world.undated, date(2026, 8, 20)) in days(feed)


def test_it_renders_the_same_bytes_twice(session, world):
    scope = Scope(FeedScope.AGENCY, world.tu_phap.id)
    first = render(build_feed(session, scope, base_url=BASE_URL))
    session.expire_all()
    assert render(build_feed(session, scope, base_url=BASE_URL)) == first
    assert lint_ics(first) == []
