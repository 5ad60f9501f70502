"""Serialised VEVENTs in the database (``rendered_events``), so a restart does not mean a slow first render.

Writes use their own short transaction on the engine (Core, not the ORM session of the caller): a feed
request that stores what it rendered must not look like a data change to ``web.feed_cache``, and must not
commit anything of the caller's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import RenderedEvent

TABLE = RenderedEvent.__table__
CHUNK = 500  # digests per IN (…) or INSERT: well under SQLite's limit of bound parameters


class DatabaseEventStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get_many(self, digests: Collection[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        wanted = list(digests)
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), CHUNK):
                rows = connection.execute(select(TABLE.c.digest, TABLE.c.ics)
                                          .where(TABLE.c.digest.in_(wanted[start:start + CHUNK]))).all()
                found.update(rows)
        return found

    def put_many(self, rendered: dict[str, bytes]) -> None:
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        now = datetime.now(UTC)
        rows = [{"digest": digest, "ics": ics, "created_at": now} for digest, ics in rendered.items()]
        with self.engine.begin() as connection:
            for start in range(0, len(rows), CHUNK):
                # Two requests may render the same new event at once: the second insert is simply skipped.
                connection.execute(insert(TABLE).on_conflict_do_nothing(index_elements=["digest"]),
                                   rows[start:start + CHUNK])


def prune(engine: Engine, keep: Iterable[str]) -> int:
    """Delete the stored events whose digest is not in ``keep`` (the digests of every current event)."""
    keep = set(keep)
    with engine.begin() as connection:
        stored = set(connection.scalars(select(TABLE.c.digest)))
        gone = sorted(stored - keep)
        for start in range(0, len(gone), CHUNK):
            connection.execute(delete(TABLE).where(TABLE.c.digest.in_(gone[start:start + CHUNK])))
    return len(gone)
