"""An edit posted after the session ended survives the sign-in; the sign-in keeps ``next`` after a wrong password."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from models import LoginSession, Milestone
from tests.web.conftest import PASSWORD, csrf
from tests.web.forms import forms_on
from tests.web.world import day


@pytest.fixture
def web_db_url(engine) -> str:  # type: ignore[no-untyped-def]
    """Every test here runs on SQLite and on PostgreSQL (the ``backend`` parameter of tests/conftest.py)."""
    return engine.url.render_as_string(hide_password=False)

SAME_SITE = {"sec-fetch-site": "same-origin", "origin": "null"}  # what Chromium sends with the app's own forms


def _end_every_session(db_session) -> None:  # type: ignore[no-untyped-def]
    db_session.execute(update(LoginSession).values(ended_at=datetime.now(UTC), ended_reason="idle"))
    db_session.commit()


def test_an_edit_sent_after_expiry_is_carried_through_the_login_and_saved_once(admin: TestClient, world,
                                                                               db_session) -> None:
    edit = {**forms_on(admin.get(f"/plans/{world.plan.id}").text)[f"form-milestone-{world.once.id}"],
            "label": "Quy chế phối hợp (sửa sau khi hết phiên)"}
    _end_every_session(db_session)
    expired = admin.post(f"/milestones/{world.once.id}", data=edit, headers=SAME_SITE)
    assert expired.status_code == 401 and "Phiên đăng nhập đã hết hạn" in expired.text
    login_form = forms_on(expired.text)["/login"]
    assert login_form["pending_action"] == f"/milestones/{world.once.id}"
    assert login_form["pending.label"] == edit["label"] and login_form["pending.due"] == edit["due"]
    db_session.expire_all()
    assert db_session.get(Milestone, world.once.id).label == "Quy chế phối hợp"  # nothing applied yet

    wrong = admin.post("/login", data={**login_form, "password": "sai"})  # a typo keeps the pending edit too
    assert wrong.status_code == 401 and forms_on(wrong.text)["/login"]["pending.label"] == edit["label"]
    resumed = admin.post("/login", data={**forms_on(wrong.text)["/login"], "password": PASSWORD})
    assert resumed.status_code == 200 and "Gửi lại" in resumed.text
    again = forms_on(resumed.text)["resume-form"]
    assert again["label"] == edit["label"] and again["csrf_token"] != edit["csrf_token"]
    sent = admin.post(f"/milestones/{world.once.id}", data=again)
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"/plans/{world.plan.id}")
    db_session.expire_all()
    assert db_session.get(Milestone, world.once.id).label == edit["label"]
    assert db_session.get(Milestone, world.once.id).due == world.once.due


def test_a_stale_csrf_token_of_a_signed_in_admin_gets_the_edit_back_to_send_again(admin: TestClient, world,
                                                                                  db_session) -> None:
    edit = {"csrf_token": "stale-token", "kind": "once", "label": "Nhãn mới", "due": day(world.once.due)}
    response = admin.post(f"/milestones/{world.once.id}", data=edit, headers=SAME_SITE)
    assert response.status_code == 403 and "chưa được lưu" in response.text
    again = forms_on(response.text)["resume-form"]
    assert again["label"] == "Nhãn mới" and again["csrf_token"] == csrf(admin, "/")
    db_session.expire_all()
    assert db_session.get(Milestone, world.once.id).label == "Quy chế phối hợp"


def test_a_wrong_password_keeps_next(client: TestClient, world) -> None:
    first = client.get(f"/plans/{world.plan.id}")
    assert first.status_code == 303 and first.headers["location"] == f"/login?next=/plans/{world.plan.id}"
    form = forms_on(client.get(first.headers["location"]).text)["/login"]
    assert form["next"] == f"/plans/{world.plan.id}"
    wrong = client.post("/login", data={**form, "password": "sai"})
    assert wrong.status_code == 401 and forms_on(wrong.text)["/login"]["next"] == f"/plans/{world.plan.id}"
    right = client.post("/login", data={**forms_on(wrong.text)["/login"], "password": PASSWORD})
    assert right.status_code == 303 and right.headers["location"] == f"/plans/{world.plan.id}"


def test_under_require_login_an_expired_edit_is_carried_too(web_settings, world, db_session) -> None:
    from web.app import create_app

    app = create_app(web_settings.model_copy(update={"require_login": True}))
    try:
        with TestClient(app, follow_redirects=False) as browser:
            browser.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf(browser)})
            edit = {**forms_on(browser.get(f"/plans/{world.plan.id}").text)[f"form-milestone-{world.once.id}"],
                    "label": "Sửa trong chế độ riêng tư"}
            _end_every_session(db_session)
            expired = browser.post(f"/milestones/{world.once.id}", data=edit, headers=SAME_SITE)
            assert expired.status_code == 401
            assert forms_on(expired.text)["/login"]["pending.label"] == "Sửa trong chế độ riêng tư"
    finally:
        app.state.engine.dispose()


def test_a_post_from_another_site_is_never_offered_again(admin: TestClient, world, db_session) -> None:
    edit = {"csrf_token": "forged", "kind": "once", "label": "Sửa giả mạo", "due": day(world.once.due)}
    for headers in ({"sec-fetch-site": "cross-site", "origin": "http://testserver"}, {"origin": "null"},
                    {"origin": "https://evil.example"}, {"referer": "https://evil.example/form"}, {}):
        response = admin.post(f"/milestones/{world.once.id}", data=edit, headers=headers)
        assert response.status_code == 403 and "Sửa giả mạo" not in response.text, headers
    _end_every_session(db_session)
    expired = admin.post(f"/milestones/{world.once.id}", data=edit, headers={"origin": "https://evil.example"})
    assert expired.status_code == 303 and "Sửa giả mạo" not in expired.text


def test_without_fetch_metadata_the_origin_must_be_this_site(admin: TestClient, world) -> None:
    edit = {"csrf_token": "stale", "kind": "once", "label": "Nhãn cũ hơn", "due": day(world.once.due)}
    response = admin.post(f"/milestones/{world.once.id}", data=edit, headers={"origin": "http://testserver"})
    assert response.status_code == 403 and forms_on(response.text)["resume-form"]["label"] == "Nhãn cũ hơn"
