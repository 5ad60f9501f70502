"""Unit rows from the directory's unit references, found by key and inserted when missing.

Used by the importer and by the migration that introduced units, so it names the columns of ``units`` itself
(a lightweight table) rather than the ORM model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from config.agencies import UnitRef
from models.base import utcnow

UNITS = sa.table("units", sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("name", sa.String),
                 sa.column("kind", sa.String), sa.column("parent_id", sa.Integer),
                 sa.column("created_at", sa.DateTime(timezone=True)))


def ensure_units(connection: Connection, refs: Iterable[UnitRef]) -> dict[str, int]:
    """Unit id by key for ``refs`` and their parents, inserting the units missing (safe beside a concurrent import)."""
    wanted: dict[str, UnitRef] = {}
    for ref in refs:
        wanted.setdefault(ref.key, ref)
    ids = _ids(connection, set(wanted) | {r.parent for r in wanted.values() if r.parent})
    parents = {r.parent for r in wanted.values() if r.parent and r.parent not in ids and r.parent not in wanted}
    if parents:  # a parent named only by key (the province of a commune): its ref comes with the commune's
        raise ValueError(f"unknown parent unit {', '.join(sorted(parents))}")
    for level in (False, True):  # parents first, then units that point at them
        rows = [_row(r, ids) for key, r in sorted(wanted.items()) if key not in ids and bool(r.parent) is level]
        if rows:
            connection.execute(_insert(connection).on_conflict_do_nothing(index_elements=["key"]), rows)
            ids |= _ids(connection, {row["key"] for row in rows})
    return ids


def _insert(connection: Connection) -> Any:
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(UNITS)


def _row(ref: UnitRef, ids: dict[str, int]) -> dict[str, Any]:
    return {"key": ref.key, "name": ref.name[:255], "kind": ref.kind, "parent_id": ids.get(ref.parent or ""),
            "created_at": utcnow()}


def _ids(connection: Connection, keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    return dict(connection.execute(sa.select(UNITS.c.key, UNITS.c.id).where(UNITS.c.key.in_(keys))).all())

