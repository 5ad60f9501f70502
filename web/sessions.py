"""Signed-cookie sessions and per-session CSRF tokens.

The session is a small dict signed with HANCHOT_SECRET_KEY (itsdangerous), kept in an HttpOnly,
SameSite=Lax cookie (Secure when BASE_URL is https). Every visitor gets a CSRF token on first visit, so
the login form is protected too. ``request.state.session`` is the dict; changing it re-issues the cookie.
"""

from __future__ import annotations

import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "hanchot_session"
SALT = "hanchot.session.v1"
MAX_AGE_S = 12 * 3600  # one working day; a stale session simply starts over


class Session(dict[str, Any]):
    """A dict that remembers whether it changed (so unchanged sessions send no Set-Cookie)."""

    changed = False

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.changed = True

    def clear(self) -> None:
        super().clear()
        self.changed = True


class SessionMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: Any, secret_key: str, secure: bool) -> None:
        super().__init__(app)
        self.serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self.secure = secure

    def load(self, cookie: str | None) -> Session:
        if cookie:
            try:
                data = self.serializer.loads(cookie, max_age=MAX_AGE_S)
                if isinstance(data, dict):
                    return Session(data)
            except BadSignature:
                pass
        return Session()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        session = self.load(request.cookies.get(COOKIE))
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(24)
        request.state.session = session
        request.state.csrf_token = session["csrf"]
        request.state.actor = session.get("user")  # "admin" or "contact:<id>"
        request.state.user = session.get("name")  # what the header shows
        response = await call_next(request)
        if session.changed and not request.url.path.startswith(("/feeds/", "/static/")):
            response.set_cookie(COOKIE, self.serializer.dumps(dict(session)), max_age=MAX_AGE_S, httponly=True,
                                samesite="lax", secure=self.secure, path="/")
        return response


def login(request: Request, actor: str, name: str) -> None:
    """Start a fresh session for ``actor`` (a new CSRF token too: no fixation of the anonymous one)."""
    session: Session = request.state.session
    session.clear()
    session["user"] = actor
    session["name"] = name
    session["csrf"] = secrets.token_urlsafe(24)
    request.state.actor = actor
    request.state.user = name
    request.state.csrf_token = session["csrf"]


def logout(request: Request) -> None:
    session: Session = request.state.session
    session.clear()
    session["csrf"] = secrets.token_urlsafe(24)
    request.state.csrf_token = session["csrf"]
    request.state.actor = None
    request.state.user = None
