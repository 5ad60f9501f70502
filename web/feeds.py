"""Serving calendar feeds: ``/feeds/<token>.ics`` (GET and HEAD) and the subscribe page of a token.

An unknown, malformed or revoked token is answered 404 with an empty body, with no hint which. The body is
deterministic (calendars/feed.py), so its hash is a strong ETag; Last-Modified is the latest change of any
event. Conditional requests get 304 with the same validators.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.conditional import (
    CONTENT_TYPE,
    content_disposition,
    etag_for,
    evaluate_conditional,
    http_date,
    subscribe_links,
)
from calendars.feed import render as render_ics
from calendars.query import Scope, build_feed
from calendars.tokens import hash_token, looks_like_token, token_from_filename
from models import FeedToken
from web.deps import DB, now
from web.feed_cache import FeedCache, Rendered, fingerprint
from web.pages import page

router = APIRouter(include_in_schema=False)


def _live_token(session: Session, token: str | None) -> FeedToken | None:
    if token is None or not looks_like_token(token):
        return None
    row = session.scalar(select(FeedToken).where(FeedToken.token_hash == hash_token(token)))
    return row if row is not None and row.revoked_at is None else None


def _reasons(request: Request):  # type: ignore[no-untyped-def]
    from web.admin_plans import work_rules

    try:
        return work_rules(request)[0].reason
    except Exception:
        return None


@router.api_route("/feeds/{filename}", methods=["GET", "HEAD"])
def feed(request: Request, filename: str, session: DB) -> Response:
    row = _live_token(session, token_from_filename(filename))
    if row is None:
        return Response(status_code=404)
    scope = Scope.of_token(row)
    cache: FeedCache = request.app.state.feed_cache
    stamp = fingerprint(session)
    rendered = cache.get(scope.key, stamp)
    if rendered is None:
        try:
            calendar = build_feed(session, scope, base_url=request.app.state.settings.base_url,
                                  reasons=_reasons(request))
        except LookupError:
            return Response(status_code=404)
        body = render_ics(calendar)
        rendered = Rendered(body, etag_for(body), calendar.last_modified, calendar.name)
        cache.put(scope.key, stamp, rendered)
    body, etag, modified = rendered.body, rendered.etag, rendered.last_modified
    row.last_used_at = now(request)
    headers = {"ETag": etag, "Cache-Control": "no-cache",
               "Content-Disposition": content_disposition(f"{rendered.name}.ics")}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    if evaluate_conditional(dict(request.headers), etag, modified) == 304:
        return Response(status_code=304, headers=headers)
    headers["Content-Length"] = str(len(body))
    return Response(b"" if request.method == "HEAD" else body, media_type=CONTENT_TYPE, headers=headers)


@router.get("/subscribe/{token}")
def subscribe(request: Request, token: str, session: DB) -> HTMLResponse:
    row = _live_token(session, token)
    if row is None:
        raise HTTPException(404)
    url = f"{request.app.state.settings.base_url.rstrip('/')}/feeds/{token}.ics"
    return page(request, "subscribe.html", {"links": subscribe_links(url, row.name or "Hạn chót"), "row": row})


