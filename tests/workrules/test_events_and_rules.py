"""Event dates, configured day rules and the recompute, through the work rules service (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import AuditLog
from models.db import session_factory
from tests.workrules.helpers import (
    CV_581,
    PLAN_21,
    add_day_off,
    config_dir,
    import_plan,
    live,
    milestone_of,
    rules_of,
    settings_for,
)
from workrules.events import EventRefused, record_event
from workrules.recompute import catch_up, recompute, stored_fingerprint

NOW = datetime(2026, 2, 2, 2, tzinfo=UTC)


@pytest.fixture
def session(engine):
    with session_factory(engine)() as session:
        yield session


def test_an_event_counted_in_working_days_follows_the_calendar_until_the_admin_types_the_date(session, tmp_path):
    folder = config_dir(tmp_path)
    plan = import_plan(session, PLAN_21, rules_of(folder))
    event = milestone_of(session, plan, "1-3")
    assert (event.kind, event.event_offset, live(event)) == ("on_event", {"days": 5, "working": True}, [])
    result = record_event(session, event, date(2026, 4, 24), rules_of(folder), actor="admin", now=NOW)
    # Friday 24/4: 27/4 is the nghỉ bù of Giỗ Tổ, 30/4 and 1/5 are holidays: 28, 29/4, 4, 5, 6/5.
    assert (result.due, result.counted) == (date(2026, 5, 6), True)
    assert [(o.due, o.effective_due) for o in live(event)] == [(date(2026, 5, 6), date(2026, 5, 6))]
    note = session.scalars(select(AuditLog).where(AuditLog.action == "milestone.event")).one().after["note"]
    assert "Hạn 06/05/2026 (5 ngày làm việc kể từ ngày 24/04/2026)" in note
    session.commit()

    add_day_off(folder, date(2026, 5, 4))  # a day off inside the count: the due date is counted again
    report = recompute(session, rules_of(folder), actor="test", now=NOW)
    assert [(c.before, c.after) for c in report.changes] == [
        ((date(2026, 5, 6), date(2026, 5, 6)), (date(2026, 5, 7), date(2026, 5, 7)))]

    typed = record_event(session, event, date(2026, 4, 24), rules_of(folder), actor="admin", now=NOW,
                         due=date(2026, 5, 16))  # a Saturday, set by another act
    assert (typed.due, typed.effective, typed.counted) == (date(2026, 5, 16), date(2026, 5, 18), False)
    assert [o.due for o in live(event)] == [date(2026, 5, 16)]
    add_day_off(folder, date(2026, 5, 5))
    assert [c.after for c in recompute(session, rules_of(folder), actor="test", now=NOW).changes] == []


def test_an_event_date_is_refused_with_a_vietnamese_reason(session, tmp_path):
    folder = config_dir(tmp_path)
    plan = import_plan(session, PLAN_21, rules_of(folder))
    with pytest.raises(EventRefused, match="Hạn không thể trước ngày xảy ra sự kiện"):
        record_event(session, milestone_of(session, plan, "1-3"), date(2026, 3, 2), rules_of(folder), actor="admin",
                     now=NOW, due=date(2026, 3, 1))
    with pytest.raises(EventRefused, match="chỉ ghi nhận sự kiện cho mốc"):
        record_event(session, milestone_of(session, plan, "1-1"), date(2026, 3, 2), rules_of(folder), actor="admin",
                     now=NOW)


def test_the_plans_own_signing_dates_its_kể_từ_ngày_ký_deadline_at_import_and_a_reimport_keeps_a_recorded_event(
        session, tmp_path):
    folder = config_dir(tmp_path)
    plan = import_plan(session, PLAN_21, rules_of(folder))
    signed = milestone_of(session, plan, "1-4")
    assert (signed.event, signed.event_date, signed.manual_override) == ("ký", date(2026, 1, 5), None)
    assert [o.due for o in live(signed)] == [date(2026, 1, 20)]  # 15 days after 5/1, the day of signing not counted
    event = milestone_of(session, plan, "1-3")
    record_event(session, event, date(2026, 3, 2), rules_of(folder), actor="admin", now=NOW)
    session.commit()
    import_plan(session, PLAN_21, rules_of(folder))  # the same plan again
    session.refresh(event)
    assert event.event_date == date(2026, 3, 2) and [o.due for o in live(event)] == [date(2026, 3, 9)]


def test_configured_day_rules_apply_by_scope_and_only_to_reports(session, tmp_path):
    scoped = CV_581.replace('source = "Công văn số 581/BNV-CCHC"\n',
                            'source = "Công văn số 581/BNV-CCHC"\nplan = "21/KH-UBND"\n')
    plan = import_plan(session, PLAN_21, rules_of(config_dir(tmp_path / "a", day_rules=scoped)))
    assert [o.due.day for o in live(milestone_of(session, plan, "1-2"))] == [20, 20, 20, 20]
    other = CV_581.replace('source = "Công văn số 581/BNV-CCHC"\n',
                           'source = "Công văn số 581/BNV-CCHC"\nplan = "9/KH-UBND"\n')
    report = recompute(session, rules_of(config_dir(tmp_path / "b", day_rules=other)), actor="test", now=NOW)
    assert [o.due.day for o in live(milestone_of(session, plan, "1-2"))] == [31, 30, 30, 31]  # back to period ends
    assert len(report.changes) == 4
    by_agency = CV_581.replace('source = "Công văn số 581/BNV-CCHC"\n',
                               'source = "Công văn số 581/BNV-CCHC"\nagency = "hoang-phu-vp-hdnd-ubnd"\n')
    recompute(session, rules_of(config_dir(tmp_path / "c", day_rules=by_agency)), actor="test", now=NOW)
    assert [o.due.day for o in live(milestone_of(session, plan, "1-2"))] == [20, 20, 20, 20]  # its lead agency
    elsewhere = by_agency.replace("hoang-phu-vp-hdnd-ubnd", "Sở Tư pháp")
    recompute(session, rules_of(config_dir(tmp_path / "d", day_rules=elsewhere)), actor="test", now=NOW)
    assert [o.due.day for o in live(milestone_of(session, plan, "1-2"))] == [31, 30, 30, 31]


def test_the_plans_own_rule_sentence_wins_over_a_configured_rule(session, tmp_path):
    own = PLAN_21.read_text(encoding="utf-8").replace(
        "1. Văn phòng HĐND và UBND xã: Theo dõi, đôn đốc việc thực hiện Kế hoạch.",
        "1. Văn phòng HĐND và UBND xã: Theo dõi, đôn đốc việc thực hiện Kế hoạch.\n\n"
        "2. Các bộ phận chuyên môn báo cáo kết quả thực hiện về Văn phòng HĐND và UBND xã (các Báo cáo quý nộp "
        "trước ngày mùng 07 của tháng cuối quý).")
    path = tmp_path / "ke-hoach-21-quy-tac.txt"
    path.write_text(own, encoding="utf-8")
    plan = import_plan(session, path, rules_of(config_dir(tmp_path, day_rules=CV_581)))
    assert [o.due.day for o in live(milestone_of(session, plan, "1-2"))] == [6, 6, 6, 6]


def test_a_recompute_keeps_manual_dates_and_done_occurrences(session, tmp_path):
    from web.editing import apply_edit

    folder = config_dir(tmp_path)
    plan = import_plan(session, PLAN_21, rules_of(folder))
    quarterly = milestone_of(session, plan, "1-2")
    march = live(quarterly)[0]
    march.status, march.done_at, march.done_by = "done", NOW, "admin"
    first = milestone_of(session, plan, "1-1")
    apply_edit(first, kind="once", label=None, due=date(2026, 1, 9), rrule=None, plan_year=2026,
               rules=rules_of(folder))
    session.commit()
    folder = config_dir(tmp_path / "rule", day_rules=CV_581)
    add_day_off(folder, date(2026, 1, 9))
    report = recompute(session, rules_of(folder), actor="test", now=NOW)
    assert [o.due for o in live(quarterly)] == [date(2026, 3, 31), date(2026, 6, 20), date(2026, 9, 20),
                                                date(2026, 12, 20)]  # the done quarter stays as it was
    assert march.status == "done" and march.due == date(2026, 3, 31)
    assert [(o.due, o.effective_due) for o in live(first)] == [(date(2026, 1, 9), date(2026, 1, 10))]  # make-up Sat
    assert {c.occurrence_id for c in report.changes} == {o.id for o in live(quarterly)[1:]} | {live(first)[0].id}


def test_the_scheduler_catches_up_only_when_the_rule_files_changed(session, tmp_path):
    folder = config_dir(tmp_path)
    settings = settings_for(folder, str(session.get_bind().url))
    plan = import_plan(session, PLAN_21, rules_of(folder))
    assert stored_fingerprint(session) is None
    first = catch_up(session, rules_of(folder), settings, NOW)
    assert first is not None and first.changes == [] and stored_fingerprint(session) == rules_of(folder).fingerprint
    assert catch_up(session, rules_of(folder), settings, NOW) is None
    add_day_off(folder, date(2026, 1, 5))
    again = catch_up(session, rules_of(folder), settings, NOW)
    assert again is not None and [c.after[1] for c in again.changes] == [date(2026, 1, 6)]
    assert live(milestone_of(session, plan, "1-1"))[0].effective_due == date(2026, 1, 6)
    assert catch_up(session, rules_of(folder), settings, NOW) is None


def test_working_days_counted_from_a_written_day_are_dated_at_import(session, tmp_path):
    path = tmp_path / "ke-hoach-ngay-viet.txt"
    path.write_text(PLAN_21.read_text(encoding="utf-8").replace(
        "Trong thời hạn 05 ngày làm việc kể từ ngày nhận được hồ sơ",
        "Trong thời hạn 10 ngày làm việc kể từ ngày 13/02/2026"), encoding="utf-8")
    plan = import_plan(session, path, rules_of(config_dir(tmp_path)))
    counted = milestone_of(session, plan, "1-3")
    assert (counted.event_date, counted.manual_override) == (date(2026, 2, 13), None)
    assert [o.due for o in live(counted)] == [date(2026, 3, 6)]  # Tết 16–20/2 off: 23/2 … 27/2, 2/3 … 6/3
