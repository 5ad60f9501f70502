"""Extensions (gia hạn), cross-plan links and event timestamps, through the service (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import AuditLog, Extension, Reminder, ReminderStatus
from models.db import session_factory
from tests.workrules.helpers import (
    PLAN_21,
    PLAN_220,
    config_dir,
    import_plan,
    live,
    milestone_of,
    province_feed,
    rules_of,
    uid,
)
from workrules.extensions import ExtensionRefused, approve, grant, pending, reject, request_extension
from workrules.links import adopt, link_references, matching_tasks, number_key

NOW = datetime(2026, 3, 2, 2, tzinfo=UTC)
FOCAL = "contact:7 Lê Văn Hòa"


@pytest.fixture
def session(engine):
    with session_factory(engine)() as session:
        yield session


@pytest.fixture
def rules(tmp_path):
    return rules_of(config_dir(tmp_path))


def test_a_focal_points_request_moves_nothing_until_the_admin_approves_it(session, rules):
    plan = import_plan(session, PLAN_21, rules)
    march = live(milestone_of(session, plan, "1-2"))[0]  # 31/03/2026, Tuesday
    session.add(Reminder(idempotency_key="k1", occurrence_id=march.id, contact_id=_contact(session), channel="email",
                         kind="before", lead_days=3, fire_at=NOW, payload={"version": 1, "due": "2026-03-31"}))
    session.commit()
    asked = request_extension(session, march.id, date(2026, 4, 15), "Chờ số liệu của các thôn",
                              requested_by=FOCAL, now=NOW)
    assert (asked.status, march.effective_due, march.moved_to) == ("requested", date(2026, 3, 31), None)
    assert pending(session) == [asked]
    with pytest.raises(ExtensionRefused, match="đang có một đề nghị gia hạn chờ duyệt"):
        request_extension(session, march.id, date(2026, 4, 20), "Lần nữa", requested_by=FOCAL, now=NOW)
    with pytest.raises(ExtensionRefused, match="Vui lòng nhập văn bản cho phép gia hạn"):
        approve(session, asked.id, " ", rules, actor="admin", now=NOW)
    approve(session, asked.id, "Công văn số 35/UBND-VP ngày 01/3/2026", rules, actor="admin", now=NOW,
            new_due=date(2026, 4, 18))  # a Saturday: granted, then moved off the day off like any date
    assert (march.moved_to, march.effective_due, march.due) == (date(2026, 4, 18), date(2026, 4, 20), date(2026, 3, 31))
    assert asked.status == "approved" and pending(session) == []
    reminder = session.scalars(select(Reminder).where(Reminder.occurrence_id == march.id)).one()
    assert reminder.status == ReminderStatus.CANCELLED  # planned for 31/3
    notes = [a.after["note"] for a in session.scalars(select(AuditLog).where(AuditLog.entity == "extensions"))]
    assert notes[0].startswith("Đề nghị gia hạn từ 31/03/2026 đến 15/04/2026")
    assert "Gia hạn từ 31/03/2026 đến 18/04/2026 (hạn thực tế 20/04/2026) theo Công văn số 35/UBND-VP" in notes[1]
    session.commit()
    event = province_feed(session)[uid(march.milestone, march)]
    assert event.day == date(2026, 4, 20) and event.summary.endswith("(đã gia hạn)")


def test_the_admin_rejects_a_request_or_extends_directly(session, rules):
    plan = import_plan(session, PLAN_21, rules)
    june = live(milestone_of(session, plan, "1-2"))[1]
    asked = request_extension(session, june.id, date(2026, 7, 10), "Thiếu nhân lực", requested_by=FOCAL, now=NOW)
    with pytest.raises(ExtensionRefused, match="Vui lòng nhập lý do từ chối"):
        reject(session, asked.id, "", actor="admin", now=NOW)
    reject(session, asked.id, "Không có căn cứ", actor="admin", now=NOW)
    assert (asked.status, june.moved_to) == ("rejected", None)
    with pytest.raises(ExtensionRefused, match="đã được xử lý"):
        approve(session, asked.id, "CV 1", rules, actor="admin", now=NOW)
    again = request_extension(session, june.id, date(2026, 7, 10), "Thiếu nhân lực", requested_by=FOCAL, now=NOW)
    granted = grant(session, june.id, date(2026, 7, 6), "Theo đề nghị", "Công văn số 40/UBND-VP", rules,
                    actor="admin", now=NOW)
    assert (again.status, granted.status, june.effective_due) == ("withdrawn", "approved", date(2026, 7, 6))
    with pytest.raises(ExtensionRefused, match="phải sau hạn hiện tại \\(06/07/2026\\)"):
        grant(session, june.id, date(2026, 7, 1), "x", "CV", rules, actor="admin", now=NOW)
    june.status = "done"
    with pytest.raises(ExtensionRefused, match="chưa hoàn thành"):
        request_extension(session, june.id, date(2026, 8, 1), "x", requested_by=FOCAL, now=NOW)
    assert [e.status for e in session.scalars(select(Extension).order_by(Extension.id))] == [
        "rejected", "withdrawn", "approved"]


def _contact(session) -> int:
    from models import Agency, Contact

    agency = session.scalars(select(Agency)).first()
    contact = Contact(name="Lê Văn Hòa", agency_id=agency.id, email="hoa@hoangphu.example")
    session.add(contact)
    session.flush()
    return contact.id


@pytest.mark.parametrize("order", [("220", "21"), ("21", "220")])
def test_a_cited_plan_is_linked_whichever_is_imported_first(session, rules, order):
    paths = {"21": PLAN_21, "220": PLAN_220}
    plans = {name: import_plan(session, paths[name], rules) for name in order}
    citing = milestone_of(session, plans["21"], "1-5")
    assert citing.kind == "by_reference" and citing.linked_plan_id == plans["220"].id
    found = {c.task.key: c for c in matching_tasks(session, citing)}
    assert set(found) == {"1-1", "1-2"}  # the training task (1-3) shares no distinctive words
    assert [o.due for o in found["1-2"].occurrences] == [date(2026, 6, 30)]


def test_a_doubtful_citation_links_nothing(session, rules, tmp_path):
    plans = [import_plan(session, PLAN_220, rules)]
    other = tmp_path / "ke-hoach-220-khac.txt"
    text = PLAN_220.read_text(encoding="utf-8").replace("ngày 23 tháng 10 năm 2025", "ngày 02 tháng 3 năm 2024")
    other.write_text(text.replace("ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "ỦY BAN NHÂN DÂN XÃ HOÀNG PHÚ"), encoding="utf-8")
    plans.append(import_plan(session, other, rules))
    citing_plan = import_plan(session, PLAN_21, rules)
    citing = milestone_of(session, citing_plan, "1-5")
    assert citing.linked_plan_id == plans[0].id  # the cited date (23/10/2025) tells the two apart
    citing.reference = {**citing.reference, "document": {**citing.reference["document"], "issued_on": None,
                                                         "issuer": None}}
    link_references(session, citing_plan.id)
    assert citing.linked_plan_id is None  # two plans 220/KH-UBND and nothing to choose between them
    assert number_key(" số 220 /KH - UBND") == number_key("220/kh-ubnd") == "220/kh-ubnd"


def test_the_admin_adopts_a_cited_date_as_a_manual_override_with_its_source(session, rules):
    cited_plan = import_plan(session, PLAN_220, rules)
    plan = import_plan(session, PLAN_21, rules)
    citing = milestone_of(session, plan, "1-5")
    cited = live(milestone_of(session, cited_plan, "1-2"))[0]
    adopt(session, citing, cited.id, rules, actor="admin", now=NOW)
    assert (citing.kind, citing.due, [o.effective_due for o in live(citing)]) == ("once", date(2026, 6, 30),
                                                                                    [date(2026, 6, 30)])
    assert citing.manual_override["adopted"] == {"plan_id": cited_plan.id, "plan_number": "220/KH-UBND",
                                                 "task_id": cited.milestone.task_id, "occurrence_id": cited.id,
                                                 "due": "2026-06-30", "strict": False}
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "milestone.adopt")).one()
    assert audit.after["note"] == "Áp dụng hạn 30/06/2026 của Kế hoạch 220/KH-UBND"
    with pytest.raises(LookupError):
        adopt(session, citing, live(milestone_of(session, plan, "1-1"))[0].id, rules, actor="admin", now=NOW)
    session.commit()
    import_plan(session, PLAN_21, rules)  # a re-import keeps the adopted date
    session.refresh(citing)
    assert citing.kind == "once" and [o.due for o in live(citing)] == [date(2026, 6, 30)]


def test_renumbering_tasks_leaves_every_events_timestamp_and_a_changed_task_moves_only_its_own(session, rules,
                                                                                                tmp_path):
    plan = import_plan(session, PLAN_220, rules)
    before = province_feed(session)
    lines = PLAN_220.read_text(encoding="utf-8").splitlines()
    rows = [i for i, line in enumerate(lines) if line[:3] in ("1.\t", "2.\t", "3.\t")]
    lines[rows[0]], lines[rows[2]] = lines[rows[2]], lines[rows[0]]  # the rows change places (and positions)
    moved = tmp_path / "ke-hoach-220-doi-cho.txt"
    moved.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_plan(session, moved, rules)
    session.expire_all()
    after = province_feed(session)
    assert set(after) == set(before)
    assert {u: (e.last_modified, e.sequence) for u, e in after.items()} == \
        {u: (e.last_modified, e.sequence) for u, e in before.items()}
    edited = tmp_path / "ke-hoach-220-sua.txt"
    edited.write_text(moved.read_text(encoding="utf-8").replace("Tổ chức tập huấn kỹ năng số",
                                                                "Tổ chức tập huấn kỹ năng số và an toàn thông tin"),
                      encoding="utf-8")
    import_plan(session, edited, rules)
    session.expire_all()
    changed = {u for u, e in province_feed(session).items() if e.last_modified != before[u].last_modified}
    training = milestone_of(session, plan, "1-3")
    assert changed == {uid(training, live(training)[0])}


def test_a_recompute_keeps_a_granted_extension_and_moves_it_only_off_a_new_day_off(session, rules, tmp_path):
    from tests.workrules.helpers import CV_581, add_day_off
    from workrules.recompute import recompute

    plan = import_plan(session, PLAN_21, rules)
    march = live(milestone_of(session, plan, "1-2"))[0]
    before = province_feed(session)[uid(march.milestone, march)]
    grant(session, march.id, date(2026, 4, 15), "Chờ số liệu", "Công văn số 35/UBND-VP", rules, actor="admin", now=NOW)
    session.commit()
    extended = province_feed(session)[uid(march.milestone, march)]
    assert extended.sequence > before.sequence and extended.day == date(2026, 4, 15)  # calendars take the change
    folder = config_dir(tmp_path / "changed", day_rules=CV_581)  # the rule would put March on the 20th
    add_day_off(folder, date(2026, 4, 15))
    report = recompute(session, rules_of(folder), actor="test", now=NOW)
    session.refresh(march)
    assert (march.due, march.moved_to, march.effective_due) == (date(2026, 3, 20), date(2026, 4, 15),
                                                                 date(2026, 4, 16))
    assert march.id in {c.occurrence_id for c in report.changes}  # the granted day is now a day off: moved on
    assert [o.effective_due for o in live(march.milestone)[1:]] == [date(2026, 6, 22), date(2026, 9, 21),
                                                                   date(2026, 12, 21)]
