"""Every response carries the security headers; ids out of range and malformed paths answer 404, never 500;
anonymous visitors never see a draft; HANCHOT_REQUIRE_LOGIN closes everything but sign-in, feeds and links."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from calendars.access import create_token
from models import FeedScope
from tests.web.access.support import Communes, csrf_of, log_in_admin, new_client, settings_for, sign_in
from web.security import CSP

HEADERS = {"content-security-policy": CSP, "x-frame-options": "DENY", "x-content-type-options": "nosniff",
           "referrer-policy": "no-referrer"}
BAD_IDS = ["99999999999999999999", "2147483648", "abc", "-1", "1.5", "%00", "%E1%BB%87", "0x10"]


def _all_routes(routes, prefix: str = "") -> list:  # type: ignore[no-untyped-def]
    """Every endpoint route with its full path; FastAPI keeps an included router's routes inside it."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += _all_routes(inner.routes, prefix + route.include_context.prefix)
        elif getattr(route, "methods", None):
            found.append((prefix + route.path, route))
    return found


def _routes(app) -> list[tuple[str, set[str]]]:  # type: ignore[no-untyped-def]
    return [(path, r.methods or set()) for path, r in _all_routes(app.routes) if "{" in path]


def test_the_route_walk_sees_every_route_with_an_id() -> None:
    from web.app import create_app

    paths = {path for path, _ in _routes(create_app(settings_for_walk()))}
    assert {"/tasks/{task_id}", "/occurrences/{occurrence_id}/done", "/api/plans/{plan_id}",
            "/feeds/{filename}"} <= paths and len(paths) > 25


def settings_for_walk():  # type: ignore[no-untyped-def]
    from config.settings import load_settings

    return load_settings(env="test", database_url="sqlite://", secret_key="route-walk-secret-0123456789-abcdef")


def _assert_headers(response, https: bool = False) -> None:  # type: ignore[no-untyped-def]
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert ("strict-transport-security" in response.headers) == https


def test_every_kind_of_response_carries_the_security_headers(backend_app, communes: Communes, backend_db) -> None:
    token, _ = create_token(backend_db, scope=FeedScope.AGENCY, agency_id=communes.police_tv.id)
    backend_db.commit()
    client, admin = new_client(backend_app), log_in_admin(new_client(backend_app))
    feed = f"/feeds/{token}.ics"
    for response in [client.get("/"), client.get("/login"), client.get("/calendar"), client.get("/agencies"),
                     client.get("/static/site.css"), client.get("/healthz"), client.get("/plans"),
                     client.get(feed), client.get(feed), client.get(feed, headers={"If-None-Match": "*"}),
                     client.get("/feeds/unknown.ics"), client.get("/nowhere"), client.get("/api/plans"),
                     client.get("/tasks/99999999999999999999"), admin.get("/plans"), admin.get("/api/docs"),
                     client.post("/login", data={"username": "admin", "password": "x"})]:
        _assert_headers(response)
        if response.headers.get("content-type", "").startswith("text/html"):  # pages: never kept in a cache
            assert response.headers["cache-control"] == "no-store", response.url
    assert client.get(feed).headers["cache-control"] == "no-cache"  # feeds keep their own rule (revalidate)
    assert "cache-control" not in client.get("/static/site.css").headers  # static files stay cacheable


def test_hsts_only_under_https(engine, tmp_path, config_dir) -> None:
    from web.app import create_app

    app = create_app(settings_for(engine, tmp_path, config_dir, base_url="https://hanchot.example.gov.vn"))
    try:  # no lifespan (no ``with``): its background refresher would race the PostgreSQL teardown
        client = TestClient(app, base_url="https://hanchot.example.gov.vn")
        response = client.get("/login")
        _assert_headers(response, https=True)
        assert "Secure" in response.headers["set-cookie"]
    finally:
        app.state.engine.dispose()


@pytest.mark.slow
def test_no_route_answers_500_to_a_bad_id_or_a_malformed_path(backend_app, communes: Communes) -> None:
    admin = log_in_admin(new_client(backend_app))
    with TestClient(backend_app, follow_redirects=False, raise_server_exceptions=False) as anonymous:
        for client in (anonymous, admin):
            token = csrf_of(client, "/login")
            for path, methods in _routes(backend_app):
                for bad in BAD_IDS:
                    url = re.sub(r"\{[^}]+\}", bad, path)
                    for method in methods & {"GET", "POST"}:
                        response = client.request(method, url, data={"csrf_token": token})
                        assert response.status_code < 500, (method, url, response.status_code)
                        _assert_headers(response)  # every route, whatever it answers
                        if bad in ("99999999999999999999", "2147483648", "abc", "%00") and "{token}" not in path \
                                and "{filename}" not in path:
                            assert response.status_code in (404, 405, 303, 401, 403), (method, url,
                                                                                       response.status_code)
            for path, route in _all_routes(backend_app.routes):  # query parameters: ids out of range, nonsense
                names = [p.name for p in getattr(getattr(route, "dependant", None), "query_params", [])]
                for name in names:
                    for bad in [*BAD_IDS, "9" * 400, "2026-13-45", ""]:
                        url = re.sub(r"\{[^}]+\}", "1", path) + f"?{name}={bad}"
                        if "GET" in route.methods:
                            response = client.get(url)
                            assert response.status_code < 500, (url, response.status_code)
                            _assert_headers(response)
            for path, route in _all_routes(backend_app.routes):  # every page without an id
                if "{" not in path and "GET" in route.methods:
                    response = client.get(path)
                    assert response.status_code < 500, (path, response.status_code)
                    _assert_headers(response)
        assert admin.get("/api/occurrences?agency_id=99999999999999999999").status_code == 404
        for url in ["/tasks/99999999999999999999", "/agencies/2147483648", "/tasks/abc", "/plans/%00",
                    "/calendar?month=9999-12", "/calendar?month=0000-01"]:
            response = admin.get(url)
            assert response.status_code in (200, 404), url
            if url.startswith("/tasks") or url.startswith("/agencies") or url.startswith("/plans"):
                assert response.status_code == 404 and "Không tìm thấy trang này." in response.text


def test_anonymous_visitors_never_see_a_draft(backend_app, communes: Communes, backend_db) -> None:
    client = new_client(backend_app)
    draft_task = communes.draft.tasks[0]
    pages = [client.get(p).text for p in ("/", "/calendar", f"/agencies/{communes.police_tv.id}", "/agencies")]
    assert all("Dự thảo kế hoạch bí mật" not in text and "Nhiệm vụ của bản nháp" not in text for text in pages)
    assert client.get(f"/tasks/{draft_task.id}").status_code == 404
    assert client.get("/api/plans").status_code == 401
    token, _ = create_token(backend_db, scope=FeedScope.PLAN, plan_id=communes.draft.id)
    backend_db.commit()
    feed = client.get(f"/feeds/{token}.ics")
    assert "Dự thảo kế hoạch bí mật" not in feed.text and "BEGIN:VEVENT" not in feed.text
    admin = log_in_admin(new_client(backend_app))
    assert "Dự thảo kế hoạch bí mật" in admin.get("/").text  # the admin sees its own work


@pytest.fixture
def private_app(engine, tmp_path, config_dir):  # type: ignore[no-untyped-def]
    from web.app import create_app

    app = create_app(settings_for(engine, tmp_path, config_dir, require_login=True))
    yield app
    app.state.engine.dispose()


def test_require_login_closes_everything_but_sign_in_feeds_and_links(private_app, communes: Communes) -> None:
    from models.db import session_scope

    with session_scope(private_app.state.sessions) as session:
        token, _ = create_token(session, scope=FeedScope.AGENCY, agency_id=communes.police_tv.id)
    client = new_client(private_app)
    for path in ("/", "/calendar", "/agencies", f"/tasks/{communes.tv_lead_soon.milestone.task_id}", "/me"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    assert client.get("/api/plans").status_code == 401
    assert client.get("/login").status_code == 200 and client.get("/healthz").status_code == 200
    assert client.get(f"/feeds/{token}.ics").status_code == 200 and client.get(f"/subscribe/{token}").status_code == 200


def test_under_require_login_a_focal_point_reads_only_its_unit(private_app, communes: Communes, tmp_path) -> None:
    settings = private_app.state.settings
    tv = sign_in(new_client(private_app), "van@thieuvan.test", settings.mail_dir)
    other_task = communes.hp_lead_soon.milestone.task_id
    assert tv.get(f"/tasks/{other_task}").status_code == 403
    assert tv.get(f"/agencies/{communes.police_hp.id}").status_code == 403
    for path in ("/", "/calendar", "/agencies", "/me"):
        text = tv.get(path).text
        assert "Tuyên truyền phòng cháy" not in text and "Công an xã Hoàng Phú" not in text, path
    assert tv.get(f"/tasks/{communes.tv_lead_soon.milestone.task_id}").status_code == 200
    assert tv.get(f"/agencies/{communes.police_tv.id}").status_code == 200


def test_a_control_character_in_a_form_is_refused_in_one_line_and_nothing_is_written(backend_app, communes: Communes,
                                                                                    backend_db) -> None:
    from sqlalchemy import func, select

    from models import AuditLog, Contact

    admin = log_in_admin(new_client(backend_app))
    token = csrf_of(admin, "/")
    before = backend_db.scalar(select(func.count()).select_from(AuditLog))
    for path, data in [(f"/agencies/{communes.police_tv.id}/contacts", {"name": "Lê\x00Văn", "email": "a@b.vn"}),
                       (f"/occurrences/{communes.tv_lead_soon.id}/extend",
                        {"new_due": "30/12/2030", "reason": "r\x00", "document": "CV 1"}),
                       (f"/agencies/{communes.police_tv.id}", {"name": "Công an\x01 xã"})]:
        response = admin.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 400 and "ký tự điều khiển" in response.text, (path, response.status_code)
    backend_db.expire_all()
    assert backend_db.scalar(select(func.count()).select_from(AuditLog)) == before
    assert backend_db.scalar(select(func.count()).where(Contact.email == "a@b.vn")) == 0
    assert admin.get("/agencies?q=%00").status_code == 404  # in a query string: no row could match it
