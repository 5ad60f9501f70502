"""Engines and sessions, with the database problems a person can fix turned into one clear line.

``make_engine()`` reads ``HANCHOT_DATABASE_URL``; SQLite gets its folder created, foreign keys on, WAL
and a busy timeout (the web app and the scheduler write to the same file). Connection failures surface
on first use: wrap it in ``explain_errors(engine)`` or call ``check_connection(engine)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from config.errors import UserError

SQLITE_BUSY_TIMEOUT_MS = 5000
PG_CONNECT_TIMEOUT_S = 10


def mask(url: str | URL) -> str:
    """The URL with its password hidden, for messages and logs."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default: the settings' database_url).

    Raises UserError for a URL SQLAlchemy cannot use or a SQLite folder that cannot be created.
    """
    if url is None:
        from config.settings import get_settings

        url = get_settings().database_url
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            _create_sqlite_folder(parsed)
        else:
            kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)
            kwargs.setdefault("pool_pre_ping", True)
        # ensure_ascii=False keeps Vietnamese readable in the JSON columns (psql, sqlite3, backups).
        engine = create_engine(parsed, json_serializer=lambda obj: json.dumps(obj, ensure_ascii=False), **kwargs)
    except (ArgumentError, ValueError) as e:  # ArgumentError includes NoSuchModuleError (unknown driver)
        reason = "the port is not a number" if "int()" in str(e) else _first_line(e)
        raise UserError(f"the database URL {mask(url)} is not usable: {reason}") from e
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _create_sqlite_folder(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        reason = f"{blocker} is a file, not a folder" if blocker else e.strerror
        raise UserError(f"cannot create the folder of the SQLite database {database}: {reason}") from e


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite: ondelete rules would be ignored
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers (web) never block the writer (scheduler)
        # In WAL mode, NORMAL syncs at checkpoints instead of at every commit: a crashed or killed process
        # loses nothing, a power cut may lose the last commits (never corrupts). The dispatcher commits each
        # send's outcome; FULL spent a millisecond per reminder in fsync.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


@contextmanager
def explain_errors(engine: Engine) -> Iterator[None]:
    """Turn a failure to open or write the database into a UserError naming it (password masked)."""
    try:
        yield
    except DatabaseError as e:  # OperationalError is one
        line = not_ready(e, engine.url)
        if line is None and not isinstance(e, OperationalError):
            raise
        raise UserError(line or describe_failure(engine, e)) from e


def describe_failure(engine: Engine, error: OperationalError) -> str:
    """One English line for an OperationalError raised while opening or writing ``engine``'s database."""
    reason = _first_line(error.orig or error)
    if engine.dialect.name == "sqlite":
        return f"cannot open or write the SQLite database {engine.url.database}: {reason}"
    return f"cannot reach the database {mask(engine.url)}: {reason}"


# Every command and the web start say this one line for a database that is not hanchot's, or not migrated.
NOT_READY = ("Cơ sở dữ liệu {where} chưa dùng được: không phải cơ sở dữ liệu, hoặc chưa được tạo/nâng cấp. "
             "Hãy kiểm tra HANCHOT_DATABASE_URL rồi chạy 'hanchot db upgrade'.")
_NOT_READY_SIGNS = ("file is not a database", "no such table", "does not exist", "undefinedtable",
                    "file is encrypted or is not a database")


def not_ready(error: BaseException, url: str | URL | None = None) -> str | None:
    """The NOT_READY line when ``error`` says the database is not one or lacks hanchot's tables, else None."""
    if not isinstance(error, DatabaseError):
        return None
    said = f"{type(error.orig).__name__} {error.orig}".lower()
    if not any(sign in said for sign in _NOT_READY_SIGNS):
        return None
    return NOT_READY.format(where=mask(url) if url is not None else "").replace("  ", " ")


def check_connection(engine: Engine) -> None:
    """Connect once; raise UserError naming the database when that fails."""
    with explain_errors(engine), engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit (no reload on attribute access)."""
    return sessionmaker(engine, expire_on_commit=False)


@lru_cache(maxsize=1)
def default_engine() -> Engine:
    """The process-wide engine of the settings' database."""
    return make_engine()


@contextmanager
def session_scope(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises.

    Uses the process-wide engine unless ``factory`` is given.
    """
    session = (factory or session_factory(default_engine()))()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _first_line(error: BaseException | object) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
