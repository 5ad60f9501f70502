"""A feed's Last-Modified that changes whenever its body changes, removals included.

The latest change of any event is not enough: when an event leaves a feed (a task cancelled, a plan
unpublished) no remaining event changed, and a client asking with If-Modified-Since would keep the deleted
deadline. So each feed's ETag is remembered (``feed_states``): a new ETag moves the feed's change time to
now (at least one second after the previous one: HTTP dates have whole seconds). Written in its own short
transaction on the engine, like the event store, so a feed request never looks like a data change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import FeedState

TABLE = FeedState.__table__
SECOND = timedelta(seconds=1)


def changed_at(engine: Engine, scope_key: str, etag: str, events_changed: datetime | None,
               now: datetime) -> datetime:
    """When the body with this ``etag`` was first served: the stored time while the ETag is the same, else now.

    ``events_changed`` (the latest change of any event) stands for the first time a feed is seen.
    """
    with engine.begin() as connection:
        row = connection.execute(select(TABLE.c.etag, TABLE.c.changed_at)
                                 .where(TABLE.c.scope_key == scope_key)).first()
        if row is not None and row.etag == etag and row.changed_at is not None:
            return _aware(row.changed_at)
        if row is None:
            first = events_changed or now
            insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
            connection.execute(insert(TABLE).values(scope_key=scope_key, etag=etag, changed_at=first, published_at=now)
                               .on_conflict_do_nothing(index_elements=["scope_key"]))
            return first
        previous = _aware(row.changed_at) if row.changed_at is not None else None
        moment = now.replace(microsecond=0)
        if previous is not None and moment <= previous.replace(microsecond=0):
            moment = previous.replace(microsecond=0) + SECOND
        connection.execute(update(TABLE).where(TABLE.c.scope_key == scope_key)
                           .values(etag=etag, changed_at=moment, published_at=now))
        return moment


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
