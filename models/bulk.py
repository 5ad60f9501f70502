"""Many rows into one table: on PostgreSQL in one statement, the rows travelling as one JSON document.

Why: psycopg sends an executemany as one INSERT per row, each row's parameters dumped in Python. Here the
rows are encoded by ``json.dumps`` (in C) and unpacked by PostgreSQL's ``json_to_recordset`` in a single
``INSERT … SELECT``. The stored values are those a Core insert would store: Python-side column defaults
are filled in, and JSON columns hold JSON (``None`` becomes JSON ``null``, as SQLAlchemy's ``JSON`` type
writes it). SQLite runs in-process, where the driver's own executemany is faster than parsing a
document (measured), so there it is a plain Core executemany.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Column, Connection, CursorResult, Row, Table, bindparam, insert, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

CHUNK = 2000  # rows per statement: bounded memory for the document, few round trips


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]], *,
                skip_conflicts_on: Sequence[str] = ()) -> int:
    """Insert ``rows`` (dicts with the same keys) into ``table``; return how many rows were inserted.

    Columns missing from the rows get their Python-side default. With ``skip_conflicts_on``, rows that
    would violate that unique key are skipped (``ON CONFLICT … DO NOTHING``).
    """
    return sum(max(result.rowcount, 0) for result in _execute(connection, table, rows, skip_conflicts_on, ()))


def insert_rows_returning(connection: Connection, table: Table, rows: list[dict[str, Any]],
                          returning: Sequence[str], *, skip_conflicts_on: Sequence[str] = ()) -> list[Row[Any]]:
    """Insert ``rows`` and return the ``returning`` columns of every new row (in no particular order); rows
    skipped by ``skip_conflicts_on`` return nothing."""
    return [row for result in _execute(connection, table, rows, skip_conflicts_on, tuple(returning))
            for row in result]


def _execute(connection: Connection, table: Table, rows: list[dict[str, Any]], conflict: Sequence[str],
             returning: tuple[str, ...]) -> Iterator[CursorResult[Any]]:
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        statement = sqlite_insert(table) if connection.dialect.name == "sqlite" else insert(table)
        if conflict:
            statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
        if returning:  # SQLAlchemy batches these into multi-row INSERT … RETURNING statements
            statement = statement.returning(*(table.c[name] for name in returning))
        yield connection.execute(statement, rows)
        return
    given = tuple(rows[0])
    # Defaults are the same for every row: they go once, as parameters, not into every row of the document.
    defaults = {c.name: _default(c) for c in table.columns if c.name not in given and _has_default(c)}
    statement = _statement(table, given, tuple(defaults), tuple(conflict), returning)
    instants: dict[datetime, str] = {}  # the same few instants recur (a planning pass fires at 08:00)

    def iso(value: Any) -> str:
        if isinstance(value, datetime):
            if value not in instants:
                instants[value] = _iso(value)
            return instants[value]
        return _iso(value)

    for start in range(0, len(rows), CHUNK):
        document = json.dumps(rows[start:start + CHUNK], ensure_ascii=False, default=iso)
        yield connection.execute(statement, {"rows": document, **{f"default_{k}": v for k, v in defaults.items()}})


def _has_default(column: Column[Any]) -> bool:
    default = column.default
    return default is not None and (default.is_scalar or default.is_callable)


def _default(column: Column[Any]) -> Any:
    default = column.default
    assert default is not None
    return default.arg(None) if default.is_callable else default.arg  # type: ignore[operator, union-attr]


@lru_cache(maxsize=64)
def _statement(table: Table, given: tuple[str, ...], defaulted: tuple[str, ...], conflict: tuple[str, ...],
               returning: tuple[str, ...]) -> Any:
    columns = [table.c[name] for name in given]
    on_conflict = f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING" if conflict else ""
    returns = f" RETURNING {', '.join(returning)}" if returning else ""
    # JSON columns travel as nested JSON; COALESCE keeps a None as JSON null (how SQLAlchemy's JSON type
    # stores it), where json_to_recordset would give SQL NULL.
    record = ", ".join(f"{c.name} {'json' if _is_json(c) else c.type.compile(dialect=_pg())}" for c in columns)
    values = [f"COALESCE(t.{c.name}, 'null'::json)" if _is_json(c) else f"t.{c.name}" for c in columns]
    values += [f":default_{name}" for name in defaulted]
    statement = text(f"INSERT INTO {table.name} ({', '.join((*given, *defaulted))}) SELECT {', '.join(values)} "
                     f"FROM json_to_recordset(CAST(:rows AS json)) AS t({record}){on_conflict}{returns}")
    statement = statement.bindparams(*(bindparam(f"default_{name}", type_=table.c[name].type) for name in defaulted))
    return statement.columns(*(table.c[name] for name in returning)) if returning else statement


def _is_json(column: Column[Any]) -> bool:
    return isinstance(column.type, JSON)


def _iso(value: Any) -> str:
    """PostgreSQL reads ISO dates and offsets; a naive datetime is refused, as ``UtcDateTime`` refuses it."""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to a UTC column; attach a time zone")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a JSON row document")


def _pg() -> Any:
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect()
