"""Shared fixtures. Every database fixture runs once on SQLite and once on PostgreSQL.

Database fixtures (test ids end in ``[sqlite]`` / ``[postgresql]``; PostgreSQL ones are marked
``external_service``):

- ``backend``: "sqlite" or "postgresql"; the parameter the fixtures below share.
- ``db_url``: the URL of an EMPTY database of that backend, private to the test (a temp SQLite file; a
  fresh schema selected through ``?options=-csearch_path=...`` in PostgreSQL). Usable from a subprocess
  (``HANCHOT_DATABASE_URL=db_url hanchot db upgrade``). Use it to test migrations or a CLI end to end.
- ``engine``: an Engine on a database migrated to head with Alembic (``models.db.make_engine``: SQLite
  pragmas included). Tables start empty; rows are removed after the test. Do not change the schema
  through it; ask for ``db_url`` instead.
- ``session``: a Session on ``engine`` (``expire_on_commit=False``); commit freely, it is closed after.

PostgreSQL: one database ``hanchot_test_<random>`` per pytest process is created on the server of
``HANCHOT_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) and dropped at
the end, so parallel pytest runs never meet. An unreachable server fails the tests, never skips them.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the tests marked ``slow`` first: under xdist they then run beside the many quick ones instead of
    finishing the run alone on one worker while the other idles."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pg_server_url() -> str:
    return os.environ.get("HANCHOT_TEST_PG_URL") or DEFAULT_PG_SERVER


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """URL of a PostgreSQL database created for this pytest process, dropped at the end."""
    server = make_url(pg_server_url())
    name = f"hanchot_test_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            # Every connection to it (the tests', the CLI subprocesses', the web servers') commits without
            # waiting for the WAL flush: an fsync costs 4 ms on a quiet disk and far more while other suites
            # share it, and every PostgreSQL test commits (its set-up, its work, the emptying after it).
            # Visibility, locking and isolation are unchanged; only a crash of the PostgreSQL server itself
            # could lose the last commits, and no test crashes the server.
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except Exception as e:  # the message must say which server and how to point elsewhere
        admin.dispose()
        where = server.render_as_string(hide_password=True)
        reason = str(e).strip().splitlines()[0]
        pytest.fail(f"PostgreSQL at {where} is unreachable ({reason}); start it or set HANCHOT_TEST_PG_URL",
                    pytrace=False)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_schema_url(database_url: str, schema: str) -> str:
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _create_pg_schema(database_url: str, schema: str) -> str:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return _pg_schema_url(database_url, schema)


def _drop_pg_schema(database_url: str, schema: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.external_service)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'hanchot.db'}"
        return
    database = request.getfixturevalue("pg_database")
    schema = f"t_{secrets.token_hex(6)}"
    url = _create_pg_schema(database, schema)
    try:
        yield url
    finally:
        _drop_pg_schema(database, schema)


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test copies it (much faster than migrating again)."""
    from models.db import make_engine
    from models.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "hanchot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:  # fold the WAL into the file so a plain copy holds everything
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def migrated_pg_url(pg_database: str) -> str:
    """A schema of the session database migrated once; tests empty its tables when they end."""
    from models.db import make_engine
    from models.migrate import upgrade

    url = _create_pg_schema(pg_database, "migrated")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    from models.db import make_engine

    if backend == "sqlite":
        path = tmp_path / "migrated.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    engine = make_engine(request.getfixturevalue("migrated_pg_url"))
    try:
        yield engine
    finally:
        _empty_tables(engine)
        engine.dispose()


def _empty_tables(engine: Engine) -> None:
    """Remove every row and restart every id, as ``TRUNCATE … RESTART IDENTITY`` would, but with DELETE: a test
    leaves a handful of rows, and DELETE of those costs a tenth of TRUNCATE, which replaces every table's and
    index's files (0.05 s on a quiet machine, 0.5 s under load, after each of the hundreds of PostgreSQL tests).
    Foreign keys are not checked while emptying (``session_replication_role``: the test server's superuser)."""
    from sqlalchemy.orm import close_all_sessions

    from models import Base

    close_all_sessions()  # a session the test left open would hold locks that DELETE or TRUNCATE waits for
    tables = [table.name for table in Base.metadata.sorted_tables]
    try:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))  # fail loudly rather than hang
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))
            for (sequence,) in connection.execute(text("SELECT sequencename FROM pg_sequences "
                                                       "WHERE schemaname = current_schema()")):
                connection.execute(text("SELECT setval(CAST(:name AS regclass), 1, false)"),
                                   {"name": f'"{sequence}"'})
    except ProgrammingError:  # HANCHOT_TEST_PG_URL names a user who may not skip foreign keys: the slow way
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            quoted = ", ".join(f'"{table}"' for table in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture
def migrated_url(engine: Engine) -> str:
    """The URL of ``engine``'s database, already at head, for a subprocess (``HANCHOT_DATABASE_URL``): the tests of
    commands start from it instead of paying for ``hanchot db upgrade`` each time (test_storage_migrations.py and
    test_cli_errors.py run the migrations themselves)."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def migrated_sqlite_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A private SQLite database at head (a copy of the template), for tests that need SQLite only."""
    path = tmp_path / "hanchot.db"
    shutil.copyfile(migrated_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    from models.db import session_factory

    with session_factory(engine)() as session:
        yield session
