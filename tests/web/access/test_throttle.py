"""The password throttle lives in the database: two app instances (two workers) count together, and its
rules hold on SQLite and PostgreSQL. X-Forwarded-For is believed only from HANCHOT_TRUSTED_PROXIES."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditLog
from tests.web.access.support import csrf_of, settings_for
from tests.web.conftest import PASSWORD
from web.ratelimit import PASSWORD_IP, PASSWORD_PAIR, PASSWORD_USER


def _client(app, ip: str) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, follow_redirects=False, client=(ip, 40000))


def _try(client: TestClient, password: str = "sai", user: str = "admin", **headers: str) -> int:
    return client.post("/login", data={"username": user, "password": password, "csrf_token": csrf_of(client)},
                       headers=headers).status_code


def _second_app(engine, tmp_path, config_dir, **overrides):  # type: ignore[no-untyped-def]
    from web.app import create_app

    return create_app(settings_for(engine, tmp_path, config_dir, **overrides))


def test_two_app_instances_share_the_count_and_the_right_password_is_refused_once_blocked(
        backend_app, engine, tmp_path, config_dir) -> None:
    other_app = _second_app(engine, tmp_path, config_dir)
    try:
        first, second = _client(backend_app, "203.0.113.7"), _client(other_app, "203.0.113.7")
        for attempt in range(PASSWORD_PAIR.max_hits):
            assert _try(first if attempt % 2 else second) == 401
        assert _try(first, PASSWORD) == 429 and _try(second, PASSWORD) == 429
        restarted = _second_app(engine, tmp_path, config_dir)  # a restart forgets nothing
        assert _try(_client(restarted, "203.0.113.7"), PASSWORD) == 429
        restarted.state.engine.dispose()
        # The blocked address does not block the admin at another one.
        assert _try(_client(other_app, "198.51.100.20"), PASSWORD) == 303
    finally:
        other_app.state.engine.dispose()


def test_one_address_trying_many_names_is_blocked_for_all_of_them(backend_app) -> None:
    client = _client(backend_app, "203.0.113.8")
    for number in range(PASSWORD_IP.max_hits):
        assert _try(client, user=f"user{number % 4}") in (401, 429)
    assert _try(client, PASSWORD) == 429
    assert _try(_client(backend_app, "203.0.113.9"), PASSWORD) == 303


def test_a_botnet_guessing_the_admin_does_not_lock_the_admin_out_of_a_known_address(backend_app) -> None:
    office = _client(backend_app, "192.0.2.10")
    assert _try(office, PASSWORD) == 303  # the admin's usual address
    for number in range(PASSWORD_USER.max_hits):
        assert _try(_client(backend_app, f"198.18.{number // 200}.{number % 200 + 1}")) == 401
    assert _try(_client(backend_app, "198.18.9.9"), PASSWORD) == 429  # a new address: the name is blocked
    assert _try(_client(backend_app, "192.0.2.10"), PASSWORD) == 303  # the known one still gets in


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(backend_app, engine, tmp_path, config_dir,
                                                                     backend_db) -> None:
    proxied = _second_app(engine, tmp_path, config_dir, trusted_proxies="10.0.0.0/8")
    try:
        behind = _client(proxied, "10.0.0.2")
        for _ in range(PASSWORD_PAIR.max_hits):  # one client behind the proxy guesses
            _try(behind, **{"X-Forwarded-For": "203.0.113.50"})
        assert _try(behind, PASSWORD, **{"X-Forwarded-For": "203.0.113.50"}) == 429
        assert _try(behind, PASSWORD, **{"X-Forwarded-For": "203.0.113.51"}) == 303  # another client, same proxy
        # Not from a trusted proxy: the header is ignored, changing it does not escape the block.
        direct = _client(backend_app, "203.0.113.60")
        for number in range(PASSWORD_PAIR.max_hits):
            _try(direct, **{"X-Forwarded-For": f"192.0.2.{number}"})
        assert _try(direct, PASSWORD, **{"X-Forwarded-For": "192.0.2.99"}) == 429
        done = behind.post("/agencies", data={"name": "Sở Thử", "level": "tinh",
                                              "csrf_token": csrf_of(behind, "/agencies")},
                           headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.51"})
        assert done.status_code == 303
        audit = backend_db.scalar(select(AuditLog).where(AuditLog.action == "agency.create"))
        assert (audit.actor, audit.ip) == ("admin", "203.0.113.51")  # the rightmost hop the proxy saw
    finally:
        proxied.state.engine.dispose()
