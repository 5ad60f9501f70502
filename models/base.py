"""The declarative base shared by every table, and the column types all of them use.

Constraint names follow one convention so that Alembic migrations name the same constraint the same
way on SQLite and PostgreSQL (and batch migrations on SQLite can find them again).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapper
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Mapper, "before_configured")
def _register_every_model() -> None:
    """Relationships name other classes by string: have every model module imported before they resolve,
    even when a caller imported one module directly (``from models.plans import Plan``)."""
    from models import import_all

    import_all()


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the default of created_at/updated_at columns)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that only accepts aware datetimes and always returns them in UTC.

    SQLite keeps no offset and PostgreSQL returns the session's time zone: normalising on both sides
    makes a value read back equal, and print the same, on both backends. A naive datetime is refused
    because its zone is a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to a UTC column; attach a time zone")
        value = value.astimezone(UTC)
        # SQLite would store the "+00:00" text and then compare strings with and without it.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """A named CHECK constraint ``column IN (...)``: plain strings in the database, no native enum type."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=column)


def values(enum: type[StrEnum]) -> list[str]:
    """The stored strings of an enum, in declaration order."""
    return [member.value for member in enum]
