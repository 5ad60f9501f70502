"""Serialised VEVENTs kept in the database: the same bytes, from the store after a restart, never stale."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from calendars.event_store import TABLE, DatabaseEventStore, prune
from calendars.feed import clear_event_cache, render


@pytest.fixture(autouse=True)
def new_process():
    """Each test starts as a new process would: the events other tests rendered are not in memory."""
    clear_event_cache()


def stored(engine) -> dict[str, bytes]:
    with engine.connect() as connection:
        return {digest: bytes(ics) for digest, ics in connection.execute(select(TABLE.c.digest, TABLE.c.ics))}


def test_it_stores_every_event_once_and_renders_the_same_bytes_as_without_a_store(engine, sample_feed):
    clear_event_cache()
    plain = render(sample_feed)
    clear_event_cache()
    store = DatabaseEventStore(engine)
    assert render(sample_feed, store) == plain
    rows = stored(engine)
    assert set(rows) == {e.digest for e in sample_feed.events}
    assert all(ics.startswith(b"BEGIN:VEVENT\r\n") and ics.endswith(b"END:VEVENT\r\n") for ics in rows.values())
    render(sample_feed, store)  # rendering again stores nothing new and does not fail on existing digests
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(TABLE)) == len(sample_feed.events)


def test_it_reads_the_stored_bytes_after_a_restart(engine, sample_feed):
    store = DatabaseEventStore(engine)
    render(sample_feed, store)
    first = sample_feed.events[0]
    marked = stored(engine)[first.digest].replace(b"SUMMARY:", b"SUMMARY:(from the store) ")
    with engine.begin() as connection:
        connection.execute(update(TABLE).where(TABLE.c.digest == first.digest).values(ics=marked))
    clear_event_cache()  # a new process: only the database remembers the events
    assert b"SUMMARY:(from the store) " in render(replace(sample_feed, events=[replace(e) for e in sample_feed.events]),
                                                  store)


def test_it_never_serves_stored_bytes_of_an_event_that_changed(engine, sample_feed):
    store = DatabaseEventStore(engine)
    render(sample_feed, store)
    changed = [replace(sample_feed.events[0], summary="Hạn: Ban hành quy chế (sửa)", sequence=1),
               *sample_feed.events[1:]]
    assert changed[0].digest != sample_feed.events[0].digest
    clear_event_cache()
    body = render(replace(sample_feed, events=changed), store)
    assert "SUMMARY:Hạn: Ban hành quy chế (sửa)".encode() in body and b"SEQUENCE:1" in body
    assert changed[0].digest in stored(engine)


def test_it_prunes_the_events_nothing_uses_any_more(engine, sample_feed):
    store = DatabaseEventStore(engine)
    render(sample_feed, store)
    keep = [e.digest for e in sample_feed.events[1:]]
    assert prune(engine, keep) == 1
    assert set(stored(engine)) == set(keep)
    assert prune(engine, keep) == 0


def test_it_republishes_storing_every_event_then_prunes_what_no_event_uses(engine, session, tmp_path):
    from calendars.export import republish
    from calendars.query import Scope, build_feed
    from models import FeedRole, FeedScope
    from tests.calendars.world import BASE_URL, build_world

    build_world(session)
    session.commit()
    with engine.begin() as connection:
        connection.execute(TABLE.insert().values(digest="0" * 32, ics=b"BEGIN:VEVENT\r\nEND:VEVENT\r\n",
                                                 created_at=datetime(2026, 1, 1, tzinfo=UTC)))
    first = republish(engine, tmp_path, base_url=BASE_URL)
    everything = build_feed(session, Scope(FeedScope.PROVINCE, None, FeedRole.ALL), base_url=BASE_URL)
    assert first.pruned == 1 and first.export.written and everything.events
    assert set(stored(engine)) == {e.digest for e in everything.events}
    again = republish(engine, tmp_path, base_url=BASE_URL)
    assert again.pruned == 0 and again.export.written == [] and len(again.export.unchanged) == len(first.export.written)
