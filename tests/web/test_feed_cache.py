"""Cached feed serving: answers from memory, and how long a change made elsewhere can go unseen.

A commit in the web process clears the cache at once; a change made by another process (the CLI, the
importer) is seen after STAMP_TTL (data); a token revoked anywhere answers 404 from the next request. Writes
from "another process" are made here with Core statements on a separate connection, which fire no ORM session
events.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from calendars.access import create_token, revoke_token
from calendars.tokens import hash_token
from models import FeedScope, FeedToken, Occurrence
from web.feed_cache import STAMP_TTL, TOKEN_TTL, FeedCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _setup(app, db_session, world) -> tuple[str, Clock, int]:  # type: ignore[no-untyped-def]
    clock = Clock()
    app.state.feed_cache = FeedCache(clock=clock)
    token, row = create_token(db_session, scope=FeedScope.AGENCY, agency_id=world.tu_phap.id, name="phone")
    db_session.commit()
    return f"/feeds/{token}.ics", clock, row.id


def test_it_answers_from_memory_with_the_same_headers_and_body_as_the_first_render(app, client: TestClient, world,
                                                                                  db_session) -> None:
    url, _, _ = _setup(app, db_session, world)
    client.headers["Accept-Encoding"] = "identity"  # the coded representation has its own test below
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200 and first.content == second.content
    for name in ("etag", "last-modified", "content-type", "content-length", "content-disposition", "cache-control"):
        assert first.headers[name] == second.headers[name], name
    assert int(second.headers["content-length"]) == len(second.content)
    conditional = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert conditional.status_code == 304 and conditional.content == b""
    assert conditional.headers["etag"] == first.headers["etag"]
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == str(len(first.content))
    stale = client.get(url, headers={"If-None-Match": '"not-the-tag"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_it_stops_serving_a_token_revoked_in_this_process_at_once(app, client: TestClient, world, db_session) -> None:
    url, _, token_id = _setup(app, db_session, world)
    assert client.get(url).status_code == 200
    revoke_token(db_session, token_id, datetime.now(UTC))
    db_session.commit()
    response = client.get(url)
    assert response.status_code == 404 and response.content == b""


def test_it_stops_serving_a_token_revoked_by_another_process_at_the_next_request(
        app, client: TestClient, world, db_session) -> None:
    url, clock, token_id = _setup(app, db_session, world)
    assert client.get(url).status_code == 200 and client.get(url).status_code == 200  # the second from memory
    with app.state.engine.begin() as connection:
        connection.execute(update(FeedToken).where(FeedToken.id == token_id).values(revoked_at=datetime.now(UTC)))
    assert app.state.feed_cache.token(hash_token(url[7:-4])) is not None  # nothing told this process
    for method in (client.get, client.head):
        gone = method(url)
        assert gone.status_code == 404 and gone.content == b""
    clock.now += TOKEN_TTL + 1
    assert client.get(url).status_code == 404


def test_it_renders_again_after_a_change_by_another_process_once_the_stamp_ttl_passes(
        app, client: TestClient, world, db_session) -> None:
    url, clock, _ = _setup(app, db_session, world)
    etag = client.get(url).headers["etag"]
    moved = world.soon.effective_due + timedelta(days=3)
    with app.state.engine.begin() as connection:
        connection.execute(update(Occurrence).where(Occurrence.id == world.soon.id)
                           .values(moved_to=moved, effective_due=moved,
                                   updated_at=datetime.now(UTC) + timedelta(seconds=1)))
    assert client.get(url).headers["etag"] == etag
    clock.now += STAMP_TTL + 0.1
    again = client.get(url)
    assert again.headers["etag"] != etag and moved.strftime("%Y%m%d").encode() in again.content


def test_it_renders_again_at_once_after_a_statement_committed_by_a_session_of_this_process(
        app, client: TestClient, world, db_session) -> None:
    # The importer writes new plans with Core statements: no ORM object reaches the session's flush.
    url, _, _ = _setup(app, db_session, world)
    etag = client.get(url).headers["etag"]
    moved = world.soon.effective_due + timedelta(days=5)
    db_session.execute(update(Occurrence).where(Occurrence.id == world.soon.id)
                       .values(moved_to=moved, effective_due=moved,
                                   updated_at=datetime.now(UTC) + timedelta(seconds=1)))
    db_session.commit()
    again = client.get(url)
    assert again.headers["etag"] != etag and moved.strftime("%Y%m%d").encode() in again.content


def test_it_serves_gzip_to_clients_that_ask_with_its_own_etag_and_either_tag_validates(app, client: TestClient, world,
                                                                                      db_session) -> None:
    import gzip

    url, _, _ = _setup(app, db_session, world)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
    for _ in range(2):  # the first render, then the cached fast path
        with client.stream("GET", url, headers={"Accept-Encoding": "gzip, deflate"}) as coded:
            raw = b"".join(coded.iter_raw())
        assert coded.status_code == 200 and coded.headers["content-encoding"] == "gzip"
        assert coded.headers["vary"] == "Accept-Encoding" and int(coded.headers["content-length"]) == len(raw)
        assert gzip.decompress(raw) == plain.content and len(raw) < len(plain.content)
        assert coded.headers["etag"] == plain.headers["etag"][:-1] + '-gz"'
    for tag in (plain.headers["etag"], coded.headers["etag"]):
        again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
        assert again.status_code == 304 and again.headers["etag"] == coded.headers["etag"]
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers and refused.content == plain.content


class _CountingRefreshes(FeedCache):
    """A FeedCache that signals each refresh of its stamp: the test waits on those events, never on a sleep."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.refreshed = threading.Semaphore(0)

    def refresh_stamp(self, sessions):
        stamp = super().refresh_stamp(sessions)
        self.refreshed.release()
        return stamp


def test_it_keeps_the_database_fingerprint_fresh_without_any_request(app) -> None:
    cache = app.state.feed_cache = _CountingRefreshes(stamp_ttl=0.2)
    assert cache.fresh_stamp() is None
    with TestClient(app):  # runs the app's lifespan, hence its refresher
        assert cache.refreshed.acquire(timeout=5)
        first, since = cache.fresh_stamp(), time.monotonic()
        assert first is not None
        for _ in range(3):  # the refresher, every stamp_ttl / 2, with no request at all
            assert cache.refreshed.acquire(timeout=5)
        assert time.monotonic() - since > cache.stamp_ttl  # more than a time-to-live has passed...
        assert cache.fresh_stamp() is not None  # ...and only the refresher can have kept it fresh
