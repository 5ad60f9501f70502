"""Headers every response carries, and paths that cannot name anything answered 404 before routing.

The pages need nothing from another origin (no CDN, no inline script or style), so the policy is "self"
only; ``frame-ancestors 'none'`` and X-Frame-Options keep the site out of frames (clickjacking the "done"
buttons); ``no-referrer`` keeps feed and subscribe URLs, which are credentials, out of other sites' logs. An HTML
page without a caching rule of its own is ``no-store``: pages hold a person's deadlines, a CSRF token, a feed
URL or a new API token, none of which a shared computer's browser cache or back button should give away.
HSTS is sent only when HANCHOT_BASE_URL is https (over http it would be ignored, and it must not pin an
intranet that has no TLS).

Pure ASGI on purpose: it wraps the feed fast path too, adding a few prepared byte pairs per response.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"
MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; a larger number names nothing
_DIGITS = re.compile(r"^[0-9]+$")
# Control characters but tab and line breaks: PostgreSQL refuses NUL in any text; forms use it too (web.deps).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def security_headers(https: bool) -> list[tuple[bytes, bytes]]:
    pairs = [("content-security-policy", CSP), ("x-frame-options", "DENY"), ("x-content-type-options", "nosniff"),
             ("referrer-policy", "no-referrer"), ("cross-origin-opener-policy", "same-origin"),
             ("permissions-policy", "camera=(), microphone=(), geolocation=()")]
    if https:
        pairs.append(("strict-transport-security", HSTS))
    return [(name.encode(), value.encode()) for name, value in pairs]


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = security_headers(https)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k not in self.names]
                if _html_without_cache_rule(kept):
                    kept.append((b"cache-control", b"no-store"))
                message = {**message, "headers": kept + self.headers}
            await send(message)

        if _unreachable(scope["path"]) or _names_no_row(scope.get("query_string", b"")):
            await _not_found(scope, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _html_without_cache_rule(headers: list[tuple[bytes, bytes]]) -> bool:
    names = {k.lower(): v for k, v in headers}
    return names.get(b"content-type", b"").startswith(b"text/html") and b"cache-control" not in names


def _unreachable(path: str) -> bool:
    """A path with an id out of range, a NUL or a control character: no route could answer it but with a 500."""
    if any(ord(c) < 32 or c == "\x7f" for c in path):
        return True
    return any(_DIGITS.match(part) and (len(part) > 10 or int(part) > MAX_ID) for part in path.split("/"))


def _names_no_row(query: bytes) -> bool:
    """A query parameter holding a control character, or naming a row (``id``, ``…_id``) by a number out of
    range (``/api/occurrences?agency_id=99999999999999999999``): the database would refuse the value itself, so
    it is answered 404 here."""
    if not query:
        return False
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if any(CONTROL.search(value) for _, value in pairs):
        return True  # a NUL or control character: PostgreSQL refuses NUL in any text it is compared with
    return any((name == "id" or name.endswith("_id")) and _DIGITS.match(value) and (len(value) > 10 or
                                                                                    int(value) > MAX_ID)
               for name, value in pairs)


async def _not_found(scope: Scope, send: Send) -> None:
    from starlette.requests import Request

    from web.templating import render

    if scope["path"].startswith(("/api/", "/feeds/")):
        body, kind = (b'{"detail":"Not Found"}', b"application/json") if scope["path"].startswith("/api/") \
            else (b"", b"text/plain; charset=utf-8")
    else:
        body = render(Request(scope), "error.html", {"status": 404, "message": "Không tìm thấy trang này."}).encode()
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
