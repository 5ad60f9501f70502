"""Alembic driven from code: a Config built here works from any working directory."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from models.db import explain_errors

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """A Config whose env.py runs on ``engine`` (ours: SQLite pragmas, friendly errors), else on the settings'."""
    config = Config(stdout=StringIO())
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    """The newest migration in ``models/migrations/versions``."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with explain_errors(engine), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply migrations up to ``revision``; return (revision before, revision after)."""
    before = current_revision(engine)
    with explain_errors(engine):
        command.upgrade(alembic_config(engine), revision)
    return before, current_revision(engine)


def require_migrated(engine: Engine) -> None:
    """Raise UserError with models.db.NOT_READY unless ``engine``'s database is at the head revision."""
    from config.errors import UserError
    from models.db import NOT_READY, explain_errors, mask

    with explain_errors(engine):
        if current_revision(engine) != head_revision():
            raise UserError(NOT_READY.format(where=mask(engine.url)))
