"""Every HTML page of the app in Debian's Chromium, as the admin, a focal point and an anonymous visitor, with axe-core
(WCAG 2.0/2.1/2.2 A and AA rules, and best practices) injected; each page's controls name what they act on (115
buttons all called "Đánh dấu hoàn thành" tell a screen reader user nothing); every answered form says what happened
in a status or alert; the focal point and the visitor meet no link to a page they cannot open. The walk must cover
every GET route of the app that answers HTML: a new page without a visit here fails the test.

Two servers on copies of one SQLite file filled before they start (the focal point's runs with
HANCHOT_REQUIRE_LOGIN=1, where it may read only its unit): seed plan 000 published (49 tasks, prose paragraphs giving
one sentence to several agencies), 220/KH-UBND published and 21/KH-UBND (which cites it) published with a pending
revision under review, two communes with a focal point, a draft, a feed token, a pending extension request, a failed
reminder and an email outage. Desktop size (1366×768); the admin's pages, the focal point's home and a task page
also at phone size (390×844).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from calendars.access import create_token
from models import ChannelOutage, FeedScope, LoginSession, Plan, Reminder, Task
from models.db import make_engine, session_factory
from scheduler.links import make_token
from tests.support.data import SEEDS
from tests.web.a11y import AXE, Checker
from tests.web.access.support import build_communes, mails_in, read_link
from tests.web.access.test_headers_and_paths import _all_routes, settings_for_walk
from tests.web.conftest import PASSWORD, PASSWORD_HASH
from tests.web.server import free_port, running_server, server_env, site_folder
from tests.workrules.helpers import PLAN_21, PLAN_220
from web.importing import import_file
from workrules.extensions import request_extension
from workrules.rules import load_work_rules

pytestmark = [pytest.mark.external_service, pytest.mark.slow]  # a server and Chromium

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SECRET = "browser-test-secret-0123456789"  # tests/web/server.py server_env
FOCAL = "van@thieuvan.test"
# GET routes that answer something other than a page a person reads, each with an address the admin asks to prove it.
NOT_PAGES = {"/feeds/{filename}": "/feeds/{token}.ics", "/api/plans": "/api/plans",
             "/api/plans/{plan_id}": "/api/plans/{seed}", "/api/agencies": "/api/agencies",
             "/api/occurrences": "/api/occurrences", "/api/openapi.json": "/api/openapi.json",
             "/milestones/{milestone_id}/preview": "/milestones/{milestone}/preview?source=text&rrule=FREQ%3DYEARLY",
             "/plans/{plan_id}/report.{fmt}": "/plans/{seed}/report.xlsx",
             "/agencies/{agency_id}/report.{fmt}": "/agencies/{police_tv}/report.docx", "/healthz": "/healthz"}


def _publish(session, path: Path, config: Path, text: str | None = None) -> Plan:  # type: ignore[no-untyped-def]
    if text is not None:  # a changed copy of the file: a new version of the published plan
        path = config.parent / f"changed-{path.name}"
        path.write_text(text, encoding="utf-8")
    plan, _, _ = import_file(session, path, None, config)
    return plan


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite_template: Path) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("a11y")
    config = site_folder(folder, migrated_sqlite_template)
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    now = datetime.now(UTC)
    with session_factory(engine)() as session:
        seed = _publish(session, SEEDS / "000_7ac37e54dd30bcb3.txt", config)
        cited, live = _publish(session, PLAN_220, config), _publish(session, PLAN_21, config)
        seed.status = cited.status = live.status = "published"
        session.flush()
        revision = _publish(session, PLAN_21, config, PLAN_21.read_text(encoding="utf-8").replace(
            "Chậm nhất ngày 02/01/2026", "Chậm nhất ngày 09/01/2026"))
        citing_task = session.scalars(select(Task).where(Task.plan_id == live.id, Task.number == "5")).one()
        communes = build_communes(session)
        token, _ = create_token(session, scope=FeedScope.AGENCY, agency_id=communes.police_tv.id, name="Điện thoại")
        calendar = load_work_rules(config).calendar
        request_extension(session, communes.tv_lead_overdue.id,
                          calendar.on_or_after(communes.tv_lead_overdue.effective_due + timedelta(days=20)),
                          "Chờ số liệu của huyện", requested_by=f"contact:{communes.focal_tv.id} Lê Thị Vân", now=now)
        session.add(Reminder(idempotency_key="a11y:failed", occurrence_id=communes.tv_lead_soon.id,
                             contact_id=communes.focal_tv.id, channel="email", kind="before", lead_days=3,
                             fire_at=now - timedelta(hours=3), status="failed", attempts=3,
                             last_error="Không gửi được: lỗi vĩnh viễn trên kênh email (550)."))
        session.add(ChannelOutage(channel="email", started_at=now - timedelta(hours=2),
                                  last_error="SMTP 127.0.0.1:25 unreachable"))
        session.commit()
        ids = {"seed": seed.id, "live": live.id, "revision": revision.id, "draft": communes.draft.id,
               "citing_task": citing_task.id, "seed_task": seed.tasks[0].id,
               "milestone": seed.tasks[0].milestones[0].id, "police_tv": communes.police_tv.id,
               "police_hp": communes.police_hp.id, "overdue_task": communes.tv_lead_overdue.milestone.task_id,
               "soon_task": communes.tv_lead_soon.milestone.task_id,
               "other_task": communes.hp_lead_soon.milestone.task_id,
               "done_link": make_token(SECRET, "done", communes.tv_lead_soon.id, communes.focal_tv.id, now),
               "snooze_link": make_token(SECRET, "snooze", communes.tv_support_soon.id, communes.focal_tv.id, now)}
    engine.dispose()
    shutil.copy(folder / "web.db", folder / "private.db")
    servers = {}
    for name, db, extra in (("url", "web.db", {}), ("private_url", "private.db", {"HANCHOT_REQUIRE_LOGIN": "1"})):
        port = free_port()
        env = {**server_env(f"http://127.0.0.1:{port}", f"sqlite:///{folder / db}", config, folder / name,
                            PASSWORD_HASH), **extra}
        servers[name] = running_server(env, port, folder / f"{name}.log")
    with ExitStack() as stack, ThreadPoolExecutor() as pool:
        started = {name: pool.submit(server.__enter__) for name, server in servers.items()}  # both start at once
        for name, server in servers.items():
            if started[name].exception() is None:
                stack.push(server.__exit__)
        urls = {name: future.result() for name, future in started.items()}
        yield {**urls, "db": folder / "web.db", "private_mail": folder / "private_url", "token": token, **ids}


def _html_get_routes() -> set[str]:
    from web.app import create_app

    return {path for path, route in _all_routes(create_app(settings_for_walk()).routes) if "GET" in route.methods}


def _route_of(path: str, routes: set[str]) -> str | None:
    for route in sorted(routes, key=lambda r: (r.count("{"), r)):  # /plans/upload before /plans/{plan_id}
        pattern = "".join("[^/]+?" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{[^}]+\})", route))
        if re.fullmatch(pattern, path):
            return route
    return None


def _visit(page, check: Checker, who: str, path: str, status: int = 200, **options: bool) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(path)
    assert response is not None and response.status == status, (who, path, response and response.status)
    check.page(page, who, **options)


def _submit(page, check: Checker, who: str, button: str, url: str, *, says: bool = True,  # type: ignore[no-untyped-def]
            **options: bool) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(url)
    check.page(page, who, **options)
    if says:
        check.announced(page, who)


def _admin_pages(site: dict) -> tuple[str, ...]:
    return ("/", "/plans", "/plans/upload", f"/plans/{site['seed']}", f"/plans/{site['draft']}",
            f"/plans/{site['revision']}", f"/plans/{site['live']}/revision", f"/tasks/{site['seed_task']}",
            f"/tasks/{site['overdue_task']}", f"/tasks/{site['citing_task']}", "/agencies",
            f"/agencies/{site['police_tv']}", "/calendar", "/deadlines", "/policy", "/audit", "/extensions",
            "/deliveries/stuck", "/api/docs", "/api-tokens", f"/subscribe/{site['token']}")


def _admin(context, check: Checker, site: dict) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto("/plans")
    assert "/login?next=" in page.url
    check.page(page, "anonymous")
    _sign_in(page, check, "sai-mật-khẩu", status=401)
    _sign_in(page, check, PASSWORD)
    page.wait_for_url("**/plans")
    for path in _admin_pages(site):
        _visit(page, check, "admin", path)
    _visit(page, check, "admin", "/tasks/99999999", status=404)
    for address in NOT_PAGES.values():
        answer = page.request.get(address.format(**site))
        assert answer.status == 200 and "text/html" not in answer.headers["content-type"], (address, answer.status)
    _refused_then_expired(page, check, site)


def _sign_in(page, check: Checker, password: str, status: int = 303) -> None:  # type: ignore[no-untyped-def]
    page.fill("form[action='/login'] input[name=password]", password)
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as answer:
        page.click("form[action='/login'] button")
    assert answer.value.status == status
    page.wait_for_load_state()
    check.page(page, "admin")
    if status != 303:
        check.announced(page, "admin")


def _refused_then_expired(page, check: Checker, site: dict) -> None:  # type: ignore[no-untyped-def]
    """A date the review form refuses (shown again with the message beside the field), then an edit sent after the
    session ended (the sign-in form carrying it, then the page that offers to send it again)."""
    page.goto(f"/plans/{site['revision']}")
    task = page.locator("article.task").first
    task.locator("summary", has_text="Sửa thời hạn").first.click()
    form = task.locator("form.milestone-form").first
    form.locator("input[name=due]").fill("31/02/2026")
    form.locator("button", has_text="Lưu thời hạn").first.click()
    refused = page.locator("form.milestone-form:has(input[name=due][aria-invalid=true])")
    refused.wait_for()
    check.page(page, "admin")
    check.announced(page, "admin")
    engine = make_engine(f"sqlite:///{site['db']}")
    with session_factory(engine)() as session:
        session.execute(update(LoginSession).values(ended_at=datetime.now(UTC), ended_reason="idle"))
        session.commit()
    engine.dispose()
    refused.locator("input[name=due]").fill("16/01/2026")
    refused.locator("button", has_text="Lưu thời hạn").first.click()
    page.locator("form[action='/login'] input[name=pending_action]").wait_for(state="attached")
    check.page(page, "admin (session ended)")
    check.announced(page, "admin (session ended)")
    _sign_in(page, check, PASSWORD, status=200)
    assert page.locator("#resume-form").count() == 1


def _focal(context, check: Checker, site: dict) -> None:  # type: ignore[no-untyped-def]
    """On the server with HANCHOT_REQUIRE_LOGIN=1, where a focal point reads only its own unit's pages."""
    page = context.new_page()
    page.goto("/me")
    assert "/login?next=" in page.url
    page.fill("form[action='/login/email'] input[name=email]", FOCAL)
    earlier = mails_in(site["private_mail"])
    _submit(page, check, "anonymous", "Gửi liên kết đăng nhập", "**/login/email")
    _visit(page, check, "anonymous", read_link(site["private_mail"], FOCAL, before=earlier))
    _submit(page, check, "focal", "Tiếp tục đăng nhập", "**/me", says=False, follow_links=True)
    for path in ("/", "/calendar", "/agencies", f"/agencies/{site['police_tv']}", f"/tasks/{site['overdue_task']}",
                 f"/tasks/{site['soon_task']}", "/deadlines"):
        _visit(page, check, "focal", path, follow_links=True)
    for path in ("/plans", f"/tasks/{site['other_task']}", f"/agencies/{site['police_hp']}"):
        _visit(page, check, "focal", path, status=403)
    page.set_viewport_size(PHONE)  # target sizes and reflow depend on the layout
    for path in ("/me", f"/tasks/{site['soon_task']}"):
        _visit(page, check, "focal (phone)", path)


def _anonymous(context, check: Checker, site: dict) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    for path in ("/", "/calendar", "/agencies", f"/agencies/{site['police_hp']}", f"/tasks/{site['seed_task']}",
                 "/deadlines", f"/subscribe/{site['token']}"):
        _visit(page, check, "anonymous", path, follow_links=True)
    _visit(page, check, "anonymous", "/nowhere", status=404)
    _visit(page, check, "anonymous", f"/r/{site['snooze_link']}")
    _submit(page, check, "anonymous", "Nhắc lại sau 2 ngày làm việc", f"**/r/{site['snooze_link']}")
    _visit(page, check, "anonymous", f"/r/{site['done_link']}")
    _visit(page, check, "anonymous", "/r/liên-kết-hỏng", status=400)


def test_every_admin_page_passes_axe_at_phone_size_too(browser, site) -> None:  # type: ignore[no-untyped-def]
    """Target sizes, reflow and what a narrow layout hides depend on the width: the admin's pages again at 390×844."""
    check = Checker()
    context = check.context(browser, base_url=site["url"], viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/plans")
        _sign_in(page, check, PASSWORD)
        page.wait_for_url("**/plans")
        for path in _admin_pages(site):
            _visit(page, check, "admin (phone)", path)
    finally:
        context.close()
    assert set(_admin_pages(site)) <= check.checked
    assert not check.problems, f"{len(check.problems)} accessibility problems:\n" + "\n".join(check.problems)


def test_every_page_passes_axe_names_its_controls_and_links_only_where_one_may_go(browser, site) -> None:  # type: ignore[no-untyped-def]
    assert AXE.is_file(), "axe-core is missing: `make test-deps` installs it into tests/js/node_modules"
    check = Checker()
    for walk, url in ((_admin, site["url"]), (_focal, site["private_url"]), (_anonymous, site["url"])):
        context = check.context(browser, base_url=url, viewport=DESKTOP)
        try:
            walk(context, check, site)
        finally:
            context.close()
    routes = _html_get_routes()
    assert routes >= set(NOT_PAGES), f"listed as not pages but gone: {set(NOT_PAGES) - routes}"
    visited = {_route_of(path, routes) for path in check.checked}
    unvisited = sorted(routes - set(NOT_PAGES) - visited)
    assert not unvisited, f"HTML pages no test here visits: {unvisited}"
    assert check.followed, "no link was followed"
    assert not check.problems, f"{len(check.problems)} accessibility problems:\n" + "\n".join(check.problems)
