"""Fixtures for the web tests: an app on a private migrated SQLite file and a private copy of config/.

- ``web_settings``: Settings for that database, an admin password ``PASSWORD``, mail written to tmp.
- ``app`` / ``client``: the FastAPI app and a TestClient (anonymous).
- ``admin``: a TestClient logged in as the admin; ``csrf(client)`` reads the session's CSRF token.
- ``world``: a small published plan with agencies, a contact and reminders (tests/web/world.py).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from config.settings import Settings, load_settings
from tests.web.server import TEST_HASHER

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mật-khẩu-thử-nghiệm"
PASSWORD_HASH = TEST_HASHER.hash(PASSWORD)  # cheap parameters, same product code (tests/web/server.py)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    for path in (ROOT / "config").glob("*.toml"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def web_db_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    target = tmp_path / "web.db"
    shutil.copy(migrated_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def web_settings(web_db_url: str, config_dir: Path, tmp_path: Path) -> Settings:
    return load_settings(env="test", database_url=web_db_url, config_dir=config_dir, admin_password_hash=PASSWORD_HASH,
                         secret_key="web-test-secret-0123456789", mail_dir=tmp_path / "mail",
                         base_url="http://testserver")


@pytest.fixture
def app(web_settings: Settings):  # type: ignore[no-untyped-def]
    from web.app import create_app

    application = create_app(web_settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def db_session(app) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    session = app.state.sessions()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def csrf(client: TestClient, path: str = "/login") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def log_in(client: TestClient) -> TestClient:
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf(client)})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def admin(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, follow_redirects=False) as test_client:
        yield log_in(test_client)


@pytest.fixture
def world(db_session: Session):  # type: ignore[no-untyped-def]
    from tests.web.world import build_world

    built = build_world(db_session)
    db_session.commit()
    return built


@pytest.fixture(scope="module")
def browser() -> Iterator:  # type: ignore[type-arg]
    """Debian's Chromium driven by Playwright, one per test module (the browser tests of tests/web and below)."""
    from playwright.sync_api import sync_playwright

    from tests.web.server import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test-deps` installs it", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
