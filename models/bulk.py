"""Many rows into one table: on PostgreSQL in one statement, the rows travelling as one JSON document.

Why: psycopg sends an executemany as one INSERT per row, each row's parameters dumped in Python. Here the
rows are encoded by ``json.dumps`` (in C) and unpacked by PostgreSQL's ``json_to_recordset`` in a single
``INSERT … SELECT``. SQLite runs in-process, where the driver's own executemany is faster than parsing a
document (measured): there the statement is written once per column set and each row goes through the
columns' bind processors straight to the driver (a Core executemany spent most of an import in
SQLAlchemy's per-row parameter building). Either way the stored values are those a Core insert would
store: Python-side column defaults are filled in (evaluated once per call, as one statement's rows share
one instant), and JSON columns hold JSON (``None`` becomes JSON ``null``, as SQLAlchemy's ``JSON`` type
writes it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, Connection, CursorResult, Row, Table, bindparam, insert, text

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
            for row in result.all()]


def _execute(connection: Connection, table: Table, rows: list[dict[str, Any]], conflict: Sequence[str],
             returning: tuple[str, ...]) -> Iterator[CursorResult[Any]]:
    if not rows:
        return
    given = tuple(rows[0])
    # Defaults are the same for every row: they go once, as parameters, not into every row of the document.
    defaults = {c.name: _default(c) for c in table.columns if c.name not in given and _has_default(c)}
    if connection.dialect.name == "sqlite":
        yield from _execute_sqlite(connection, table, rows, given, defaults, tuple(conflict), returning)
        return
    if connection.dialect.name != "postgresql":
        if conflict:  # ON CONFLICT is written for SQLite and PostgreSQL only: never drop it silently
            raise NotImplementedError(f"skip_conflicts_on is not supported on {connection.dialect.name}")
        statement = insert(table)
        if returning:
            statement = statement.returning(*(table.c[name] for name in returning))
        yield connection.execute(statement, rows)
        return
    statement = _statement(table, given, tuple(defaults), tuple(conflict), returning)
    # The same few dates and instants recur (due dates of a plan, a planning pass firing at 08:00).
    written: dict[date | datetime, str] = {}

    def iso(value: Any) -> str:
        text = written.get(value)
        if text is None:
            text = written[value] = _iso(value)
        return text

    for start in range(0, len(rows), CHUNK):
        document = json.dumps(rows[start:start + CHUNK], ensure_ascii=False, default=iso)
        yield connection.execute(statement, {"rows": document, **{f"default_{k}": v for k, v in defaults.items()}})


def _execute_sqlite(connection: Connection, table: Table, rows: list[dict[str, Any]], given: tuple[str, ...],
                    defaults: dict[str, Any], conflict: tuple[str, ...],
                    returning: tuple[str, ...]) -> Iterator[CursorResult[Any]]:
    dialect = connection.dialect
    fixed = tuple(p(v) if p else v for p, v in zip(
        (_processor(table.c[name], dialect) for name in defaults), defaults.values(), strict=True))
    values = _row_tuples(rows, given, [_processor(table.c[name], dialect) for name in given], fixed)
    names = (*given, *defaults)
    head = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES "
    tail = f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING" if conflict else ""
    one = "(" + ", ".join("?" * len(names)) + ")"
    if not returning:
        yield connection.exec_driver_sql(head + one + tail, values)
        return
    # The driver's executemany returns no rows: RETURNING needs multi-row VALUES, within SQLite's
    # 999-parameter limit of older versions.
    per_statement = max(1, 999 // len(names))
    back = f" RETURNING {', '.join(returning)}"
    for start in range(0, len(values), per_statement):
        chunk = values[start:start + per_statement]
        flat = tuple(value for row in chunk for value in row)
        yield connection.exec_driver_sql(head + ", ".join([one] * len(chunk)) + tail + back, flat)


def _row_tuples(rows: list[dict[str, Any]], given: tuple[str, ...], processors: list[Any],
                fixed: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Each row's values in ``given`` order, processed, then ``fixed``; only columns with a processor pay a call."""
    get = itemgetter(*given) if len(given) > 1 else (lambda row: (row[given[0]],))
    processed = [(i, p) for i, p in enumerate(processors) if p is not None]
    if not processed:
        return [get(row) + fixed for row in rows]
    out = []
    for row in rows:
        values = list(get(row))
        for i, process in processed:
            values[i] = process(values[i])
        out.append((*values, *fixed))
    return out


def _processor(column: Column[Any], dialect: Any) -> Any:
    """The function a Core insert applies to the column's value before the driver sees it (None: as is)."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)


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
