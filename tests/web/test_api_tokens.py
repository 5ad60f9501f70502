"""API tokens revoked one by one: made on the admin's page or by ``hanchot admin api-token``, shown once, kept
only as a SHA-256, refused at the next request once revoked, and audited."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from models import ApiToken, AuditLog, utcnow
from models.db import make_engine, session_factory
from tests.web.conftest import csrf
from web import api_auth

ROOT = Path(__file__).resolve().parents[2]
SHOWN = re.compile(r'id="made-token" value="(hct_[A-Za-z0-9_-]+)"')


@pytest.fixture
def web_db_url(engine) -> str:  # type: ignore[no-untyped-def]
    """The pages run on SQLite and on PostgreSQL (the ``backend`` parameter of tests/conftest.py)."""
    return engine.url.render_as_string(hide_password=False)


def _make(admin: TestClient, name: str) -> str:
    page = admin.post("/api-tokens", data={"name": name, "csrf_token": csrf(admin, "/api-tokens")})
    assert page.status_code == 200 and "chỉ hiển thị một lần" in page.text
    found = SHOWN.search(page.text)
    assert found, page.text
    return found.group(1)


def _calls(client: TestClient, token: str) -> int:
    return client.get("/api/plans", headers={"Authorization": f"Bearer {token}"}).status_code


def test_the_admin_revokes_one_token_and_the_other_keeps_working(admin: TestClient, client: TestClient,
                                                                 db_session) -> None:
    report, portal = _make(admin, "Báo cáo tỉnh"), _make(admin, "Cổng dịch vụ công")
    assert report != portal
    assert _calls(client, report) == 200 and _calls(client, portal) == 200
    rows = {r.name: r for r in db_session.scalars(select(ApiToken))}
    assert rows["Báo cáo tỉnh"].last_used_at is not None
    assert all(r.token_hash not in (report, portal) and len(r.token_hash) == 64 for r in rows.values())
    listing = admin.get("/api-tokens").text
    assert report not in listing and portal not in listing  # shown once, never again

    revoked = admin.post(f"/api-tokens/{rows['Báo cáo tỉnh'].id}/revoke",
                         data={"csrf_token": csrf(admin, "/api-tokens")})
    assert revoked.status_code == 303
    assert _calls(client, report) == 401 and _calls(client, portal) == 200
    refused = client.get("/api/plans", headers={"Authorization": f"Bearer {report}"})
    assert refused.headers["www-authenticate"].startswith("Bearer") and "revoked" in refused.json()["detail"]
    assert "Đã thu hồi" in admin.get("/api-tokens").text
    actions = [a.action for a in db_session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions.count("api_token.create") == 2 and actions.count("api_token.revoke") == 1
    assert "đã thu hồi khóa API" in admin.get("/audit").text


def test_a_token_signed_with_the_secret_key_is_refused(client: TestClient, web_settings) -> None:
    """The earlier tokens could be revoked only by changing the key; they open nothing any more."""
    old = URLSafeSerializer(web_settings.secret_key, salt="hanchot.api-token.v1").dumps({"v": 1, "name": "cũ"})
    assert _calls(client, old) == 401 and _calls(client, "hct_" + "x" * 43) == 401


def test_a_token_without_a_name_is_refused_beside_the_field_and_nothing_is_written(admin: TestClient,
                                                                                   db_session) -> None:
    page = admin.post("/api-tokens", data={"name": "   ", "csrf_token": csrf(admin, "/api-tokens")})
    assert page.status_code == 400 and 'aria-describedby="error-api-token-name"' in page.text
    assert "Vui lòng đặt tên cho khóa API" in page.text and "hct_" not in page.text
    long = admin.post("/api-tokens", data={"name": "Tên dài " * 20, "csrf_token": csrf(admin, "/api-tokens")})
    assert long.status_code == 400 and "Tên dài Tên dài" in long.text  # the typed value is kept
    assert db_session.scalars(select(ApiToken)).all() == []
    assert db_session.scalars(select(AuditLog).where(AuditLog.action.like("api_token.%"))).all() == []
    assert admin.post("/api-tokens/987654/revoke", data={"csrf_token": csrf(admin, "/api-tokens")}).status_code == 404


def test_the_command_line_makes_lists_and_revokes_a_token(migrated_sqlite_url: str) -> None:
    """On SQLite only: the commands call the same service the pages do, which runs on both databases above."""
    migrated_url = migrated_sqlite_url
    env = {**os.environ, "HANCHOT_DATABASE_URL": migrated_url, "PYTHONPATH": str(ROOT)}

    def hanchot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hanchot", "admin", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)

    made = hanchot("api-token", "--name", "báo cáo quý")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("hct_") and "chỉ hiển thị một lần" in made.stderr
    listed = hanchot("api-tokens")
    assert "báo cáo quý" in listed.stdout and "đang dùng" in listed.stdout and token not in listed.stdout
    engine = make_engine(migrated_url)
    try:
        with session_factory(engine)() as session:
            ident = session.scalars(select(ApiToken.id)).one()
            assert api_auth.caller(session, token, utcnow()) is not None
        assert hanchot("api-token-revoke", str(ident)).returncode == 0
        with session_factory(engine)() as session:
            assert api_auth.caller(session, token, utcnow()) is None
    finally:
        engine.dispose()
    assert "đã thu hồi" in hanchot("api-tokens").stdout
    unknown = hanchot("api-token-revoke", "4242")
    assert unknown.returncode == 2 and unknown.stderr.strip() == "hanchot: Không có khóa API số 4242."
    nameless = hanchot("api-token", "--name", " ")
    assert nameless.returncode == 2 and "Vui lòng đặt tên cho khóa API" in nameless.stderr

