"""The review flow of issue 16 in Chromium at desktop (1366×768) and phone (390×844) sizes.

Upload seed 000 → the summary counts the tasks that need checking → "Chỉ xem mục cần kiểm tra" lists only those →
a bad date comes back beside its field with the typed value → fix a one-off and a recurring deadline and an agency
→ publish → upload a changed version → its diff → publish the revision, keeping the fixes. The run writes the review
page's screenshots to docs/screenshots/ (review-desktop.png, review-phone.png), which the README shows.
Each size gets its own server and database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.data import SEEDS
from tests.web.server import ROOT, TEST_HASHER, free_port, running_server, server_env, site_folder
from tests.web.test_web_browser import PLAN_PAGE, query

pytestmark = [pytest.mark.external_service, pytest.mark.slow]

SEED = SEEDS / "001_60666921a9a70147.txt"  # xã Thiệu Vân: rows read from a flattened PDF table, local agencies
PASSWORD = "mật-khẩu-xem-lại"
SCREENSHOTS = ROOT / "docs" / "screenshots"
ONE_OFF = "Tổ chức triển khai kế hoạch chuyển đổi số"  # VI.1, "Quý I/2025": 31/03/2025
RECURRING = "Triển khai đầy đủ, kịp thời chỉ đạo"  # VII.1, quarterly reports
AGENCY_TASK = "Tham mưu tuyển dụng, sử dụng, quản lý"  # IV.1, lead "Công chức Văn phòng – Thống kê"
CHANGED = "Tăng cường kiểm tra, giám sát việc quản lý"  # V.3, "Quý IV/2025." becomes "Quý III/2025."
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def site(tmp_path: Path, migrated_sqlite_template: Path) -> Iterator[dict]:
    config = site_folder(tmp_path, migrated_sqlite_template)
    port = free_port()
    env = server_env(f"http://127.0.0.1:{port}", f"sqlite:///{tmp_path / 'web.db'}", config, tmp_path / "mail",
                     TEST_HASHER.hash(PASSWORD))
    with running_server(env, port, tmp_path / "server.log") as url:
        yield {"url": url, "db": tmp_path / "web.db", "folder": tmp_path}



def _upload(page, folder: Path, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    path = folder / name
    path.write_text(text, encoding="utf-8")
    page.goto("/plans/upload")
    page.set_input_files("input[type=file]", path)
    page.click("form[action='/plans/upload'] button")
    page.wait_for_load_state()


def _sign_in_and_upload_seed(page, site: dict) -> None:  # type: ignore[no-untyped-def]
    """The admin signs in and uploads the seed; the page ends on the new plan's review."""
    page.goto("/plans")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/plans")
    _upload(page, site["folder"], SEED.name, SEED.read_text(encoding="utf-8"))
    page.wait_for_url(PLAN_PAGE)


def _task(page, text: str):  # type: ignore[no-untyped-def]
    return page.locator("article.task", has_text=text).first


def _no_sideways_scroll(page, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
def test_review_fix_publish_revise_and_publish_again(browser, site, size: str) -> None:  # type: ignore[no-untyped-def]
    viewport = SIZES[size]
    context = browser.new_context(viewport=viewport, base_url=site["url"], locale="vi-VN")
    page = context.new_page()
    _sign_in_and_upload_seed(page, site)
    text = SEED.read_text(encoding="utf-8")
    plan_url = page.url
    summary = page.locator("section.review-summary")
    total = page.locator("article.task").count()
    assert f"{total} nhiệm vụ" in summary.inner_text()
    flagged = int(summary.locator(".flagged-count").inner_text())
    assert 0 < flagged < total

    page.click("text=Chỉ xem mục cần kiểm tra")
    page.wait_for_url(re.compile(r".*\?can_kiem_tra=1$"))
    assert page.locator("article.task").count() == flagged == page.locator("article.task.flagged").count()
    anchors = page.eval_on_selector_all("ul.flags a", "links => links.map(a => a.getAttribute('href').slice(1))")
    assert anchors and all(page.locator(f"[id='{a}']").count() == 1 for a in anchors), "a warning links nowhere"
    headings = page.locator("article.task h2").all_inner_texts()
    assert len(set(headings)) == len(headings), f"two tasks share a label: {headings}"
    _no_sideways_scroll(page, viewport["width"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"review-{size}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"] * 3})
    page.keyboard.press("j")  # the first task that needs checking gets the focus
    assert page.evaluate("document.activeElement.id") == page.locator("article.task.flagged").first.get_attribute("id")
    page.click("text=Xem tất cả nhiệm vụ")
    page.wait_for_url(plan_url)
    if size == "phone":  # compact rows: the whole plan was ~780 px a task before, 45,000 px for a large plan
        assert page.evaluate("document.documentElement.scrollHeight") < total * 560

    # A bad date: the page comes back with the message beside the field and the typed value kept.
    milestone = _task(page, ONE_OFF).locator(".milestone", has_text="31/03/2025").first
    milestone.locator("summary", has_text="Sửa thời hạn").click()
    milestone.locator("input[name=due]").fill("31/02/2025")
    milestone.locator("button", has_text="Lưu thời hạn").click()
    page.wait_for_load_state()
    assert page.locator("h1", has_text="Lỗi 400").count() == 0
    field = page.locator("input[name=due][aria-invalid=true]")
    assert field.input_value() == "31/02/2025" and field.is_visible()
    assert "Ngày hạn không hợp lệ" in field.locator("xpath=../following-sibling::span[1]").inner_text()
    field.fill("15/04/2025")
    page.locator("form:has(input[name=due][aria-invalid=true]) button", has_text="Lưu thời hạn").click()
    page.wait_for_url(f"{plan_url}#task-*")
    fixed = _task(page, ONE_OFF).locator(".milestone", has_text="15/04/2025").first
    assert "đã sửa tay" in fixed.inner_text()

    # Saving a recurring deadline as loaded (the browser sends the rule with CRLF) changes nothing.
    recurring = _task(page, RECURRING).locator(".milestone").first
    recurring.locator("summary", has_text="Sửa thời hạn").click()
    recurring.locator("button", has_text="Lưu thời hạn").click()
    page.wait_for_url(f"{plan_url}#task-*")
    assert "Chưa lưu" not in page.content() and "đã sửa tay" not in _task(page, RECURRING).inner_text()

    # A recurring deadline in words: every six months, on the 20th.
    recurring = _task(page, RECURRING).locator(".milestone").first
    recurring.locator("summary", has_text="Sửa thời hạn").click()
    assert "Hằng quý" in recurring.locator(".recur-words").inner_text()
    assert not recurring.locator("input[name=due]").is_visible()  # the one-off date belongs to another kind
    assert recurring.locator("textarea[name=rrule]").input_value().split("\n")[1].startswith("RRULE:")
    recurring.locator("select[name=period]").select_option("half")
    recurring.locator("select[name=day]").select_option("20")
    # before saving, the dates it would have (the rule is written into the expert box too)
    expect(recurring.locator(".recur-preview")).to_contain_text("20/06/2025")
    assert "BYMONTH=6,12;BYMONTHDAY=20" in recurring.locator("textarea[name=rrule]").input_value()
    recurring.locator("button", has_text="Lưu thời hạn").click()
    page.wait_for_url(f"{plan_url}#task-*")
    recurring = _task(page, RECURRING).locator(".milestone").first
    assert "20/06/2025" in recurring.inner_text() and "30/09/2025" not in recurring.inner_text()
    assert query(site, "SELECT rrule FROM milestones WHERE rrule LIKE '%BYMONTH=6,12;BYMONTHDAY=20%'")

    # An agency: the lead of task I.1 takes over IV.1.
    [(new_lead,)] = query(site, "SELECT a.name FROM agencies a JOIN assignments s ON s.agency_id = a.id "
                                "JOIN tasks t ON t.id = s.task_id WHERE s.role = 'lead' AND t.content LIKE ? "
                                "LIMIT 1", "Tiếp tục đổi mới, nâng cao chất lượng%")
    lead = _task(page, AGENCY_TASK).locator("ul.assignments li", has_text="Chủ trì").first
    lead.locator("summary", has_text="Đổi cơ quan").click()
    lead.locator("select[name=agency_id]").select_option(label=new_lead)
    lead.locator("button", has_text=re.compile("^Lưu$")).click()
    page.wait_for_url(f"{plan_url}#task-*")
    assert new_lead in _task(page, AGENCY_TASK).locator("ul.assignments").inner_text()

    page.click("text=Ban hành kế hoạch")
    page.wait_for_url(plan_url)
    assert "Đã ban hành" in page.content()

    # A changed version: a draft revision whose diff names each deadline old → new and the kept fixes.
    _upload(page, site["folder"], "thieu-van-sua-doi.txt", text.replace("Quý IV/2025. \n", "Quý III/2025. \n", 1))
    page.wait_for_url("**/revision")
    page.goto(plan_url)
    assert "20/06/2025" in _task(page, RECURRING).inner_text(), "the live plan changed before publishing"
    page.go_back()
    diff = page.locator("section.revision-diff")
    assert "Thêm 0, sửa 1, bỏ 0 nhiệm vụ" in diff.inner_text()
    changed = page.locator("article.task-diff", has_text=CHANGED)
    rows = {row.locator("th").inner_text(): (row.locator("td.old").inner_text(), row.locator("td.new").inner_text())
            for row in changed.locator("tbody tr").all()}
    assert rows["Hạn"] == ("31/12/2025", "30/09/2025")
    fixes = page.locator("ul.fixes").inner_text()
    assert new_lead in fixes and "15/04/2025" in fixes and fixes.count("Giữ nguyên") >= 3, fixes
    _no_sideways_scroll(page, viewport["width"])
    changed.locator("a", has_text="bản sửa đổi").click()
    assert "#task-" in page.url and "Bản nháp" not in page.url
    page.go_back()

    page.click("text=Ban hành bản sửa đổi")
    page.wait_for_url(plan_url)
    assert "30/09/2025" in _task(page, CHANGED).inner_text()
    assert "15/04/2025" in _task(page, ONE_OFF).inner_text() and "20/06/2025" in _task(page, RECURRING).inner_text()
    assert new_lead in _task(page, AGENCY_TASK).locator("ul.assignments").inner_text()

    page.click("text=Hoàn tác bản sửa đổi vừa ban hành")  # the admin's undo: the previous version is live again
    page.wait_for_url(plan_url)
    assert "31/12/2025" in _task(page, CHANGED).inner_text() and "30/09/2025" not in _task(page, CHANGED).inner_text()
    assert "15/04/2025" in _task(page, ONE_OFF).inner_text()
    context.close()


@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
def test_an_edit_sent_after_the_session_ended_survives_the_sign_in(browser, site, size: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=SIZES[size], base_url=site["url"], locale="vi-VN")
    page = context.new_page()
    _sign_in_and_upload_seed(page, site)
    plan_url = page.url
    milestone = _task(page, ONE_OFF).locator(".milestone", has_text="31/03/2025").first
    milestone.locator("summary", has_text="Sửa thời hạn").click()
    milestone.locator("input[name=due]").fill("10/04/2025")
    query(site, "UPDATE login_sessions SET ended_at = CURRENT_TIMESTAMP, ended_reason = 'idle'")  # the session expires
    milestone.locator("button", has_text="Lưu thời hạn").click()
    page.wait_for_load_state()
    assert "Phiên đăng nhập đã hết hạn" in page.content()
    page.fill("input[name=password]", "sai-mật-khẩu")  # one typo on the way
    page.click("form[action='/login'] button")
    page.wait_for_load_state()
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_load_state()
    assert "10/04/2025" in page.locator("#resume-form").inner_text()
    page.click("#resume-form button")
    page.wait_for_url(f"{plan_url}#task-*")
    assert "10/04/2025" in _task(page, ONE_OFF).inner_text()
    assert query(site, "SELECT count(*) FROM milestones WHERE due = '2025-04-10'") == [(1,)]
    context.close()


def test_without_javascript_an_agency_is_named_in_words(browser, site) -> None:  # type: ignore[no-untyped-def]
    """A browser without JavaScript never gets the page's agency list (review.js copies it in): the "Đổi cơ quan"
    form then takes the agency's name; a name nobody has comes back beside that field, nothing changed."""
    context = browser.new_context(viewport=SIZES["phone"], base_url=site["url"], locale="vi-VN",
                                  java_script_enabled=False)
    page = context.new_page()
    _sign_in_and_upload_seed(page, site)
    lead = _task(page, AGENCY_TASK).locator("ul.assignments li", has_text="Chủ trì").first
    assignment = int(lead.locator("form").get_attribute("action").rsplit("/", 1)[1])
    before = query(site, "SELECT agency_id FROM assignments WHERE id = ?", assignment)
    lead.locator("summary", has_text="Đổi cơ quan").click()
    named = lead.locator("input[name=agency_name]")
    named.fill("Cơ quan không có thật")
    lead.locator("button", has_text=re.compile("^Lưu$")).click()
    expect(page.locator("input[name=agency_name][aria-invalid=true]")).to_have_count(1)
    lead = _task(page, AGENCY_TASK).locator("ul.assignments li", has_text="Chủ trì").first
    named = lead.locator("input[name=agency_name]")
    assert named.get_attribute("aria-invalid") == "true" and named.input_value() == "Cơ quan không có thật"
    assert "Không có cơ quan tên «Cơ quan không có thật»" in page.locator(
        f"#{named.get_attribute('aria-describedby')}").inner_text()
    assert query(site, "SELECT agency_id FROM assignments WHERE id = ?", assignment) == before

    other = query(site, "SELECT min(id), name FROM agencies WHERE id != ? GROUP BY name HAVING count(*) = 1 "
                        "ORDER BY name LIMIT 1", before[0][0])[0]
    named.fill(other[1].upper())  # case and spacing aside
    lead.locator("button", has_text=re.compile("^Lưu$")).click()
    page.wait_for_url(re.compile(r".*/plans/\d+#task-.*"))
    assert query(site, "SELECT agency_id FROM assignments WHERE id = ?", assignment) == [(other[0],)]
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"]["width"]
    context.close()
