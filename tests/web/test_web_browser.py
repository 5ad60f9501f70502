"""The app in a real uvicorn server driven by Debian's Chromium through Playwright.

One server (SQLite temp file, private config copy) serves every test of this module. The main flow:
log in, upload seed 000, correct one milestone, publish, see it on the agency page and in its feed,
plan reminders, mark the occurrence done, see its reminders cancelled. Then bad input: non-documents,
a 30 MB file, HTML/JS in plan text, a stale CSRF token — each refused or escaped, nothing stored.
Screenshots (desktop and phone) go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from ingest.errors import MAX_BYTES
from tests.support.data import SEEDS
from tests.web.server import ROOT, TEST_HASHER, free_port, running_server, server_env, site_folder
from web.importing import NOT_ALLOWED

pytestmark = [pytest.mark.external_service, pytest.mark.slow]

SEED_000 = SEEDS / "000_7ac37e54dd30bcb3.txt"
ARTIFACTS = ROOT / "tests" / "artifacts"
PASSWORD = "mật-khẩu-trình-duyệt"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FIRST_TASK = "Kế hoạch kiểm tra, rà soát văn bản QPPL"
PLAN_PAGE = re.compile(r".*/plans/\d+$")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("browser")
    config = site_folder(folder, migrated_sqlite_template)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(base, f"sqlite:///{folder / 'web.db'}", config, folder / "mail", TEST_HASHER.hash(PASSWORD))
    with running_server(env, port, folder / "server.log") as url:
        yield {"url": url, "db": folder / "web.db", "env": env, "folder": folder}



@pytest.fixture
def page(browser, site, tmp_path):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, base_url=site["url"], locale="vi-VN")
    dialogs: list[str] = []
    tab = context.new_page()
    tab.uploads = tmp_path
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.dialogs = dialogs
    yield tab
    assert dialogs == [], f"a JavaScript dialog fired: {dialogs}"
    context.close()


def query(site: dict, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(site["db"]) as connection:
        return connection.execute(sql, params).fetchall()


def counts(site: dict) -> tuple[int, ...]:
    return tuple(query(site, f"SELECT count(*) FROM {t}")[0][0]
                 for t in ("plans", "tasks", "milestones", "agencies", "contacts"))


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=label == "phone")
    page.set_viewport_size(DESKTOP)


def log_in(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/plans")
    assert "/login" in page.url
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/plans")


def upload(page, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    """Choose a file as a person does, from disk (a buffer crosses the driver's pipe in base64: 25 s for 20 MB)."""
    path = page.uploads / name  # kept until the test ends: the browser reads it while the form is sent
    path.write_bytes(data)
    page.goto("/plans/upload")
    page.set_input_files("input[type=file]", path)
    page.click("form[action='/plans/upload'] button")


def test_it_runs_the_whole_review_publish_feed_done_flow(page, site) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    upload(page, SEED_000.name, SEED_000.read_bytes())
    page.wait_for_url(PLAN_PAGE)
    assert "Bản nháp — chưa ai được nhắc" in page.content()
    stored = query(site, "SELECT count(*) FROM tasks WHERE origin = 'table'")[0][0]
    assert stored == 42 and page.locator("article.task").count() == len(query(site, "SELECT id FROM tasks"))
    shoot(page, "review")

    first = page.locator(".milestone", has_text=FIRST_TASK).first
    assert "31/03/2025" in first.inner_text()
    first.locator("summary", has_text="Sửa thời hạn").click()
    first.locator("input[name=due]").fill("15/04/2025")
    first.locator("button", has_text="Lưu thời hạn").click()
    page.wait_for_load_state()
    corrected = page.locator(".milestone", has_text=FIRST_TASK).first
    assert "15/04/2025" in corrected.inner_text() and "đã sửa tay" in corrected.inner_text()

    page.click("text=Ban hành kế hoạch")
    page.wait_for_load_state()
    assert "Đã ban hành" in page.content()

    page.goto("/policy")  # one message per milestone, so the reminders belong to the occurrence
    editor = page.locator("form[action='/policy/policy.toml'] textarea")
    editor.fill(editor.input_value().replace('digest = "daily"', 'digest = "each"'))
    page.click("form[action='/policy/policy.toml'] button")
    assert "Đã lưu policy.toml" in page.content()

    page.goto("/agencies?q=Sở Tư pháp")
    page.click("a:text-is('Sở Tư pháp')")
    agency_url = page.url
    assert FIRST_TASK in page.content()
    page.click("summary:text('Thêm người nhận')")
    page.fill("form[action$='/contacts'] input[name=name]", "Nguyễn Văn An")
    page.fill("form[action$='/contacts'] input[name=email]", "an@stp.test")
    page.click("form[action$='/contacts'] button")
    page.wait_for_url(agency_url)
    shoot(page, "agency")

    page.fill("form[action$='/feed-tokens'] input[name=name]", "Điện thoại chánh văn phòng")
    page.click("form[action$='/feed-tokens'] button")
    page.wait_for_url("**/subscribe/*")
    assert "webcal://" in page.locator("a", has_text="Apple").get_attribute("href")
    shoot(page, "subscribe")
    feed_url = page.locator("input.copy").input_value()
    feed = page.request.get(feed_url)
    assert feed.status == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert [e["DTSTART"].dt for e in events if FIRST_TASK in str(e["SUMMARY"])] == [date(2025, 4, 15)]

    plan = subprocess.run([sys.executable, "-m", "hanchot", "remind", "--now", "2025-04-14T07:00"], cwd=ROOT,
                          env=site["env"], capture_output=True, text=True, timeout=120)
    assert plan.returncode == 0, plan.stderr
    occurrence_id, = query(site, "SELECT o.id FROM occurrences o JOIN milestones m ON m.id = o.milestone_id "
                                 "WHERE o.due = '2025-04-15' AND m.label = ?", FIRST_TASK)[0]
    assert query(site, "SELECT status FROM reminders WHERE occurrence_id = ?", occurrence_id) != []
    assert {s for (s,) in query(site, "SELECT status FROM reminders WHERE occurrence_id = ?", occurrence_id)} \
        == {"pending"}

    page.goto(agency_url)
    row = page.locator("tr", has_text=FIRST_TASK).first
    row.locator("button", has_text="Đánh dấu hoàn thành").click()
    page.wait_for_url(agency_url)
    assert "Đã hoàn thành" in page.locator("tr", has_text=FIRST_TASK).first.inner_text()
    assert query(site, "SELECT status FROM occurrences WHERE id = ?", occurrence_id) == [("done",)]
    assert {s for (s,) in query(site, "SELECT status FROM reminders WHERE occurrence_id = ?", occurrence_id)} \
        == {"cancelled"}

    page.goto("/")
    shoot(page, "dashboard")
    page.goto("/audit")
    assert "đã đánh dấu hoàn thành hạn" in page.content() and "đã sửa thời hạn" in page.content()


def test_it_refuses_bad_uploads_with_vietnamese_messages(page, site) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    before = counts(site)
    for name, data, message in [
            ("virus.exe", b"MZ\x90\x00", NOT_ALLOWED),
            ("plan.pdf", b"not a pdf at all", "Tệp không phải là tài liệu Word/PDF/văn bản hợp lệ."),
            ("big.txt", b"x" * (MAX_BYTES + 1), "Tệp lớn hơn 20 MB."),  # one byte over: the browser sends it all
            ("notes.txt", "Ghi chú không có bảng nhiệm vụ.".encode(), "Không tìm thấy bảng nhiệm vụ")]:
        upload(page, name, data)
        page.wait_for_load_state()
        assert message in page.locator(".flash.error").inner_text(), name
    assert counts(site) == before


def test_it_escapes_html_and_script_from_plan_text(page, site) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    first_task = "Ban hành và tổ chức thực hiện việc kiểm tra"
    text = SEED_000.read_text(encoding="utf-8").replace(first_task, f"<script>alert('xss')</script> {first_task}", 1)
    # A plan of its own: the seed published earlier in this module, uploaded again, would open a revision.
    text = text.replace("Số: /QĐ-UBND", "Số: 999/QĐ-UBND", 1)
    upload(page, "xss.txt", text.encode())
    page.wait_for_url(PLAN_PAGE)
    assert "&lt;script&gt;alert('xss')&lt;/script&gt;" in page.content()
    # shown as text, never run: the only scripts are the app's own files
    assert page.evaluate("document.querySelectorAll('script:not([src^=\"/static/\"])').length") == 0


def test_it_refuses_a_stale_csrf_token_in_the_browser(page, site) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    before = counts(site)
    page.goto("/agencies")
    page.click("summary:text('Thêm cơ quan')")
    page.fill("form[method=post][action='/agencies'] input[name=name]", "Sở Thử Nghiệm")
    page.eval_on_selector("form[method=post][action='/agencies'] input[name=csrf_token]", "e => e.value = 'stale'")
    page.click("form[method=post][action='/agencies'] button")
    page.wait_for_load_state()
    assert "Phiên làm việc đã thay đổi nên thay đổi này chưa được lưu." in page.content()  # web.pending
    assert counts(site) == before


def test_the_month_calendar_has_seven_equal_columns_on_a_desktop_and_a_list_on_a_phone(page, site) -> None:  # type: ignore[no-untyped-def]
    page.goto("/calendar?month=2025-03")
    widths = page.eval_on_selector_all("table.month thead th", "ths => ths.map(th => th.getBoundingClientRect().width)")
    assert len(widths) == 7 and max(widths) - min(widths) < 1.5, widths
    assert page.locator(".month-list").first.is_hidden()
    page.keyboard.press("Tab")  # the first stop of the keyboard is the skip link
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua, tới nội dung chính"
    page.set_viewport_size(PHONE)
    page.goto("/calendar?month=2025-03")
    assert page.locator(".month-grid").is_hidden() and page.locator(".month-list").first.is_visible()
    log_in(page)  # an agency with a contact of its own, so its page has the contacts table
    csrf = page.locator("input[name=csrf_token]").first.input_value()
    page.request.post("/agencies", form={"csrf_token": csrf, "name": "Sở Thử nghiệm Giao diện", "level": "tinh"})
    agency_id = query(site, "SELECT id FROM agencies WHERE name = 'Sở Thử nghiệm Giao diện'")[0][0]
    page.request.post(f"/agencies/{agency_id}/contacts", form={
        "csrf_token": csrf, "name": "Trần Thị Bình", "email": "binh.rat.dai.de.tran.dong@so-thu-nghiem.test",
        "phone": "0912345678", "channels": "email"})
    assert query(site, "SELECT count(*) FROM contacts WHERE agency_id = ?", agency_id)[0][0] == 1
    for path in ("/calendar?month=2025-03", "/agencies", f"/agencies/{agency_id}", "/deadlines?status=all", "/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px on a phone"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_wrong_password_is_refused_beside_its_field_and_the_next_try_goes_on(page, site, size) -> None:  # type: ignore[no-untyped-def]
    """The message sits under the password field (aria-describedby, announced), the user name and the page asked
    for are kept, the password is not echoed, the cursor is back in it; the right password then opens that page."""
    page.set_viewport_size(size)
    page.goto("/plans/upload")
    assert "/login" in page.url
    page.fill("form[action='/login'] input[name=password]", "mật-khẩu-sai")
    page.click("form[action='/login'] button")
    password = page.locator("form[action='/login'] input[name=password]")
    expect(password).to_have_attribute("aria-invalid", "true")
    message = page.locator(f"#{password.get_attribute('aria-describedby')}")
    expect(message).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    assert message.get_attribute("role") == "alert"
    expect(password).to_be_focused()
    assert password.input_value() == "" and "mật-khẩu-sai" not in page.content()
    assert page.locator("form[action='/login'] input[name=username]").input_value() == "admin"
    field_box, message_box = password.bounding_box(), message.bounding_box()
    assert 0 <= message_box["y"] - (field_box["y"] + field_box["height"]) < 40  # right under the field
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    password.fill(PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/plans/upload")
