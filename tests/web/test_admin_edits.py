"""Admin edits: milestones, event dates, agency mapping, publish, directory, contacts, policy files, audit."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from models import Agency, Assignment, AuditLog, Contact, Milestone, Occurrence, Plan
from tests.web.conftest import csrf
from tests.web.world import TODAY, day


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def _sequences(session) -> dict[int, int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return dict(session.execute(select(Milestone.id, Milestone.sequence)).all())


def _bumped(before: dict[int, int], after: dict[int, int]) -> set[int]:
    """The milestones whose SEQUENCE grew by exactly one (any other change fails the comparison)."""
    assert all(after[i] - before[i] in (0, 1) for i in before), (before, after)
    return {i for i in before if after[i] == before[i] + 1}


def _milestones_of(session, task_id: int) -> set[int]:  # type: ignore[no-untyped-def]
    return set(session.scalars(select(Milestone.id).where(Milestone.task_id == task_id)))


def test_it_corrects_a_milestone_date_and_keeps_the_occurrence_row(admin: TestClient, world, db_session) -> None:
    old_day = world.once.due
    new_day = old_day + timedelta(days=7)
    response = admin.post(f"/milestones/{world.once.id}", data={
        "csrf_token": csrf(admin, "/"), "kind": "once", "label": "Quy chế (đã sửa)", "due": day(new_day)})
    assert response.status_code == 303
    db_session.expire_all()
    milestone = db_session.get(Milestone, world.once.id)
    live = [o for o in milestone.occurrences if o.status != "cancelled"]
    assert milestone.due == new_day and [o.due for o in live] == [new_day]
    assert milestone.manual_override["due"] == new_day.isoformat() and milestone.sequence >= 1
    audit = db_session.scalar(select(AuditLog).where(AuditLog.action == "milestone.update"))
    assert audit.before["due"] == old_day.isoformat() and audit.after["due"] == new_day.isoformat()


def test_it_turns_a_milestone_into_a_quarterly_recurrence(admin: TestClient, world, db_session) -> None:
    response = admin.post(f"/milestones/{world.once.id}", data={
        "csrf_token": csrf(admin, "/"), "kind": "recurring", "rrule": "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"})
    assert response.status_code == 303
    db_session.expire_all()
    dues = sorted(o.due for o in db_session.get(Milestone, world.once.id).occurrences if o.status != "cancelled")
    year = TODAY.year
    assert dues == [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]


def test_it_refuses_malformed_milestone_values_and_changes_nothing(admin: TestClient, world, db_session) -> None:
    cases = [({"kind": "once", "due": "31/02/2025"}, "Ngày hạn không hợp lệ"),
             ({"kind": "once", "due": ""}, "Hạn một lần cần có ngày."),
             ({"kind": "recurring", "rrule": "FREQ=SOMETIMES"}, "Quy tắc lặp (RRULE) không hợp lệ"),
             ({"kind": "bogus"}, "Loại thời hạn không hợp lệ."),
             ({"kind": "once", "due": "1/1/2025", "label": "x" * 600}, "dài quá 500 ký tự")]
    for values, message in cases:
        response = admin.post(f"/milestones/{world.once.id}", data={"csrf_token": csrf(admin, "/"), **values})
        assert response.status_code == 400 and message in response.text, values
    db_session.expire_all()
    assert db_session.get(Milestone, world.once.id).due == world.once.due
    assert _count(db_session, AuditLog) == 0


def test_it_records_an_event_date_so_the_on_event_milestone_gets_a_date(admin: TestClient, world,
                                                                        db_session) -> None:
    event_day = TODAY + timedelta(days=3)
    response = admin.post(f"/milestones/{world.on_event.id}/event", data={
        "csrf_token": csrf(admin, "/"), "event_date": day(event_day), "due": day(event_day + timedelta(days=14))})
    assert response.status_code == 303
    db_session.expire_all()
    milestone = db_session.get(Milestone, world.on_event.id)
    assert milestone.event_date == event_day
    assert [o.due for o in milestone.occurrences] == [event_day + timedelta(days=14)]


def test_it_publishes_a_draft_and_its_tasks_appear_on_the_agency_page(admin: TestClient, client: TestClient,
                                                                      world, db_session) -> None:
    admin.post(f"/milestones/{world.on_event.id}/event", data={"csrf_token": csrf(admin, "/"),
                                                               "event_date": day(TODAY + timedelta(days=2))})
    assert "Nhiệm vụ nháp" not in client.get(f"/agencies/{world.noi_vu.id}").text
    review = admin.get(f"/plans/{world.draft.id}")
    assert review.status_code == 200 and "Bản nháp — chưa ai được nhắc" in review.text
    assert "Bản nháp &lt;b&gt;đậm&lt;/b&gt;" in review.text  # plan text is escaped
    response = admin.post(f"/plans/{world.draft.id}/publish", data={"csrf_token": csrf(admin, "/")})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Plan, world.draft.id).status == "published"
    assert "Nhiệm vụ nháp" in client.get(f"/agencies/{world.noi_vu.id}").text


def test_it_remaps_an_assignment_to_another_agency(admin: TestClient, world, db_session) -> None:
    assignment = db_session.scalar(select(Assignment).where(Assignment.agency_id == world.noi_vu.id,
                                                            Assignment.role == "support"))
    before = _sequences(db_session)
    response = admin.post(f"/assignments/{assignment.id}", data={"csrf_token": csrf(admin, "/"),
                                                                 "agency_id": str(world.group.id)})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Assignment, assignment.id).agency_id == world.group.id
    assert _bumped(before, _sequences(db_session)) == _milestones_of(db_session, assignment.task_id)
    bad = admin.post(f"/assignments/{assignment.id}", data={"csrf_token": csrf(admin, "/"), "agency_id": "12abc"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.text


def test_it_renames_an_agency_and_bumps_the_events_of_its_tasks_only(admin: TestClient, world, db_session) -> None:
    tasks = set(db_session.scalars(select(Assignment.task_id).where(Assignment.agency_id == world.noi_vu.id)))
    before = _sequences(db_session)
    response = admin.post(f"/agencies/{world.noi_vu.id}", data={"csrf_token": csrf(admin, "/"),
                                                                "name": "Sở Nội vụ tỉnh", "reviewed": "1"})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Agency, world.noi_vu.id).name == "Sở Nội vụ tỉnh"
    assert tasks and _bumped(before, _sequences(db_session)) == set().union(
        *(_milestones_of(db_session, t) for t in tasks))


def test_it_merges_a_duplicate_agency_into_the_survivor(admin: TestClient, world, db_session) -> None:
    duplicate = Agency(name="Sở Tư Pháp tỉnh", needs_review=True)
    db_session.add(duplicate)
    db_session.flush()
    db_session.add(Assignment(task_id=world.once.task_id, agency_id=duplicate.id, role="support", as_written="x"))
    db_session.add(Contact(name="Trần B", agency_id=duplicate.id, email="b@stp.test"))
    db_session.commit()
    duplicate_id = duplicate.id
    before = _sequences(db_session)
    response = admin.post(f"/agencies/{duplicate_id}/merge", data={"csrf_token": csrf(admin, "/"),
                                                                  "into_id": str(world.tu_phap.id)})
    assert response.status_code == 303
    db_session.expire_all()
    assert _bumped(before, _sequences(db_session)) == _milestones_of(db_session, world.once.task_id)
    assert db_session.get(Agency, duplicate_id) is None
    survivor = db_session.get(Agency, world.tu_phap.id)
    assert "Sở Tư Pháp tỉnh" in survivor.aliases
    assert {c.name for c in survivor.contacts} == {"Nguyễn Văn An", "Trần B"}


def test_it_adds_a_contact_and_refuses_a_bad_email(admin: TestClient, world, db_session) -> None:
    before = _count(db_session, Contact)
    bad = admin.post(f"/agencies/{world.noi_vu.id}/contacts", data={
        "csrf_token": csrf(admin, "/"), "name": "Lê C", "email": "not-an-email", "channels": "email"})
    assert bad.status_code == 400 and "Địa chỉ email không hợp lệ. Đã nhập: “not-an-email”." in bad.text
    assert _count(db_session, Contact) == before
    good = admin.post(f"/agencies/{world.noi_vu.id}/contacts", data={
        "csrf_token": csrf(admin, "/"), "name": "Lê C", "email": "c@snv.test", "zalo_user_id": "1234567890",
        "channels": ["zalo", "email"], "is_head": "1"})
    assert good.status_code == 303
    db_session.expire_all()
    contact = db_session.scalar(select(Contact).where(Contact.name == "Lê C"))
    assert contact.channels == ["zalo", "email"] and contact.is_head
    assert db_session.get(Agency, world.noi_vu.id).head_contact_id == contact.id


def test_it_saves_a_valid_policy_file_keeping_comments(admin: TestClient, config_dir) -> None:
    text = (config_dir / "policy.toml").read_text(encoding="utf-8").replace("lead_days = [7, 3, 1, 0]",
                                                                            "lead_days = [5, 2, 0]")
    response = admin.post("/policy/policy.toml", data={"csrf_token": csrf(admin, "/"), "text": text})
    assert response.status_code == 303
    saved = (config_dir / "policy.toml").read_text(encoding="utf-8")
    assert "lead_days = [5, 2, 0]" in saved and "# Chính sách nhắc việc" in saved


def test_it_refuses_an_invalid_policy_file_with_the_line_in_vietnamese(admin: TestClient, config_dir) -> None:
    original = (config_dir / "policy.toml").read_text(encoding="utf-8")
    broken = original.replace('send_time = "08:00"', 'send_time = "25:99"')
    response = admin.post("/policy/policy.toml", data={"csrf_token": csrf(admin, "/"), "text": broken})
    assert response.status_code == 400
    line = 1 + broken.splitlines().index(next(x for x in broken.splitlines() if x.startswith("send_time")))
    assert f"Lỗi ở dòng {line} của policy.toml" in response.text
    assert (config_dir / "policy.toml").read_text(encoding="utf-8") == original
    assert 'giờ gửi phải viết dạng \"08:00\"' in response.text.replace("&#34;", '\"').replace("&quot;", '\"')
    syntax = admin.post("/policy/holidays.toml", data={"csrf_token": csrf(admin, "/"), "text": "[[day_off\n"})
    assert syntax.status_code == 400 and "Lỗi ở dòng 1 của holidays.toml" in syntax.text
    assert "thiếu dấu ]] khi khai báo danh sách bảng" in syntax.text and "Expected" not in syntax.text
    # A value cut off at the end of the file: the last line is named, in Vietnamese (not line 1, not English).
    unfinished = admin.post("/policy/policy.toml", data={"csrf_token": csrf(admin, "/"),
                                                         "text": original.rstrip("\n") + "\nlead_days ="})
    last = len(original.rstrip("\n").splitlines()) + 1
    assert f"Lỗi ở dòng {last} của policy.toml: giá trị không hợp lệ" in unfinished.text
    typo = admin.post("/policy/policy.toml", data={"csrf_token": csrf(admin, "/"),
                                                   "text": original + "\nlead_dayz = [1]\n"})
    assert "khóa “due.lead_dayz” không có trong tệp này" in typo.text and "Extra inputs" not in typo.text


def test_it_lists_every_edit_in_the_audit_log(admin: TestClient, world) -> None:
    admin.post(f"/plans/{world.draft.id}/publish", data={"csrf_token": csrf(admin, "/")})
    page = admin.get("/audit").text
    # Sentences, not codes: who did what to which row, and each field before → after, unescaped.
    assert f"Quản trị viên đã ban hành kế hoạch #{world.draft.id}" in page
    assert "<strong>Trạng thái</strong>: draft → published" in page
    assert "plan.publish" not in page and "\\u" not in page


def test_it_deletes_a_draft_but_never_a_published_plan(admin: TestClient, world, db_session) -> None:
    draft_id, plan_id = world.draft.id, world.plan.id
    assert admin.post(f"/plans/{world.plan.id}/delete", data={"csrf_token": csrf(admin, "/")}).status_code == 400
    assert admin.post(f"/plans/{world.draft.id}/delete", data={"csrf_token": csrf(admin, "/")}).status_code == 303
    db_session.expire_all()
    assert db_session.get(Plan, draft_id) is None and db_session.get(Plan, plan_id) is not None
    assert _count(db_session, Occurrence) == 2
