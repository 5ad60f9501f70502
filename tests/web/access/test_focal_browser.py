"""A focal point in Debian's Chromium, at 1366×768 and 390×844: signs in by the emailed link, subscribes to its
own calendar, closes one of its deadlines and undoes it, and gets 403 on the other commune's. The server runs
with HANCHOT_REQUIRE_LOGIN=1 (each focal point reads only its unit). Screenshots of the home go to
docs/screenshots/ (focal-home-desktop.png, focal-home-phone.png)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from models.db import make_engine, session_factory
from tests.web.access.support import build_communes, mails_in, read_link
from tests.web.server import ROOT, TEST_HASHER, free_port, running_server, server_env, site_folder

pytestmark = [pytest.mark.external_service, pytest.mark.slow]  # a server and Chromium

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = ROOT / "docs" / "screenshots"
ARTIFACTS = ROOT / "tests" / "artifacts"  # git-ignored
MINE = "Báo cáo tình hình an ninh"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("focal")
    config = site_folder(folder, migrated_sqlite_template)
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    with session_factory(engine)() as session:
        communes = build_communes(session)
        session.commit()
    engine.dispose()
    port = free_port()
    env = {**server_env(f"http://127.0.0.1:{port}", f"sqlite:///{folder / 'web.db'}", config, folder / "mail",
                        TEST_HASHER.hash("mật-khẩu-quản-trị")), "HANCHOT_REQUIRE_LOGIN": "1"}
    with running_server(env, port, folder / "server.log") as url:
        yield {"url": url, "db": folder / "web.db", "mail": folder / "mail", "communes": communes}



def _status(site: dict, occurrence_id: int) -> str:
    with sqlite3.connect(site["db"]) as connection:
        return connection.execute("SELECT status FROM occurrences WHERE id = ?", (occurrence_id,)).fetchone()[0]


def _sign_in(page, site: dict, address: str = "van@thieuvan.test",  # type: ignore[no-untyped-def]
             home: str = "Việc của Công an xã Thiệu Vân") -> None:
    page.goto("/me")
    assert "/login" in page.url  # nothing is open without signing in
    page.fill("form[action='/login/email'] input[name=email]", address)
    earlier = mails_in(site["mail"])  # an earlier test's email to this address holds a used link
    page.click("form[action='/login/email'] button")
    assert "liên kết đăng nhập vừa được gửi" in page.locator(".flash").inner_text()
    page.goto(read_link(site["mail"], address, before=earlier))
    page.click("text=Tiếp tục đăng nhập")
    page.wait_for_url("**/me")
    assert page.locator("h1").inner_text() == home


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_focal_point_signs_in_subscribes_closes_undoes_and_is_refused_elsewhere(browser, site, size) -> None:
    communes = site["communes"]
    context = browser.new_context(viewport=SIZES[size], base_url=site["url"], locale="vi-VN",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        _sign_in(page, site)
        assert page.locator("nav a", has_text="Kế hoạch").count() == 0  # no link to a page it cannot open

        create = page.locator("button", has_text="Tạo đường dẫn lịch của tôi")
        if create.count():
            create.click()
            page.wait_for_url("**/me?msg=feed#lich")
        feed_url = page.locator("#feed-url").input_value()
        webcal = feed_url.replace("http://", "webcal://", 1)
        assert page.locator("a", has_text="Apple Lịch").get_attribute("href") == webcal
        assert "calendar.google.com" in page.locator("a", has_text="Google Lịch").get_attribute("href")
        assert "addfromweb" in page.locator("a", has_text="Outlook (Microsoft 365)").get_attribute("href")
        page.click("button:has-text('Sao chép đường dẫn')")
        # the clipboard answers asynchronously: wait for the status line rather than read it at once
        expect(page.locator("#copy-status")).to_have_text(re.compile(r"Đã sao chép đường dẫn lịch\.|Ctrl\+C"))
        feed = page.request.get(feed_url)
        assert feed.status == 200
        summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")]
        assert any(MINE in s for s in summaries) and not any("Tuyên truyền phòng cháy" in s for s in summaries)

        page.get_by_role("button", name=f"Đánh dấu hoàn thành: 2. {MINE}", exact=False).click()
        page.wait_for_url("**/me?msg=done*")
        assert "Đã đánh dấu hoàn thành" in page.locator(".flash").inner_text()
        assert _status(site, communes.tv_lead_soon.id) == "done"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"focal-home-{size}.png"), full_page=True)
        page.get_by_role("button", name=f"Hủy đánh dấu hoàn thành: 2. {MINE}", exact=False).first.click()
        page.wait_for_url("**/me?msg=undone*")
        assert _status(site, communes.tv_lead_soon.id) == "open"

        other_task = page.goto(f"/tasks/{communes.hp_lead_soon.milestone.task_id}")
        assert other_task.status == 403 and "Bạn không có quyền xem trang này." in page.content()
        csrf = page.goto("/me") and page.locator("input[name=csrf_token]").first.input_value()
        forced = page.request.post(f"/occurrences/{communes.hp_lead_soon.id}/done", form={"csrf_token": csrf})
        assert forced.status == 403 and _status(site, communes.hp_lead_soon.id) == "open"
    finally:
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_focal_point_types_a_wrong_extension_date_sees_why_beside_it_and_fixes_it(browser, site, size) -> None:
    """From /me: 31/02/2026 comes back beside the date field (aria-describedby), the typed date and reason kept,
    nothing stored; the corrected date is sent and waits for the admin."""
    communes = site["communes"]
    # each commune's focal point once: three sign-in links an address per window (web.ratelimit)
    asked, address, home = (communes.tv_lead_overdue, "van@thieuvan.test", "Việc của Công an xã Thiệu Vân") \
        if size == "desktop" else (communes.hp_lead_soon, "phu@hoangphu.test", "Việc của Công an xã Hoàng Phú")
    context = browser.new_context(viewport=SIZES[size], base_url=site["url"], locale="vi-VN")
    page = context.new_page()
    try:
        _sign_in(page, site, address, home)
        row = page.locator(f"#o{asked.id}")
        row.locator("summary", has_text="Đề nghị gia hạn").click()
        row.locator("input[name=new_due]").fill("31/02/2026")
        row.locator("input[name=reason]").fill("Chờ số liệu của các thôn")
        row.get_by_role("button", name="Gửi đề nghị gia hạn", exact=False).click()

        due_field = page.locator(f"#form-extension-request-{asked.id} input[name=new_due]")
        expect(due_field).to_have_attribute("aria-invalid", "true")
        assert page.locator("h1").inner_text() == home  # the page it was sent from
        assert (due_field.input_value(), page.locator(f"#form-extension-request-{asked.id} input[name=reason]")
                .input_value()) == ("31/02/2026", "Chờ số liệu của các thôn")
        message = page.locator(f"#{due_field.get_attribute('aria-describedby')}")
        expect(message).to_have_text(re.compile(r'^Ngày đề nghị gia hạn không hợp lệ: "31/02/2026"'))
        expect(due_field).to_be_focused()  # the cursor is in the field to fix, scrolled into view
        field_box, message_box = due_field.bounding_box(), message.bounding_box()
        assert 0 <= message_box["y"] - (field_box["y"] + field_box["height"]) < 40  # right under the field
        assert message_box["x"] + message_box["width"] <= SIZES[size]["width"]  # readable on the phone too
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
        assert _extensions(site, asked.id) == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        message.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"focal-refused-request-{size}.png"))

        later = (asked.effective_due + timedelta(days=20)).strftime("%d/%m/%Y")
        due_field.fill(later)
        page.get_by_role("button", name="Gửi đề nghị gia hạn", exact=False).and_(
            page.locator(f"#form-extension-request-{asked.id} button")).click()
        page.wait_for_url("**/me?msg=asked*")
        assert "Đã gửi đề nghị gia hạn" in page.locator(".flash").inner_text()
        expect(page.locator(f"#o{asked.id}")).to_contain_text(f"Đề nghị gia hạn đến {later} đang chờ duyệt")
        assert _extensions(site, asked.id) == [("requested", asked.effective_due + timedelta(days=20))]
    finally:
        context.close()


def _extensions(site: dict, occurrence_id: int) -> list[tuple[str, date]]:
    with sqlite3.connect(site["db"]) as connection:
        return [(status, date.fromisoformat(new_due)) for status, new_due in connection.execute(
            "SELECT status, new_due FROM extensions WHERE occurrence_id = ?", (occurrence_id,))]
