"""A local Zalo that speaks real HTTP: OAuth v4, OA v3 messages, getoa and ZNS (docs/zalo.md, "The fake").

One ThreadingHTTPServer on a loopback port serves the three Zalo hosts under path prefixes, so clients
keep the real paths: ``<url>/openapi`` (openapi.zalo.me), ``<url>/oauth`` (oauth.zaloapp.com) and
``<url>/business`` (business.openapi.zalo.me). Every request is recorded for assertions. The clock is
``datetime.now(UTC)`` (time-machine moves it) unless a test sets ``fake.clock``. Errors come back as
HTTP 200 with a negative ``error``, numbers as strings, as the real API does.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

VN = timedelta(hours=7)


@dataclass
class Request:
    method: str
    path: str                       # without the host prefix, e.g. "/v3.0/oa/message/cs"
    host: str                       # "openapi", "oauth" or "business"
    headers: dict[str, str]
    body: Any                       # JSON (dict), form (dict of str) or None
    peer_port: int = 0              # the client's source port: one per TCP connection


@dataclass
class User:
    user_id: str
    follower: bool = True
    last_interaction: datetime | None = None        # None: never wrote to the OA
    banned: bool = False


@dataclass
class Template:
    template_id: str
    params: dict[str, int]                           # parameter → maximum length
    night_restricted: bool = False
    enabled: bool = True


@dataclass
class Access:
    expires_at: datetime
    revoked: bool = False


@dataclass
class Refresh:
    expires_at: datetime
    used: bool = False


@dataclass
class ZaloFake:
    app_id: str = "3458237891230947"
    secret_key: str = "fake-app-secret"
    oa_id: str = "1032900368544893239"
    # Unconfirmed details (docs/zalo.md, "The fake"), as switches:
    refresh_error_code: int = -14020
    old_access_dies_on_refresh: bool = True
    http_401_for_expired: bool = False
    text_too_long_code: int = -210
    zns_daily_quota: int = 500
    access_ttl: int = 90000
    refresh_ttl: timedelta = timedelta(days=90)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # State:
    users: dict[str, User] = field(default_factory=dict)
    zalo_phones: set[str] = field(default_factory=set)
    admin_phones: set[str] = field(default_factory=set)
    templates: dict[str, Template] = field(default_factory=dict)
    access_tokens: dict[str, Access] = field(default_factory=dict)
    refresh_tokens: dict[str, Refresh] = field(default_factory=dict)
    auth_codes: dict[str, str] = field(default_factory=dict)          # code → code_verifier
    requests: list[Request] = field(default_factory=list)
    queued_errors: dict[str, list[int]] = field(default_factory=dict)  # path → codes answered first
    http_statuses: dict[str, list[int]] = field(default_factory=dict)  # path → HTTP statuses answered first
    rate_limited: int = 0                                              # next N OA calls answer -32
    retry_after: float | None = None                                   # sent with -32 when set
    zns_sent_today: int = 0
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- set-up helpers used by tests ---------------------------------------------------------------

    def issue_tokens(self, access_ttl: int | None = None) -> tuple[str, str]:
        """A fresh (access, refresh) pair as after an authorization."""
        with self._lock:
            return self._issue(access_ttl)

    def expire_access(self, token: str) -> None:
        self.access_tokens[token].expires_at = self.clock() - timedelta(seconds=1)

    def add_user(self, user_id: str, *, days_since_interaction: float = 0, **flags: Any) -> User:
        user = User(user_id, last_interaction=self.clock() - timedelta(days=days_since_interaction), **flags)
        self.users[user_id] = user
        return user

    def add_template(self, template_id: str, params: dict[str, int], **flags: Any) -> Template:
        self.templates[template_id] = Template(template_id, params, **flags)
        return self.templates[template_id]

    def fail_next(self, path: str, *codes: int) -> None:
        """Answer the next calls of ``path`` (e.g. "/v3.0/oa/message/cs") with these codes, in order."""
        self.queued_errors.setdefault(path, []).extend(codes)

    def calls(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    @property
    def bases(self) -> dict[str, str]:
        """Settings overrides pointing hanchot at this fake."""
        return {"zalo_api_base": f"{self.url}/openapi", "zalo_oauth_base": f"{self.url}/oauth",
                "zns_api_base": f"{self.url}/business", "zalo_app_id": self.app_id,
                "zalo_secret_key": self.secret_key}

    # ---- routing -----------------------------------------------------------------------------------

    def handle(self, request: Request) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            self.requests.append(request)
            route = ROUTES.get((request.method, request.host, request.path))
            if route is None:
                return 404, {"error": 404, "message": "Not found"}, {}
            statuses = self.http_statuses.get(request.path)
            if statuses:
                return statuses.pop(0), {"error": -1, "message": "Bad gateway"}, {}
            queued = self.queued_errors.get(request.path)
            if queued:
                code = queued.pop(0)
                return 200, {"error": code, "message": f"injected error {code}"}, {}
            return route(self, request)

    # ---- OAuth v4 ----------------------------------------------------------------------------------

    def _oauth(self, request: Request) -> tuple[int, dict[str, Any], dict[str, str]]:
        form = request.body or {}
        if request.headers.get("secret_key") != self.secret_key or form.get("app_id") != self.app_id:
            return self._oauth_error(-14002, "Invalid app_id or secret_key")
        if form.get("grant_type") == "refresh_token":
            entry = self.refresh_tokens.get(form.get("refresh_token", ""))
            if entry is None or entry.used or entry.expires_at <= self.clock():
                return self._oauth_error(self.refresh_error_code, "Invalid refresh token")
            entry.used = True                                             # single use
            if self.old_access_dies_on_refresh:
                for access in self.access_tokens.values():
                    access.revoked = True
        elif form.get("grant_type") == "authorization_code":
            if self.auth_codes.pop(form.get("code", ""), None) is None:
                return self._oauth_error(-14019, "Invalid authorization code")
        else:
            return self._oauth_error(-1013, "Invalid Parameter")
        access, refresh = self._issue(None)
        return 200, {"access_token": access, "refresh_token": refresh, "expires_in": str(self.access_ttl)}, {}

    def _oauth_error(self, code: int, text: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        return 200, {"error": code, "error_name": text, "error_description": text, "error_reason": ""}, {}

    def _issue(self, access_ttl: int | None) -> tuple[str, str]:
        now = self.clock()
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens[access] = Access(now + timedelta(seconds=access_ttl or self.access_ttl))
        self.refresh_tokens[refresh] = Refresh(now + self.refresh_ttl)
        return access, refresh

    # ---- OA v3 -------------------------------------------------------------------------------------

    def _token_error(self, request: Request, *, zns: bool) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        token = request.headers.get("access_token", "")
        entry = self.access_tokens.get(token)
        if entry is None:
            return 200, _err(-124 if zns else -216, "Access token is invalid"), {}
        if entry.revoked or entry.expires_at <= self.clock():
            status = 401 if self.http_401_for_expired else 200
            return status, _err(-124 if zns else -220, "access_token is expired or removed"), {}
        return None

    def _oa_message(self, request: Request) -> tuple[int, dict[str, Any], dict[str, str]]:
        headers = {"X-RateLimit-Limit": "4000", "X-RateLimit-Remain": "3999"}
        if self.rate_limited > 0:
            self.rate_limited -= 1
            limited = {"X-RateLimit-Limit": "4000", "X-RateLimit-Remain": "0"}
            if self.retry_after is not None:
                limited["Retry-After"] = str(self.retry_after)
            return 200, _err(-32, "Your application reached limit call api"), limited
        if (failure := self._token_error(request, zns=False)) is not None:
            return failure
        body = request.body if isinstance(request.body, dict) else {}
        user_id = (body.get("recipient") or {}).get("user_id")
        message = body.get("message") or {}
        if not user_id:
            return 200, _err(-201, "user_id is invalid!"), headers
        if request.path.endswith("/cs"):
            text = message.get("text")
            if not isinstance(text, str) or not text:
                return 200, _err(-201, "message is invalid!"), headers
            if len(text) > 2000:
                return 200, _err(self.text_too_long_code, "Parameter exceeds allowable limit"), headers
        user = self.users.get(user_id)
        if user is None:
            return 200, _err(-201, "user_id is invalid!"), headers
        if user.banned:
            return 200, _err(-227, "User is banned or has been inactive for more than 45 days"), headers
        if not user.follower:
            return 200, _err(-213, "User has not followed OA"), headers
        if user.last_interaction is None or self.clock() - user.last_interaction > timedelta(days=7):
            return 200, _err(-230, "User has not interacted with the OA in the past 7 days"), headers
        data = {"message_id": secrets.token_hex(10), "user_id": user_id,
                "sent_time": str(int(self.clock().timestamp() * 1000))}
        return 200, {"error": 0, "message": "Success", "data": data}, headers

    def _getoa(self, request: Request) -> tuple[int, dict[str, Any], dict[str, str]]:
        if (failure := self._token_error(request, zns=False)) is not None:
            return failure
        return 200, {"error": 0, "message": "Success",
                     "data": {"oaid": self.oa_id, "name": "Hạn chót Thanh Hóa", "oa_type": 4}}, {}

    # ---- ZNS ---------------------------------------------------------------------------------------

    def _zns(self, request: Request) -> tuple[int, dict[str, Any], dict[str, str]]:
        if (failure := self._token_error(request, zns=True)) is not None:
            return failure
        body = request.body if isinstance(request.body, dict) else {}
        phone = str(body.get("phone", ""))
        template = self.templates.get(str(body.get("template_id", "")))
        data = body.get("template_data") or {}
        if not re.fullmatch(r"84\d{9}", phone):
            return 200, _err(-108, "Phone number invalid"), {}
        if template is None or not template.enabled:
            return 200, _err(-109, "Template ID invalid"), {}
        for name, limit in template.params.items():
            if not data.get(name):
                return 200, _err(-1122, f"Parameter {name} is missing"), {}
            if len(str(data[name])) > limit:
                return 200, _err(-1121, f"Parameter {name} is too long"), {}
        if body.get("mode") == "development" and phone not in self.admin_phones:
            return 200, _err(-127, "Development mode only sends to admins"), {}
        if phone not in self.zalo_phones and phone not in self.admin_phones:
            return 200, _err(-118, "Zalo account not existed"), {}
        hour = (self.clock() + VN).hour
        if template.night_restricted and (hour >= 22 or hour < 6):
            return 200, _err(-133, "Cannot send at night"), {}
        if body.get("mode") != "development":
            if self.zns_sent_today >= self.zns_daily_quota:
                return 200, _err(-144, "OA has exceeded the daily quota"), {}
            self.zns_sent_today += 1
        remaining = self.zns_daily_quota - self.zns_sent_today
        return 200, {"error": 0, "message": "Success",
                     "data": {"msg_id": secrets.token_hex(10), "sent_time": str(int(self.clock().timestamp() * 1000)),
                              "sending_mode": "1",
                              "quota": {"dailyQuota": str(self.zns_daily_quota), "remainingQuota": str(remaining)}}}, {}

    def _template_info(self, request: Request) -> tuple[int, dict[str, Any], dict[str, str]]:
        if (failure := self._token_error(request, zns=True)) is not None:
            return failure
        template = self.templates.get((request.body or {}).get("template_id", ""))
        if template is None:
            return 200, _err(-109, "Template ID invalid"), {}
        return 200, {"error": 0, "message": "Success",
                     "data": {"templateId": template.template_id,
                              "status": "ENABLE" if template.enabled else "DISABLE",
                              "listParams": [{"name": n, "maxLength": m} for n, m in template.params.items()]}}, {}


def _err(code: int, text: str) -> dict[str, Any]:
    return {"error": code, "message": text}


ROUTES: dict[tuple[str, str, str], Callable[[ZaloFake, Request], tuple[int, dict[str, Any], dict[str, str]]]] = {
    ("POST", "oauth", "/v4/oa/access_token"): ZaloFake._oauth,
    ("POST", "openapi", "/v3.0/oa/message/cs"): ZaloFake._oa_message,
    ("POST", "openapi", "/v3.0/oa/message/transaction"): ZaloFake._oa_message,
    ("POST", "openapi", "/v3.0/oa/message/promotion"): ZaloFake._oa_message,
    ("GET", "openapi", "/v2.0/oa/getoa"): ZaloFake._getoa,
    ("POST", "business", "/message/template"): ZaloFake._zns,
    ("GET", "business", "/template/info/v2"): ZaloFake._template_info,
}


def _handler_for(fake: ZaloFake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            host, _, rest = parts.path.lstrip("/").partition("/")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body: Any = None
            if self.headers.get_content_type() == "application/json" and raw:
                body = json.loads(raw)
            elif raw:
                body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
            elif parts.query:
                body = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            request = Request(self.command, "/" + rest, host, {k.lower(): v for k, v in self.headers.items()}, body,
                              self.client_address[1])
            status, payload, headers = fake.handle(request)
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def start_fake(fake: ZaloFake | None = None) -> tuple[ZaloFake, ThreadingHTTPServer]:
    fake = fake or ZaloFake()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="zalo-fake",
                     daemon=True).start()
    return fake, server


@pytest.fixture
def zalo_fake() -> Iterator[ZaloFake]:
    fake, server = start_fake()
    yield fake
    server.shutdown()
    server.server_close()
