"""Server-side sessions: the cookie holds only a random id; who is signed in lives in ``login_sessions``.

Every visitor gets a random id on the first page (an anonymous one, ``a.…``, never stored), so forms carry a
CSRF token before anyone signs in: the token is an HMAC of the id under HANCHOT_SECRET_KEY. Signing in
issues a new id (``s.…``, no fixation of the anonymous one) whose SHA-256 is the session row's key. The row
decides: logout or the admin ends it, it expires after HANCHOT_SESSION_IDLE_MINUTES without a request and
after SESSION_LIFETIME in any case, and a deactivated contact's sessions stop at their next request. A
replayed cookie of an ended session is just an anonymous visitor.

The middleware also notes where the request came from (``web.origin``) for the throttle and the audit log,
and, with HANCHOT_REQUIRE_LOGIN, sends anonymous visitors to the sign-in page.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from models import Contact, LoginSession
from models.audit import REQUEST_ORIGIN
from web.origin import client_address

COOKIE = "hanchot_session"
SESSION_LIFETIME = timedelta(hours=12)  # one working day, however active
HISTORY = timedelta(days=30)  # ended sessions are kept this long: who signed in, when and from where
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often per session
_KEY = re.compile(r"^[as]\.[A-Za-z0-9_-]{43}$")
_WITHOUT_SESSION = ("/feeds/", "/static/", "/healthz")
# What stays open to anonymous visitors under HANCHOT_REQUIRE_LOGIN: signing in, and the paths whose URL is
# itself the credential (feed tokens, subscribe pages, reminder links).
_OPEN_WHEN_PRIVATE = ("/login", "/logout", "/feeds/", "/subscribe/", "/r/", "/static/", "/healthz")
LOGIN_NEEDED = "Authentication required"


@dataclass(frozen=True)
class Visitor:
    key: str
    actor: str | None = None  # "admin" or "contact:<id>"
    name: str | None = None
    contact_id: int | None = None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def _new_key(kind: str) -> str:
    return f"{kind}.{secrets.token_urlsafe(32)}"


def csrf_token(secret_key: str, key: str) -> str:
    return hmac.new(secret_key.encode(), f"csrf:{key}".encode(), hashlib.sha256).hexdigest()


def load_visitor(factory: sessionmaker[Session], key: str, now: datetime, idle: timedelta) -> Visitor | None:
    """The signed-in visitor of ``key``, or None when its session is unknown, ended or expired (then ended)."""
    with factory() as session:
        row = session.scalar(select(LoginSession).where(LoginSession.key_hash == key_hash(key)))
        if row is None or row.ended_at is not None:
            return None
        reason = "expired" if row.expires_at <= now else "idle" if row.last_seen_at <= now - idle else None
        if reason is None and row.contact_id is not None:
            contact = session.get(Contact, row.contact_id)
            reason = None if contact is not None and contact.active else "contact_inactive"
        if reason is not None:
            row.ended_at, row.ended_reason = now, reason
        elif now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
        session.commit()
        return None if reason else Visitor(key, row.actor, row.name, row.contact_id)


class SessionMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: Any, *, secure: bool) -> None:
        super().__init__(app)
        self.secure = secure

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        settings = request.app.state.settings
        origin = client_address(request.scope, settings.proxy_networks)
        request.state.origin = origin
        reset = REQUEST_ORIGIN.set(origin)
        try:
            if request.url.path.startswith(_WITHOUT_SESSION):
                return await call_next(request)
            raw = request.cookies.get(COOKIE, "")
            visitor: Visitor | None = None
            if _KEY.match(raw):
                if raw.startswith("s."):
                    from web.deps import now

                    idle = timedelta(minutes=settings.session_idle_minutes)
                    visitor = await run_in_threadpool(load_visitor, request.app.state.sessions, raw, now(request), idle)
                else:
                    visitor = Visitor(raw)
            request.state.issued_key = None
            if visitor is None:
                visitor = Visitor(_new_key("a"))
                request.state.issued_key = visitor.key
            _apply(request, visitor)
            if settings.require_login and visitor.actor is None and not request.url.path.startswith(_OPEN_WHEN_PRIVATE):
                response = await _login_needed(request)
            else:
                response = await call_next(request)
            if request.state.issued_key:
                response.set_cookie(COOKIE, request.state.issued_key, max_age=int(SESSION_LIFETIME.total_seconds()),
                                    httponly=True, samesite="lax", secure=self.secure, path="/")
            return response
        finally:
            REQUEST_ORIGIN.reset(reset)


async def _login_needed(request: Request) -> Response:
    from web.auth import login_for_pending
    from web.pending import from_request

    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": LOGIN_NEEDED}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    pending = await from_request(request)  # a form posted after the session ended: kept across the sign-in
    if pending is not None:
        return login_for_pending(request, pending)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _apply(request: Request, visitor: Visitor) -> None:
    request.state.session_key = visitor.key
    request.state.csrf_token = csrf_token(request.app.state.settings.secret_key, visitor.key)
    request.state.actor = visitor.actor
    request.state.user = visitor.name
    request.state.contact_id = visitor.contact_id


def login(request: Request, session: Session, actor: str, name: str, now: datetime,
          contact_id: int | None = None) -> None:
    """Start a server-side session for ``actor`` under a new random id (stored with the caller's commit)."""
    key = _new_key("s")
    session.add(LoginSession(key_hash=key_hash(key), actor=actor, contact_id=contact_id, name=name[:255],
                             ip=getattr(request.state, "origin", None),
                             user_agent=(request.headers.get("user-agent") or "")[:255] or None,
                             created_at=now, last_seen_at=now, expires_at=now + SESSION_LIFETIME))
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now - HISTORY))
    request.state.issued_key = key
    _apply(request, Visitor(key, actor, name, contact_id))


def logout(request: Request, session: Session, now: datetime) -> None:
    """End this browser's session in the database (a copy of the cookie opens nothing any more)."""
    key = getattr(request.state, "session_key", "")
    if key.startswith("s."):
        session.execute(update(LoginSession).where(LoginSession.key_hash == key_hash(key),
                                                   LoginSession.ended_at.is_(None))
                        .values(ended_at=now, ended_reason="logout"))
    fresh = _new_key("a")
    request.state.issued_key = fresh
    _apply(request, Visitor(fresh))


def end_sessions(session: Session, contact_id: int, now: datetime, reason: str = "admin") -> int:
    """End every open session of a contact; return how many."""
    result = session.execute(update(LoginSession).where(LoginSession.contact_id == contact_id,
                                                        LoginSession.ended_at.is_(None))
                             .values(ended_at=now, ended_reason=reason))
    return result.rowcount or 0
