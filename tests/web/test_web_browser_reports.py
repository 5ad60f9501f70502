"""Issue 16's progress report and the admin's stuck reminders in Debian's Chromium, at 1366×768 and 390×844.

- The admin opens a plan from the plan list and clicks its "Excel" and "Word" report links; a focal point clicks
  every report link of its home (its unit's whole report, its part of each plan). Each download is opened with
  openpyxl or python-docx and must list every task in its scope with the status the database implies, no more.
- The admin sees a failed reminder on ``/deliveries/stuck`` with its reason, presses "Gửi lại", and the reminder
  leaves the list and is due for the dispatcher again (in the database); the page never scrolls sideways.

One server (HANCHOT_REQUIRE_LOGIN=1) serves the whole module. The run writes the home's report section to
docs/screenshots/ (focal-reports-desktop.png, focal-reports-phone.png), which the README shows.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Assignment, AuditLog, Contact, Milestone, Occurrence, Plan, Reminder, Task
from models.db import make_engine, session_factory
from scheduler.claims import REMINDERS, due_condition
from tests.web.access.support import TODAY, Communes, build_communes, read_link
from tests.web.conftest import PASSWORD, PASSWORD_HASH
from tests.web.server import ROOT, free_port, running_server, server_env, site_folder

pytestmark = [pytest.mark.external_service, pytest.mark.slow]  # a server and Chromium

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = ROOT / "docs" / "screenshots"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # HANCHOT_TIMEZONE's default: the server's "today"
DAY = re.compile(r"\d{2}/\d{2}/\d{4}")
UNDATED = "Chưa có ngày hạn"
FAILED = ("Không gửi được: lỗi vĩnh viễn trên kênh Email (550 5.1.1 không có hộp thư) và người nhận không còn "
          "kênh nào khác.")
HELD = "Tạm giữ: mọi kênh của người nhận đang bị tắt (Email: 550). Bật lại kênh trên trang liên hệ."

Row = tuple[str, date | None, str]  # (task content, day that counts, status) as a report lists it


def _task(plan: Plan, number: str, content: str, assignments: list, due: date | None) -> Task:
    task = Task(plan=plan, key=f"t{number}", number=number, content=content, deadline_text="Theo kế hoạch",
                position=int(number), assignments=assignments)
    milestone = Milestone(task=task, key="m1", kind="once" if due else "on_event", label=content, due=due,
                          event=None if due else "khi có hướng dẫn của tỉnh", source="Theo kế hoạch")
    milestone.occurrences = [Occurrence(due=due, effective_due=due)] if due else []
    return task


def _history(session: Session, c: Communes) -> None:
    """Every status a report shows: overdue (plan 12's task 1), done on time (task 2), in progress (task 3), no
    date yet (task 4, the office's alone), and in a second plan of the police: done two days late, and undated."""
    soon = session.get(Occurrence, c.tv_lead_soon.id)
    soon.status, soon.done_at, soon.done_by = "done", datetime.now(UTC), f"contact:{c.focal_tv.id} {c.focal_tv.name}"
    session.add(_task(c.plan_tv, "4", "Tổng kết công tác năm",
                      [Assignment(agency=c.office_tv, role="lead", as_written="VP")], None))
    fire = Plan(number="90/KH-UBND", title="Kế hoạch phòng cháy xã Thiệu Vân", plan_year=TODAY.year,
                content_hash="9" * 64, status="published", published_at=datetime.now(UTC))
    late = _task(fire, "1", "Kiểm tra phương tiện chữa cháy",
                 [Assignment(agency=c.police_tv, role="lead", as_written="Công an xã")], TODAY - timedelta(days=10))
    occurrence = late.milestones[0].occurrences[0]
    occurrence.status, occurrence.done_by = "done", f"contact:{c.focal_tv.id} {c.focal_tv.name}"
    occurrence.done_at = datetime.combine(TODAY - timedelta(days=8), datetime.min.time(), UTC) + timedelta(hours=3)
    _task(fire, "2", "Diễn tập phương án chữa cháy", [Assignment(agency=c.office_tv, role="lead", as_written="VP"),
                                                       Assignment(agency=c.police_tv, role="support",
                                                                  as_written="Công an xã")], None)
    session.add(fire)
    # Trần Văn Phú's reminder is held (every channel off) for the whole module: the one row that stays listed.
    phu = session.get(Contact, c.focal_hp.id)
    phu.channel_blocks = {"email": {"reason": "550"}}
    session.add(Reminder(idempotency_key="held:phu", occurrence_id=c.hp_lead_soon.id, contact_id=phu.id,
                         channel="email", kind="before", lead_days=1, fire_at=datetime.now(UTC) - timedelta(hours=2),
                         attempts=1, last_error=HELD, next_attempt_at=datetime.now(UTC) + timedelta(hours=1)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("reports")
    config = site_folder(folder, migrated_sqlite_template)
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    sessions = session_factory(engine)
    with sessions() as session:
        communes = build_communes(session)
        _history(session, communes)
        session.commit()
    port = free_port()
    env = {**server_env(f"http://127.0.0.1:{port}", f"sqlite:///{folder / 'web.db'}", config, folder / "mail",
                        PASSWORD_HASH), "HANCHOT_REQUIRE_LOGIN": "1"}
    try:
        with running_server(env, port, folder / "server.log") as url:
            yield {"url": url, "sessions": sessions, "mail": folder / "mail", "communes": communes}
    finally:
        engine.dispose()


@pytest.fixture
def page(browser, site, request) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=SIZES[request.param], base_url=site["url"], locale="vi-VN",
                                  accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def _sign_in_admin(page: Page, then: str) -> None:
    page.goto(then)
    page.fill("form[action='/login'] input[name=password]", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url(f"**{then}")


def _sign_in_focal(page: Page, mail: Path, address: str) -> None:
    for old in mail.glob("*.eml") if mail.exists() else []:
        old.unlink()  # the link read below is this sign-in's
    page.goto("/login")
    page.fill("form[action='/login/email'] input[name=email]", address)
    page.click("form[action='/login/email'] button")
    expect(page.locator(".flash")).to_contain_text("liên kết đăng nhập vừa được gửi")
    page.goto(read_link(mail, address))
    page.click("text=Tiếp tục đăng nhập")
    page.wait_for_url("**/me")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"


# What the database says a report must list --------------------------------------------------------------------

def _expected(site: dict, *, plan_id: int | None = None, agencies: set[int] | None = None) -> Counter[Row]:
    """Every live task in scope (a published plan, not cancelled; assigned to ``agencies`` when given), one row
    per live deadline or one "no date yet" row, with the status its stored dates and today's date imply."""
    today = datetime.now(ZONE).date()
    rows: Counter[Row] = Counter()
    with site["sessions"]() as session:
        query = (select(Task).join(Task.plan).where(Plan.status == "published", Task.cancelled_at.is_(None))
                 .options(selectinload(Task.assignments), selectinload(Task.milestones)
                          .selectinload(Milestone.occurrences)))
        for task in session.scalars(query.where(Task.plan_id == plan_id) if plan_id else query):
            if agencies is not None and not {a.agency_id for a in task.assignments} & agencies:
                continue
            live = [o for m in task.milestones for o in m.occurrences if o.status != "cancelled"]
            assert all(o.moved_to is None for o in live)  # no extension here: the stored day is the one shown
            for o in live:
                rows[(task.content, o.effective_due, _status(o, today))] += 1
            if not live:
                rows[(task.content, None, UNDATED)] += 1
    return rows


def _status(o: Occurrence, today: date) -> str:
    if o.status == "done":
        late = (o.done_at.astimezone(ZONE).date() - o.effective_due).days
        return "Đúng hạn" if late <= 0 else f"Trễ {late} ngày"
    return f"Quá hạn {(today - o.effective_due).days} ngày" if o.effective_due < today else "Đang thực hiện"


# What a downloaded report lists ---------------------------------------------------------------------------------

def _download(page: Page, link) -> tuple[str, Counter[Row]]:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        link.click()
    download = info.value
    body = BytesIO(Path(download.path()).read_bytes())  # Playwright's copy has no file extension
    name = download.suggested_filename
    return name, _xlsx_rows(body) if name.endswith(".xlsx") else _docx_rows(body)


def _xlsx_rows(body: BytesIO) -> Counter[Row]:
    rows: Counter[Row] = Counter()
    for sheet in openpyxl.load_workbook(body).worksheets:  # one sheet per plan
        header = [c.value for c in sheet[2]]
        for values in sheet.iter_rows(min_row=3, values_only=True):
            r = dict(zip(header, values, strict=True))
            due = r["Hạn hoàn thành"]
            rows[(r["Nội dung nhiệm vụ"], due.date() if due else None, r["Trạng thái"])] += 1
    return rows


def _docx_rows(body: BytesIO) -> Counter[Row]:
    rows: Counter[Row] = Counter()
    for table in docx.Document(body).tables:  # one table per plan
        header = [c.text for c in table.rows[0].cells]
        for line in table.rows[1:]:
            r = dict(zip(header, (c.text for c in line.cells), strict=True))
            day = DAY.search(r["Thời hạn"])
            due = datetime.strptime(day.group(), "%d/%m/%Y").date() if day else None
            rows[(r["Nội dung nhiệm vụ"], due, r["Trạng thái"])] += 1
    return rows


# The flows -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", list(SIZES), indirect=True)
def test_the_admin_downloads_a_plans_report_from_its_page(page: Page, site: dict) -> None:
    plan = site["communes"].plan_tv
    _sign_in_admin(page, "/plans")
    page.get_by_role("link", name=plan.title, exact=True).click()
    page.wait_for_url(f"**/plans/{plan.id}")
    links = page.locator("p.report-links a")
    expected = _expected(site, plan_id=plan.id)
    assert {status for _, _, status in expected} >= {"Đúng hạn", "Đang thực hiện", UNDATED} and \
        any(s.startswith("Quá hạn") for _, _, s in expected)  # the plan shows every kind of row
    for label, suffix in (("Excel", "xlsx"), ("Word", "docx")):
        name, listed = _download(page, links.filter(has_text=label))
        assert name == f"bao-cao-tien-do-ke-hoach-{plan.id}.{suffix}"
        assert listed == expected


@pytest.mark.parametrize("page", list(SIZES), indirect=True)
def test_a_focal_point_downloads_its_units_reports_from_its_home(page: Page, site: dict, request) -> None:
    communes = site["communes"]
    police = communes.police_tv.id
    _sign_in_focal(page, site["mail"], communes.focal_tv.email)
    section = page.locator("#bao-cao")
    expect(section.get_by_role("heading", name="Báo cáo tiến độ")).to_be_visible()
    with site["sessions"]() as session:  # the published plans that give the police a task, from the database
        plans = {f"{p.number} – {p.title}": p.id for p in session.scalars(select(Plan).where(
            Plan.status == "published")) if _expected(site, plan_id=p.id, agencies={police})}
    assert len(plans) == 2 and communes.plan_hp.id not in plans.values()
    items = section.locator("li")
    names = items.locator(".me-report-name").all_inner_texts()
    assert names[0] == "Tất cả kế hoạch" and sorted(names[1:]) == sorted(plans)
    _no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SCREENSHOTS / f"focal-reports-{request.node.callspec.id}.png"))

    whole = _expected(site, agencies={police})
    assert sum(whole.values()) == 5 and any(s.startswith("Trễ") for _, _, s in whole)
    scopes = [(f"bao-cao-tien-do-co-quan-{police}", whole)]
    scopes += [(f"bao-cao-tien-do-ke-hoach-{plans[n]}-co-quan-{police}",
                _expected(site, plan_id=plans[n], agencies={police})) for n in names[1:]]
    assert scopes[1][1] != whole and scopes[1][1] + scopes[2][1] == whole  # each plan's part, together the whole
    for item, (stem, expected) in zip(items.all(), scopes, strict=True):
        for label, suffix in (("Excel", "xlsx"), ("Word", "docx")):
            name, listed = _download(page, item.get_by_role("link", name=label))
            assert name == f"{stem}.{suffix}"
            assert listed == expected, name


def _failed_reminder(site: dict) -> int:
    """A reminder the dispatcher gave up on: its only channel refused the address for good, its day is over."""
    communes = site["communes"]
    past = datetime.now(UTC) - timedelta(days=2)
    with site["sessions"]() as session:
        reminder = Reminder(idempotency_key=f"failed:{uuid.uuid4()}", occurrence_id=communes.tv_support_soon.id,
                            contact_id=communes.focal_tv.id, channel="email", kind="before", lead_days=3,
                            fire_at=past, status="failed", attempts=3, last_error=FAILED, permanent_failure=True,
                            payload={"useful_until": (past + timedelta(hours=12)).isoformat()})
        session.add(reminder)
        session.commit()
        return reminder.id


@pytest.mark.parametrize("page", list(SIZES), indirect=True)
def test_the_admin_sends_a_stuck_reminder_again(page: Page, site: dict) -> None:
    reminder_id = _failed_reminder(site)
    van, phu = site["communes"].focal_tv.name, site["communes"].focal_hp.name
    _sign_in_admin(page, "/deliveries/stuck")
    row = page.locator("tbody tr", has=page.get_by_role("button", name=f"Gửi lại nhắc việc cho {van}"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(FAILED)
    expect(row.locator(".badge")).to_have_text("Lỗi")
    expect(page.locator("tbody tr", has_text=phu)).to_contain_text("Tạm giữ")
    _no_sideways_scroll(page)

    row.get_by_role("button", name=f"Gửi lại nhắc việc cho {van}").click()
    page.wait_for_url(f"**/deliveries/stuck?resent={reminder_id}")
    expect(page.get_by_role("status")).to_have_text(f"Đã đưa nhắc việc #{reminder_id} vào hàng đợi gửi lại.")
    expect(page.locator("tbody tr", has_text=van)).to_have_count(0)
    expect(page.locator("tbody tr", has_text=phu)).to_have_count(1)  # only the one pressed left the list
    _no_sideways_scroll(page)

    now = datetime.now(UTC)
    with site["sessions"]() as session:
        reminder = session.get(Reminder, reminder_id)
        assert (reminder.status, reminder.last_error, reminder.next_attempt_at) == ("pending", None, None)
        assert not reminder.permanent_failure
        assert datetime.fromisoformat(reminder.payload["useful_until"]) > now  # not ended again at once
        # exactly what the dispatcher claims next: queued now, not at some later retry
        assert session.scalar(select(REMINDERS.c.id).where(due_condition(now), REMINDERS.c.id == reminder_id))
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "reminder.send_again",
                                                       AuditLog.entity_id == reminder_id)).one()
        assert audit.actor == "admin" and audit.before["status"] == "failed"
