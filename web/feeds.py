"""Serving calendar feeds: ``/feeds/<token>.ics`` (GET and HEAD) and the subscribe page of a token.

An unknown, malformed or revoked token is answered 404 with an empty body, with no hint which. The body is
deterministic (calendars/feed.py), so its hash is a strong ETag; Last-Modified is the latest change of any
event. Conditional requests get 304 with the same validators.

The hot path (a known token, an unchanged database) runs on the event loop and touches no database: the
token and the rendered feed with its headers come from ``web.feed_cache``. Misses go to a worker thread.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as Scope_

from calendars.conditional import (
    content_disposition,
    etag_for,
    http_date,
    subscribe_links,
)
from calendars.feed import render as render_ics
from calendars.feed_state import changed_at
from calendars.query import Scope, build_feed, feed_name
from calendars.tokens import hash_token, looks_like_token, token_from_filename
from models import FeedToken
from web.deps import DB, now
from web.feed_cache import FeedCache, Rendered, TokenInfo
from web.pages import page

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def _live_token(session: Session, token: str | None) -> FeedToken | None:
    if token is None or not looks_like_token(token):
        return None
    row = session.scalar(select(FeedToken).where(FeedToken.token_hash == hash_token(token)))
    return row if row is not None and row.revoked_at is None else None


def _reasons(request: Request):  # type: ignore[no-untyped-def]
    """Why a day is off (for "Hạn thực tế … (… là ngày nghỉ: …)"); None when the rule files cannot be read, so
    that a broken hand edit costs the explanation, not the feed."""
    from config.errors import ConfigError
    from workrules.rules import current_work_rules

    try:
        return current_work_rules(request.app.state.settings.config_dir).reason
    except ConfigError as e:
        log.warning("feeds are rendered without holiday reasons: %s", e)
        return None


@router.api_route("/feeds/{filename}", methods=["GET", "HEAD"])
async def feed(request: Request, filename: str) -> Response:
    token = token_from_filename(filename)
    if token is None:
        return Response(status_code=404)
    cache: FeedCache = request.app.state.feed_cache
    token_hash = hash_token(token)
    info = cache.token(token_hash)
    if info is not None and request.app.state.token_probe.alive(token_hash) is not True:
        cache.forget_token(token_hash)  # revoked (or the probe could not tell): ask through a session
        info = None
    if info is None:
        info = await run_in_threadpool(_load_token, request, token_hash)
    if info is None:
        return Response(status_code=404)
    stamp = cache.fresh_stamp()
    rendered = cache.get(info.scope.key, stamp) if stamp is not None else None
    if rendered is None:
        rendered = await run_in_threadpool(_rendered, request, info.scope)
    if rendered is None:
        return Response(status_code=404)
    status, headers, body = rendered.answer(request.method, {k.lower(): v for k, v in request.headers.items()})
    return _RawResponse(status, headers, body)


class _RawResponse(Response):
    """A response whose headers are already the ASGI pairs ``Rendered.answer`` made (Content-Length included)."""

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        super().__init__(status_code=status)
        self.body = body
        self.raw_headers = list(headers)


def _load_token(request: Request, token_hash: str) -> TokenInfo | None:
    """Look the token up, note its use (at most once per TOKEN_TTL: only on a cache miss), remember it."""
    cache: FeedCache = request.app.state.feed_cache
    with request.app.state.sessions() as session:
        row = session.scalar(select(FeedToken).where(FeedToken.token_hash == token_hash))
        if row is None or row.revoked_at is not None:
            return None
        info = TokenInfo(row.id, Scope.of_token(row))
        row.last_used_at = now(request)
        session.commit()
    cache.remember_token(token_hash, info)
    return info


def _rendered(request: Request, scope: Scope) -> Rendered | None:
    """The feed of ``scope`` from the cache, or rendered now when the database changed since; None if gone."""
    cache: FeedCache = request.app.state.feed_cache
    with cache.render_lock(scope.key):
        stamp = cache.stamp(request.app.state.sessions)
        rendered = cache.get(scope.key, stamp)  # another request may have just rendered it
        return rendered if rendered is not None else _render(request, scope, cache, stamp)


def _render(request: Request, scope: Scope, cache: FeedCache, stamp: tuple) -> Rendered | None:
    with request.app.state.sessions() as session:
        try:
            calendar = build_feed(session, scope, base_url=request.app.state.settings.base_url,
                                  reasons=_reasons(request), timezone=request.app.state.settings.timezone)
        except LookupError:
            return None
    body = render_ics(calendar, request.app.state.event_store)
    etag = etag_for(body)
    # Not the latest event change: a removed event changes the body and no remaining event (calendars.feed_state).
    modified = changed_at(request.app.state.engine, scope.key, etag, calendar.last_modified, now(request))
    headers = {"Cache-Control": "no-cache", "Content-Disposition": content_disposition(f"{calendar.name}.ics"),
               "Last-Modified": http_date(modified)}
    rendered = Rendered(body, etag, modified, calendar.name, headers)
    cache.put(scope.key, stamp, rendered)
    return rendered


class FeedFastPath:
    """Pure ASGI, outside routing and the session middleware: answers a poll of a cached feed directly.

    Only when the token and the rendered feed are both in ``web.feed_cache`` and the fingerprint is fresh;
    anything else (unknown token, stale data, errors) goes on to the ``feed`` route above, which answers the
    same way. Per request: a hash, two dict look-ups, the conditional check, and bytes already in memory.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope_, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and scope["path"].startswith(PREFIX):
            answer = _from_cache(scope)
            if answer is not None:
                status, headers, body = answer
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


PREFIX = "/feeds/"


def _from_cache(scope: Scope_) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
    app = scope.get("app")
    cache: FeedCache | None = getattr(getattr(app, "state", None), "feed_cache", None)
    token = token_from_filename(scope["path"][len(PREFIX):])
    if cache is None or token is None:
        return None
    token_hash = hash_token(token)
    info = cache.token(token_hash)
    stamp = cache.fresh_stamp() if info is not None else None
    rendered = cache.get(info.scope.key, stamp) if info is not None and stamp is not None else None
    if rendered is None:
        return None
    alive = app.state.token_probe.alive(token_hash)  # type: ignore[union-attr]
    if alive is False:
        cache.forget_token(token_hash)
        return 404, [(b"content-length", b"0")], b""
    if alive is None:
        return None
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"] if k in _NEGOTIATED}
    return rendered.answer(scope["method"], headers)


_NEGOTIATED = (b"if-none-match", b"if-modified-since", b"accept-encoding")


@router.get("/subscribe/{token}")
def subscribe(request: Request, token: str, session: DB) -> HTMLResponse:
    row = _live_token(session, token)
    if row is None:
        raise HTTPException(404)
    url = f"{request.app.state.settings.base_url.rstrip('/')}/feeds/{token}.ics"
    name = feed_name(session, Scope.of_token(row))  # what the calendar will be called, in Outlook too
    return page(request, "subscribe.html", {"links": subscribe_links(url, name), "row": row})


