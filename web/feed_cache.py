"""Rendered feeds and token look-ups kept in process memory, so a poll of an unchanged feed touches no database.

Calendar clients poll every hour, mostly to learn that nothing changed. A cached feed is served as bytes
from memory with its ETag, Last-Modified and other headers computed once; per request there is only the
token look-up (itself cached) and the conditional check.

Staleness is bounded two ways:

- **In this process**, every commit that wrote rows clears what it may have changed (``after_commit`` below):
  a feed token written (revoked) drops the token look-ups, anything else drops the data fingerprint. The web
  app's edits, revocations and uploads therefore show at the next request.
- **Other processes** (``hanchot import``, the scheduler, another web worker) are seen through a time-to-live:
  the database *fingerprint* (latest ``updated_at`` and row counts of plans, tasks, milestones and
  occurrences, plus the newest audit id) is asked again after ``STAMP_TTL`` seconds.
- **Revocation is never stale**: whether a token is still live is asked of the database on every request
  (``TokenProbe``: one look-up by the unique hash on a connection kept for it, about 0.1 ms), so a token
  revoked by ``hanchot feeds token revoke`` or by another worker answers 404 from the next request on. The
  cached token look-up (``TOKEN_TTL``) only spares loading its scope and writing ``last_used_at``.

The fingerprint is global, so any change anywhere renders feeds again: simple and never stale for longer than
the TTL, at the cost of some needless re-renders.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from calendars.conditional import CONTENT_TYPE, accepts_gzip, evaluate_conditional, gzip_etag
from calendars.query import Scope
from models import AuditLog, FeedToken, LoginSession, Milestone, Occurrence, Plan, SigninLink, Task, ThrottleHit

MAX_ENTRIES = 512
MAX_TOKENS = 10_000
TOKEN_TTL = 30.0  # seconds
STAMP_TTL = 2.0  # seconds


@dataclass(frozen=True)
class Rendered:
    """A feed ready to send in both codings: the body, its gzip form and every header that depends only on them.

    gzip is offered because calendar clients ask for it and a 1.4 MiB feed shrinks about tenfold; it is
    compressed once per render (deterministically: no time stamp in the gzip header), never per request.
    """

    body: bytes
    etag: str
    last_modified: datetime | None
    name: str
    headers: dict[str, str] = field(default_factory=dict)  # for 200 and 304; ETag and Vary are added per coding
    gzip_body: bytes = b""

    def __post_init__(self) -> None:
        if not self.gzip_body:
            object.__setattr__(self, "gzip_body", gzip.compress(self.body, compresslevel=6, mtime=0))

    def answer(self, method: str, headers: Mapping[str, str]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Status, raw ASGI headers and body for a GET or HEAD with these request headers (lower-case names).

        A validator of either coding makes a 304: the content is the same, only the coding differs.
        """
        coded = accepts_gzip(headers.get("accept-encoding"))
        conditional = {k: v for k, v in headers.items() if k in ("if-none-match", "if-modified-since")}
        if conditional and (evaluate_conditional(conditional, self.etag, self.last_modified) == 304
                            or evaluate_conditional(conditional, gzip_etag(self.etag), self.last_modified) == 304):
            return 304, self._raw_304_gzip if coded else self._raw_304, b""
        body = self.gzip_body if coded else self.body
        return 200, self._raw_200_gzip if coded else self._raw_200, b"" if method == "HEAD" else body

    def _raw(self, etag: str, extra: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        own = {**self.headers, "ETag": etag, "Vary": "Accept-Encoding"}
        return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in own.items()] + extra

    @cached_property
    def _raw_304(self) -> list[tuple[bytes, bytes]]:
        return self._raw(self.etag, [])

    @cached_property
    def _raw_304_gzip(self) -> list[tuple[bytes, bytes]]:
        return self._raw(gzip_etag(self.etag), [(b"content-encoding", b"gzip")])

    @cached_property
    def _raw_200(self) -> list[tuple[bytes, bytes]]:
        return self._raw(self.etag, [(b"content-type", CONTENT_TYPE.encode()),
                                     (b"content-length", str(len(self.body)).encode())])

    @cached_property
    def _raw_200_gzip(self) -> list[tuple[bytes, bytes]]:
        return self._raw(gzip_etag(self.etag), [(b"content-encoding", b"gzip"),
                                                (b"content-type", CONTENT_TYPE.encode()),
                                                (b"content-length", str(len(self.gzip_body)).encode())])


@dataclass(frozen=True)
class TokenInfo:
    """What a request needs of a live feed token."""

    id: int
    scope: Scope


def fingerprint(session: Session) -> tuple:
    parts: list[object] = []
    for model in (Plan, Task, Milestone, Occurrence):
        parts.extend(session.execute(select(func.max(model.updated_at), func.count(model.id))).one())
    parts.append(session.scalar(select(func.max(AuditLog.id))))
    return tuple(parts)


class FeedCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, *, token_ttl: float = TOKEN_TTL, stamp_ttl: float = STAMP_TTL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[str, tuple[tuple, Rendered]] = OrderedDict()
        self._tokens: OrderedDict[str, tuple[float, TokenInfo]] = OrderedDict()
        self._stamp: tuple | None = None
        self._stamp_until = 0.0
        self._render_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.max_entries, self.token_ttl, self.stamp_ttl, self.clock = max_entries, token_ttl, stamp_ttl, clock
        _CACHES.add(self)

    def token(self, token_hash: str) -> TokenInfo | None:
        """The cached live token of this hash, or None when unknown here or expired (look it up then)."""
        entry = self._tokens.get(token_hash)
        if entry is None or entry[0] < self.clock():
            return None
        return entry[1]

    def remember_token(self, token_hash: str, info: TokenInfo) -> None:
        with self._lock:
            self._tokens[token_hash] = (self.clock() + self.token_ttl, info)
            self._tokens.move_to_end(token_hash)
            while len(self._tokens) > MAX_TOKENS:
                self._tokens.popitem(last=False)

    def fresh_stamp(self) -> tuple | None:
        """The fingerprint if it is recent enough to trust without asking the database, else None."""
        stamp = self._stamp
        return stamp if stamp is not None and self.clock() < self._stamp_until else None

    def stamp(self, sessions: Callable[[], Session]) -> tuple:
        """The database fingerprint, asked again only when older than ``stamp_ttl`` or cleared by a commit."""
        stamp = self.fresh_stamp()
        return stamp if stamp is not None else self.refresh_stamp(sessions)

    def refresh_stamp(self, sessions: Callable[[], Session]) -> tuple:
        """Ask the database for its fingerprint now (the app's refresher calls this every ``stamp_ttl / 2``, so
        that polls find a fresh one and never wait for these queries themselves)."""
        started = self.clock()
        with sessions() as session:
            stamp = fingerprint(session)
        with self._lock:
            # Valid from when it was asked: a commit noticed meanwhile (invalidate) must not be covered up.
            self._stamp, self._stamp_until = stamp, started + self.stamp_ttl
        return stamp

    def render_lock(self, key: str) -> threading.Lock:
        """One lock per feed: concurrent polls of a feed that must be rendered again wait for one render."""
        with self._lock:
            return self._render_locks.setdefault(key, threading.Lock())

    def get(self, key: str, stamp: tuple) -> Rendered | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != stamp:
            return None
        return entry[1]

    def put(self, key: str, stamp: tuple, rendered: Rendered) -> None:
        with self._lock:
            self._entries[key] = (stamp, rendered)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget_token(self, token_hash: str) -> None:
        with self._lock:
            self._tokens.pop(token_hash, None)

    def invalidate(self, *, tokens: bool = False, data: bool = False) -> None:
        with self._lock:
            if tokens:
                self._tokens.clear()
            if data:
                self._stamp = None


class TokenProbe:
    """Is this token hash still live? Asked on every feed request, on one connection kept open for it.

    Runs on the event loop (a thread hop would cost more than the look-up): one indexed SELECT, autocommit,
    so it holds no transaction between requests. Returns None when the database cannot answer; the caller
    then takes the slow path, which asks through a normal session and reports errors as usual.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        mark = "%s" if engine.dialect.paramstyle in ("format", "pyformat") else "?"
        self.sql = f"SELECT revoked_at FROM {FeedToken.__tablename__} WHERE token_hash = {mark}"
        self._connection: Any = None
        self._lock = threading.Lock()

    def alive(self, token_hash: str) -> bool | None:
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = self.engine.raw_connection()
                    if self.engine.dialect.name == "postgresql":
                        self._connection.driver_connection.autocommit = True
                cursor = self._connection.cursor()
                try:
                    cursor.execute(self.sql, (token_hash,))
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except Exception:
                self._close()
                return None
        return row is not None and row[0] is None

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.invalidate()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(Exception):
                    self._connection.close()
                self._connection = None


_CACHES: weakref.WeakSet[FeedCache] = weakref.WeakSet()
_NOT_IN_FEEDS = (LoginSession, SigninLink, ThrottleHit)  # sign-ins change no feed: no re-render for them
_NOT_IN_FEEDS_TABLES = {model.__tablename__ for model in _NOT_IN_FEEDS}
_WROTE = "hanchot.feed_cache.wrote"


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, flush_context: object) -> None:
    wrote = session.info.setdefault(_WROTE, set())
    for row in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(row, _NOT_IN_FEEDS):
            wrote.add("token" if isinstance(row, FeedToken) else "data")


@event.listens_for(Session, "do_orm_execute")
def _note_statement_writes(state: ORMExecuteState) -> None:
    """Writes by statement (the importer's Core INSERT of a new plan) never reach ``session.new``."""
    if state.statement.is_dml:
        table = getattr(state.statement, "table", None)
        if table is not None and table.name in _NOT_IN_FEEDS_TABLES:
            return
        kind = "token" if table is not None and table.name == FeedToken.__tablename__ else "data"
        state.session.info.setdefault(_WROTE, set()).add(kind)


@event.listens_for(Session, "after_commit")
def _invalidate_after_commit(session: Session) -> None:
    wrote = session.info.pop(_WROTE, None)
    if wrote:
        for cache in list(_CACHES):
            cache.invalidate(tokens="token" in wrote, data="data" in wrote)


@event.listens_for(Session, "after_rollback")
def _forget_writes(session: Session) -> None:
    session.info.pop(_WROTE, None)
