"""A new version of a published plan, in Chromium at desktop (1366×768) and phone (390×844) sizes.

Upload seed 004 → publish → fix an agency by hand → upload a changed version → the diff shows the deadline old →
new and the kept fix → publish the revision → the live plan shows the new date and still the admin's agency.
Each size gets its own server and database (the flow starts from an empty database).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.data import SEEDS
from tests.web.server import ROOT, TEST_HASHER, free_port, running_server, server_env, site_folder
from tests.web.test_web_browser import PLAN_PAGE, query

pytestmark = [pytest.mark.external_service, pytest.mark.slow]  # a server and Chromium

[SEED] = SEEDS.glob("004_*.txt")
PASSWORD = "mật-khẩu-bản-sửa-đổi"
ARTIFACTS = ROOT / "tests" / "artifacts"
FIXED_AGENCY = "Phòng Văn bản quy phạm, Sở Tư pháp"
TASK = "Thực hiện trả kết quả đăng ký khai sinh, đăng ký thường trú"  # 1-6: "Quý I/2019." becomes "Quý II/2019."


@pytest.fixture
def site(tmp_path: Path, migrated_sqlite_template: Path) -> Iterator[dict]:
    config = site_folder(tmp_path, migrated_sqlite_template)
    port = free_port()
    env = server_env(f"http://127.0.0.1:{port}", f"sqlite:///{tmp_path / 'web.db'}", config, tmp_path / "mail",
                     TEST_HASHER.hash(PASSWORD))
    with running_server(env, port, tmp_path / "server.log") as url:
        yield {"url": url, "db": tmp_path / "web.db"}



def _upload(page, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/plans/upload")
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": "text/plain",
                                                      "buffer": text.encode()}])
    page.click("form[action='/plans/upload'] button")
    page.wait_for_load_state()


@pytest.mark.parametrize("size", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_a_changed_version_is_diffed_then_published_keeping_the_admins_fix(browser, site, size) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=size, base_url=site["url"], locale="vi-VN")
    page = context.new_page()
    page.goto("/plans")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/plans")
    query(site, "INSERT INTO agencies (name, level, is_group, needs_review, aliases, created_at) "
                "VALUES (?, 'tinh', 0, 0, '[]', CURRENT_TIMESTAMP)", FIXED_AGENCY)

    text = SEED.read_text(encoding="utf-8")
    _upload(page, SEED.name, text)
    page.wait_for_url(PLAN_PAGE)
    live_url = page.url
    page.click("text=Ban hành kế hoạch")
    page.wait_for_load_state()
    assert "Đã ban hành" in page.content()

    task = page.locator("article.task", has_text=TASK).first
    lead = task.locator("ul.assignments li", has_text="Chủ trì").first
    lead.locator("summary", has_text="Đổi").click()
    lead.locator("select[name=agency_id]").select_option(label=FIXED_AGENCY)
    lead.locator("button", has_text="Lưu").click()
    page.wait_for_url(f"{live_url}*")
    assert FIXED_AGENCY in page.locator("article.task", has_text=TASK).first.inner_text()

    _upload(page, "4784-sua-doi.txt", text.replace("\tQuý I/2019.\n", "\tQuý II/2019.\n", 1))
    page.wait_for_url("**/revision")
    diff = page.locator("section.revision-diff")
    assert "Thêm 0, sửa 1, bỏ 0 nhiệm vụ" in diff.inner_text()
    changed = page.locator("article.task-diff", has_text=TASK)
    rows = {row.locator("th").inner_text(): (row.locator("td.old").inner_text(), row.locator("td.new").inner_text())
            for row in changed.locator("tbody tr").all()}
    assert rows["Thời hạn (nguyên văn)"] == ("Quý I/2019.", "Quý II/2019.")
    assert rows["Hạn"] == ("01/04/2019", "01/07/2019")
    fixes = page.locator("ul.fixes").inner_text()
    assert "Giữ nguyên" in fixes and FIXED_AGENCY in fixes
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], "the diff scrolls sideways"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"revision-diff-{size['width']}.png"), full_page=True)
    changed.locator("a", has_text="bản đang ban hành").click()
    assert page.url.startswith(live_url) and "#task-" in page.url
    page.go_back()

    page.click("text=Ban hành bản sửa đổi")
    page.wait_for_url(live_url)
    task = page.locator("article.task", has_text=TASK).first
    assert "01/07/2019" in task.inner_text() and "01/04/2019" not in task.inner_text()
    assert FIXED_AGENCY in task.locator("ul.assignments").inner_text()
    assert query(site, "SELECT count(*) FROM plans") == [(2,)]  # the live plan and its previous version
    context.close()
