"""Fixtures of the access tests: the app on SQLite and PostgreSQL (the ``engine`` fixture's database), and
two communes' published deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from config.settings import Settings
from tests.web.access.support import Communes, build_communes, settings_for


@pytest.fixture
def backend_settings(engine: Engine, tmp_path: Path, config_dir: Path) -> Settings:
    return settings_for(engine, tmp_path, config_dir)


@pytest.fixture
def backend_app(backend_settings: Settings):  # type: ignore[no-untyped-def]
    from web.app import create_app

    application = create_app(backend_settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def backend_db(backend_app) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    session = backend_app.state.sessions()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def communes(backend_db: Session) -> Communes:
    built = build_communes(backend_db)
    backend_db.commit()
    return built
