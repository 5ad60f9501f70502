"""The admin's date pages: extensions, cross-plan adoption, rule files that recompute on save, truthful feed
Last-Modified, and HANCHOT_TIMEZONE where times are shown. On SQLite and PostgreSQL (the ``engine`` fixture's
database)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from config.agencies import AgencyDirectory
from ingest import read_plan
from ingest.store import store_plan
from models import AuditLog, Contact, Extension, Milestone, Occurrence, Plan, Reminder, ReminderStatus, Task
from scheduler.outbox import plan_reminders
from scheduler.runtime import rules_resolver
from tests.web.conftest import csrf
from tests.web.test_feeds_and_links import _new_feed
from tests.web.world import day
from tests.workrules.helpers import PLAN_21, PLAN_220
from workrules.extensions import request_extension
from workrules.rules import load_work_rules


@pytest.fixture
def web_db_url(engine: Engine) -> Iterator[str]:
    """The web app on the ``engine`` fixture's database: each test here runs on SQLite and on PostgreSQL."""
    yield engine.url.render_as_string(hide_password=False)


def _import(app, session, path) -> Plan:  # type: ignore[no-untyped-def]
    folder = app.state.settings.config_dir
    result = store_plan(session, read_plan(path), AgencyDirectory.load(folder / "agencies.toml"),
                        rules=load_work_rules(folder))
    plan = session.get_one(Plan, result.plan_id)
    plan.status = "published"
    session.commit()
    return plan


def _milestone(session, plan: Plan, key: str) -> Milestone:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalars(select(Milestone).join(Task).where(Task.plan_id == plan.id, Task.key == key)).one()


def test_the_task_page_shows_the_cited_plans_tasks_and_the_admin_adopts_a_date(app, admin: TestClient,
                                                                                 client: TestClient, db_session):
    plan = _import(app, db_session, PLAN_21)
    citing = _milestone(db_session, plan, "1-5")
    page = client.get(f"/tasks/{citing.task_id}").text
    assert "Kế hoạch 220/KH-UBND chưa có trong hệ thống" in page
    cited_plan = _import(app, db_session, PLAN_220)
    page = client.get(f"/tasks/{citing.task_id}").text
    assert "Theo Kế hoạch 220/KH-UBND" in page and "30/06/2026" in page and "Áp dụng hạn này" not in page
    cited = _milestone(db_session, cited_plan, "1-2").occurrences[0]
    response = admin.post(f"/milestones/{citing.id}/adopt", data={"csrf_token": csrf(admin, "/"),
                                                                   "occurrence_id": str(cited.id)})
    assert response.status_code == 303
    adopted = _milestone(db_session, plan, "1-5")
    assert adopted.kind == "once" and [o.due for o in adopted.occurrences] == [date(2026, 6, 30)]
    assert "Hạn lấy theo Kế hoạch 220/KH-UBND" in client.get(f"/tasks/{citing.task_id}").text
    wrong = admin.post(f"/milestones/{citing.id}/adopt", data={"csrf_token": csrf(admin, "/"),
                                                                "occurrence_id": str(adopted.occurrences[0].id)})
    assert wrong.status_code == 400 and "không thuộc kế hoạch" in wrong.text


def test_the_admin_extends_approves_and_rejects_and_the_dashboard_counts_extensions(app, admin: TestClient,
                                                                                      world, db_session):
    soon = world.soon
    response = admin.post(f"/occurrences/{soon.id}/extend", data={
        "csrf_token": csrf(admin, "/"), "new_due": day(soon.effective_due - timedelta(days=1)), "reason": "x",
        "document": "CV 1"})
    assert response.status_code == 400 and "phải sau hạn hiện tại" in response.text
    new_due = soon.effective_due + timedelta(days=14)
    response = admin.post(f"/occurrences/{soon.id}/extend", data={
        "csrf_token": csrf(admin, "/"), "new_due": day(new_due), "reason": "Chờ ý kiến của Bộ",
        "document": "Công văn số 12/UBND-VP"})
    assert response.status_code == 303
    db_session.expire_all()
    extended = db_session.get(Occurrence, soon.id)
    assert extended.moved_to == new_due and extended.effective_due >= new_due
    page = admin.get(f"/tasks/{world.once.task_id}").text
    assert "Đã gia hạn" in page and "Công văn số 12/UBND-VP" in page

    late = world.overdue  # 5 days late: extended to the last working day before today, then done
    calendar = load_work_rules(app.state.settings.config_dir).calendar
    asked = request_extension(db_session, late.id, calendar.on_or_before(date.today() - timedelta(days=1)),
                              "Thiếu số liệu",
                              requested_by=f"contact:{world.contact.id} {world.contact.name}",
                              now=datetime.now(UTC))
    db_session.commit()
    listing = admin.get("/extensions").text
    assert "Thiếu số liệu" in listing and "Đồng ý" in listing
    refused = admin.post(f"/extensions/{asked.id}/reject", data={"csrf_token": csrf(admin, "/"), "note": ""})
    assert refused.status_code == 400 and "Vui lòng nhập lý do từ chối" in refused.text
    assert admin.post(f"/extensions/{asked.id}/approve", data={
        "csrf_token": csrf(admin, "/"), "document": "Công văn số 13/UBND-VP"}).status_code == 303
    db_session.expire_all()
    assert db_session.get(Extension, asked.id).status == "approved"
    assert "Đã gia hạn" in admin.get("/extensions").text
    late_row = db_session.get(Occurrence, late.id)
    late_row.status, late_row.done_at = "done", datetime.now(UTC)
    db_session.commit()
    assert "1 gia hạn" in admin.get("/").text  # met after an extension: on time, and counted apart
    actions = set(db_session.scalars(select(AuditLog.action)))
    assert {"extension.approve", "extension.request"} <= actions


def test_saving_the_holiday_table_recomputes_the_stored_dates(app, admin: TestClient, db_session):
    plan = _import(app, db_session, PLAN_21)
    folder = app.state.settings.config_dir
    text = (folder / "holidays.toml").read_text(encoding="utf-8") + (
        '\n[[day_off]]\ndate = 2026-01-05\nreason = "Nghỉ thử"\nsource = "Thông báo thử"\n')
    response = admin.post("/policy/holidays.toml", data={"csrf_token": csrf(admin, "/"), "text": text})
    assert response.status_code == 303 and "changed=1" in response.headers["location"]
    assert "1 hạn thay đổi" in admin.get(response.headers["location"]).text
    first = _milestone(db_session, plan, "1-1")
    assert [o.effective_due for o in first.occurrences] == [date(2026, 1, 6)]
    audit = db_session.scalars(select(AuditLog).where(AuditLog.action == "occurrence.recompute")).one()
    assert audit.actor == "admin" and "sang 06/01/2026" in audit.after["note"]


def test_a_removed_event_moves_the_feeds_last_modified(app, admin: TestClient, client: TestClient, world,
                                                       db_session):
    token = _new_feed(admin, world.tu_phap.id)
    first = client.get(f"/feeds/{token}.ics")
    modified = first.headers["last-modified"]
    assert client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": modified}).status_code == 304
    milestone = db_session.get(Milestone, world.once.id)
    milestone.cancelled_at = datetime.now(UTC)  # an event leaves the feed; no remaining event changed
    db_session.commit()
    again = client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": modified})
    assert again.status_code == 200
    assert again.content.count(b"BEGIN:VEVENT") == first.content.count(b"BEGIN:VEVENT") - 1
    assert parsedate_to_datetime(again.headers["last-modified"]) > parsedate_to_datetime(modified)
    assert client.get(f"/feeds/{token}.ics",
                      headers={"If-Modified-Since": again.headers["last-modified"]}).status_code == 304


def test_times_are_shown_in_hanchot_timezone(web_settings, world, db_session):
    from web.app import create_app

    app = create_app(web_settings.model_copy(update={"timezone": "Asia/Tokyo"}))
    try:
        with TestClient(app, follow_redirects=False) as browser:
            occurrence = db_session.get(Occurrence, world.soon.id)
            occurrence.status, occurrence.done_at = "done", datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
            db_session.commit()
            page = browser.get(f"/tasks/{world.once.task_id}").text
            assert "03/03/2026 01:30" in page  # 16:30 UTC is 01:30 the next day in Tokyo (+9), 23:30 in Hà Nội
            token = _new_feed(_admin(browser), world.tu_phap.id)
            assert b"X-WR-TIMEZONE:Asia/Tokyo" in browser.get(f"/feeds/{token}.ics").content
    finally:
        app.state.engine.dispose()


def _admin(browser: TestClient) -> TestClient:
    from tests.web.conftest import log_in

    return log_in(browser)


def test_the_review_page_explains_an_event_offset(app, admin: TestClient, db_session):
    plan = _import(app, db_session, PLAN_21)
    page = admin.get(f"/plans/{plan.id}").text
    assert "5 ngày làm việc kể từ khi nhận được hồ sơ" in page
    assert re.search(r"để trống = tính theo thời hạn của mốc", page)
    event = _milestone(db_session, plan, "1-3")
    assert admin.post(f"/milestones/{event.id}/event", data={"csrf_token": csrf(admin, "/"),
                                                             "event_date": "24/04/2026"}).status_code == 303
    assert [o.due for o in _milestone(db_session, plan, "1-3").occurrences] == [date(2026, 5, 6)]


def test_saving_the_day_rules_or_the_due_policy_recomputes_the_stored_dates(app, admin: TestClient, db_session):
    plan = _import(app, db_session, PLAN_21)
    folder = app.state.settings.config_dir
    assert [o.due for o in _milestone(db_session, plan, "1-2").occurrences] == [
        date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]  # no rule: period ends
    shipped = (folder / "day_rules.toml").read_text(encoding="utf-8")
    rule = "\n".join(line.removeprefix("# ") if line.startswith(("# [[rule]]", "# text =", "# source ="))
                     else line for line in shipped.splitlines())  # the shipped CV 581 example, switched on
    response = admin.post("/policy/day_rules.toml", data={"csrf_token": csrf(admin, "/"), "text": rule})
    assert response.status_code == 303 and "changed=4" in response.headers["location"]
    quarterly = _milestone(db_session, plan, "1-2")
    assert sorted(o.due for o in quarterly.occurrences if o.status != "cancelled") == [
        date(2026, 3, 20), date(2026, 6, 20), date(2026, 9, 20), date(2026, 12, 20)]

    policy = (folder / "policy.toml").read_text(encoding="utf-8")
    back = policy.replace('shift = "forward"', 'shift = "back"')
    assert back != policy
    response = admin.post("/policy/policy.toml", data={"csrf_token": csrf(admin, "/"), "text": back})
    assert response.status_code == 303
    first = _milestone(db_session, plan, "1-1")  # 02/01/2026 is a day off (holidays.toml), 01/01 a holiday
    assert [(o.due, o.effective_due) for o in first.occurrences] == [(date(2026, 1, 2), date(2025, 12, 31))]
    actors = {a.actor for a in db_session.scalars(select(AuditLog).where(AuditLog.action == "occurrence.recompute"))}
    assert actors == {"admin"}


def test_an_extension_granted_in_the_web_app_plans_the_new_dates_reminders_at_once(app, admin: TestClient,
                                                                                    db_session):
    folder = app.state.settings.config_dir
    policy = folder / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace('digest = "daily"', 'digest = "each"'),
                      encoding="utf-8")
    plan = _import(app, db_session, PLAN_21)
    march = sorted(_milestone(db_session, plan, "1-2").occurrences, key=lambda o: o.due)[0]
    assert march.effective_due == date(2026, 3, 31)  # a Tuesday
    lead = next(a.agency for a in march.milestone.task.assignments if a.role == "lead")
    db_session.add(Contact(name="Lê Văn Hòa", agency_id=lead.id, email="hoa@hoangphu.example", channels=["email"]))
    db_session.commit()
    monday = datetime(2026, 3, 30, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
    app.state.clock = lambda: monday
    rules = load_work_rules(folder)
    plan_reminders(db_session, monday, rules.calendar.is_working_day, rules_resolver(app.state.settings))
    sent = next(r for r in _reminders(db_session, march.id) if r.lead_days == 1)
    sent.status, sent.sent_at = ReminderStatus.SENT, monday  # "1 working day left" went out this morning
    db_session.commit()

    response = admin.post(f"/occurrences/{march.id}/extend", data={
        "csrf_token": csrf(admin, "/"), "new_due": "01/04/2026", "reason": "Chờ số liệu",
        "document": "Công văn số 35/UBND-VP"})
    assert response.status_code == 303
    reminders = _reminders(db_session, march.id)
    pending = {(r.lead_days, r.payload["due"]) for r in reminders if r.status == ReminderStatus.PENDING}
    assert pending == {(1, "2026-04-01"), (0, "2026-04-01")}  # no planning job ran: the request planned them
    assert all(r.status != ReminderStatus.PENDING for r in reminders if r.payload["due"] == "2026-03-31")
    alive = [r for r in reminders if r.status != ReminderStatus.CANCELLED]
    assert len({(r.contact_id, r.channel, r.fire_at.date()) for r in alive}) == len(alive)  # once a day at most


def _reminders(session, occurrence_id: int) -> list[Reminder]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(select(Reminder).where(Reminder.occurrence_id == occurrence_id)))
