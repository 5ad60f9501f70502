"""Login, logout, throttling, emailed sign-in links and CSRF."""

from __future__ import annotations

import re
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from models import Agency
from tests.web.conftest import PASSWORD, csrf
from web.sessions import COOKIE


def test_it_logs_the_admin_in_with_an_httponly_lax_cookie(client: TestClient) -> None:
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf(client),
                                           "next": "/plans"})
    assert response.status_code == 303 and response.headers["location"] == "/plans"
    cookie = response.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # BASE_URL is http in tests
    assert client.get("/plans").status_code == 200


def test_it_refuses_a_wrong_password_and_an_open_redirect(client: TestClient) -> None:
    token = csrf(client)
    response = client.post("/login", data={"username": "admin", "password": "sai-mật-khẩu", "csrf_token": token,
                                           "next": "/plans?status=draft"})
    assert response.status_code == 401
    field = re.search(r'<input type="password" name="password"[^>]*>', response.text).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="login-refused"' in field and "value=" not in field
    assert re.search(r'<p class="field-error" role="alert" id="login-refused">Tên đăng nhập hoặc mật khẩu không '
                     r'đúng\.</p>', response.text)
    assert 'name="next" value="/plans?status=draft"' in response.text and "sai-mật-khẩu" not in response.text
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/"})
    assert response.headers["location"] == "/"


def test_it_throttles_after_five_failures_even_with_the_right_password(client: TestClient) -> None:
    token = csrf(client)
    for _ in range(5):
        client.post("/login", data={"username": "admin", "password": "sai", "csrf_token": token})
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    assert re.search(r'id="login-refused">Bạn đã thử quá nhiều lần', response.text)  # beside the password field
    assert client.get("/plans").status_code == 303  # still not logged in


def test_it_refuses_a_stale_csrf_token_and_stores_nothing(admin: TestClient, db_session) -> None:
    before = db_session.scalar(select(func.count()).select_from(Agency))
    response = admin.post("/agencies", data={"name": "Sở Mới", "level": "tinh", "csrf_token": "stale-token"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn, vui lòng tải lại trang." in response.text  # no Origin: never offered again
    assert db_session.scalar(select(func.count()).select_from(Agency)) == before
    missing = admin.post("/agencies", data={"name": "Sở Mới", "level": "tinh"})
    assert missing.status_code == 403


def test_it_logs_out(admin: TestClient) -> None:
    response = admin.post("/logout", data={"csrf_token": csrf(admin, "/")})
    assert response.status_code == 303
    assert admin.get("/plans").status_code == 303


def test_it_signs_a_focal_point_in_with_an_emailed_link(client: TestClient, world, web_settings) -> None:
    response = client.post("/login/email", data={"email": "AN@stp.test", "csrf_token": csrf(client)})
    assert response.status_code == 200 and "liên kết đăng nhập" in response.text
    mails = list(Path(web_settings.mail_dir).glob("*.eml"))
    assert len(mails) == 1
    message = BytesParser(policy=default).parsebytes(mails[0].read_bytes())
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"http://testserver(/login/link/[A-Za-z0-9_.%=-]+)", body)
    assert link, body
    confirm = client.get(link.group(1))
    assert confirm.status_code == 200 and "Tiếp tục đăng nhập" in confirm.text
    done = client.post(link.group(1), data={"csrf_token": csrf(client, link.group(1))})
    assert done.status_code == 303 and done.headers["location"] == "/me"
    page = client.get(f"/agencies/{world.tu_phap.id}")
    assert "Đánh dấu hoàn thành" in page.text  # a focal point may close the deadlines its agency leads
    assert client.get("/plans").status_code == 403  # but is not the admin


def test_it_sends_no_link_to_an_unknown_address_and_says_the_same(client: TestClient, world, web_settings) -> None:
    response = client.post("/login/email", data={"email": "ai@khac.test", "csrf_token": csrf(client)})
    assert response.status_code == 200 and "liên kết đăng nhập" in response.text
    assert not list(Path(web_settings.mail_dir).glob("*.eml"))


def test_it_refuses_a_forged_sign_in_link(client: TestClient, world) -> None:
    response = client.post("/login/link/forged.token", data={"csrf_token": csrf(client)})
    assert response.status_code == 400
    assert "Liên kết đăng nhập không hợp lệ" in response.text
