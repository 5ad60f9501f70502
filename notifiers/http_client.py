"""The one HTTP seam for Zalo: timeouts, the ``{"error": int}`` envelope and retries with backoff.

Zalo answers HTTP 200 even for failures, so success is ``error == 0`` (or, for OAuth, an
``access_token`` in the body). Transport errors, HTTP 5xx and ``-32`` (rate limit) are retried with
exponential backoff and full jitter, honouring ``Retry-After`` when the server sends it; every other
failure is raised at once as ZaloApiError so the caller can refresh a token or fall back.

One ``ZaloHttp`` per process (``shared_http``) serves the OA, ZNS and OAuth calls, and keeps one pooled
``httpx.AsyncClient`` per event loop, so consecutive sends reuse their TLS connections. A client belongs to the
loop that made it: the dispatcher closes it (``aclose``) when its pass ends, and one left by a loop that has
since closed (a one-off ``asyncio.run``) is dropped rather than reused.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from notifiers.base import NotifierError
from notifiers.zalo_codes import RATE_LIMITED, Outcome, classify, is_retryable

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
# Retrying these later cannot help; quota, night and window-closed failures pass with time.
PERMANENT_OUTCOMES = frozenset({Outcome.RECIPIENT, Outcome.CONFIG, Outcome.PERMANENT})


class ZaloApiError(NotifierError):
    """Zalo refused the request: ``zalo_code`` is its ``error`` (None for HTTP-level failures)."""

    def __init__(self, message: str, *, outcome: Outcome, zalo_code: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, permanent=outcome in PERMANENT_OUTCOMES, code=outcome.value)
        self.outcome = outcome
        self.zalo_code = zalo_code
        self.retry_after = retry_after


class ZaloHttp:
    """Posts to Zalo and returns the decoded JSON body of a successful call."""

    def __init__(self, *, timeout: float = 15.0, attempts: int = 4, backoff: float = 0.5,
                 max_delay: float = 30.0, rate_limit_delay: float = 5.0, sleep: Sleep = asyncio.sleep,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        self.attempts, self.backoff, self.max_delay = attempts, backoff, max_delay
        self.rate_limit_delay = rate_limit_delay
        self.sleep = sleep
        self.transport = transport
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, httpx.AsyncClient]] = {}

    def _client(self) -> httpx.AsyncClient:
        """This event loop's pooled client, made on first use."""
        loop = asyncio.get_running_loop()
        for key, (owner, _) in list(self._clients.items()):
            if owner.is_closed():  # its connections died with their loop; nothing can await their close
                del self._clients[key]
        entry = self._clients.get(id(loop))
        if entry is None or entry[0] is not loop:
            entry = (loop, httpx.AsyncClient(timeout=self.timeout, transport=self.transport, verify=_tls_context()))
            self._clients[id(loop)] = entry
        return entry[1]

    async def aclose(self) -> None:
        """Close this event loop's client and its idle connections (the next call opens a new one)."""
        entry = self._clients.pop(id(asyncio.get_running_loop()), None)
        if entry is not None:
            await entry[1].aclose()

    async def post_json(self, url: str, body: dict[str, Any], access_token: str) -> dict[str, Any]:
        """POST a JSON body with the ``access_token`` header; return the envelope's ``data`` (or {})."""
        payload = await self._request(url, json=body, headers={"access_token": access_token})
        return payload.get("data") or {}

    async def post_form(self, url: str, form: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        """POST a form (OAuth); return the whole JSON body. OAuth success has no ``error`` field."""
        return await self._request(url, data=form, headers=headers)

    async def _request(self, url: str, *, method: str = "POST", **kwargs: Any) -> dict[str, Any]:
        last: ZaloApiError | None = None
        client = self._client()
        for attempt in range(1, self.attempts + 1):
            retry_after: float | None = None
            try:
                response = await client.request(method, url, **kwargs)
                return self._decode(response)
            except httpx.TransportError as e:
                last = ZaloApiError(f"{url}: {type(e).__name__}: {e}", outcome=Outcome.TRANSIENT)
            except ZaloApiError as e:
                if not is_retryable(e.outcome):
                    raise
                last, retry_after = e, e.retry_after
            if attempt < self.attempts:
                delay = self._delay(attempt, retry_after, rate_limited=last.zalo_code == RATE_LIMITED)
                log.warning("Zalo call failed (%s), attempt %d/%d, retrying in %.2fs",
                            last, attempt, self.attempts, delay)
                await self.sleep(delay)
        assert last is not None
        raise last

    def _delay(self, attempt: int, retry_after: float | None, *, rate_limited: bool) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        if rate_limited:
            # The OA bucket is per minute: an immediate retry would only spend another call.
            base = self.rate_limit_delay * 2 ** (attempt - 1)
            return min(self.max_delay, base + random.uniform(0, base / 2))
        # Full jitter: spreads the workers that failed together instead of retrying in lockstep.
        return random.uniform(0, min(self.max_delay, self.backoff * 2 ** (attempt - 1)))

    def _decode(self, response: httpx.Response) -> dict[str, Any]:
        where = f"{response.request.method} {response.request.url.path}"
        if response.status_code == 401:
            raise ZaloApiError(f"{where}: HTTP 401", outcome=Outcome.TOKEN)
        if response.status_code >= 500 or response.status_code == 429:
            raise ZaloApiError(f"{where}: HTTP {response.status_code}", outcome=Outcome.TRANSIENT,
                               retry_after=_retry_after(response))
        if response.status_code != 200:
            raise ZaloApiError(f"{where}: HTTP {response.status_code}", outcome=Outcome.PERMANENT)
        try:
            payload = response.json()
        except ValueError:
            raise ZaloApiError(f"{where}: the answer is not JSON", outcome=Outcome.TRANSIENT) from None
        if not isinstance(payload, dict):
            raise ZaloApiError(f"{where}: unexpected JSON {type(payload).__name__}", outcome=Outcome.PERMANENT)
        code = _as_int(payload.get("error", 0))
        if code == 0:
            return payload
        text = payload.get("message") or payload.get("error_description") or payload.get("error_name") or ""
        raise ZaloApiError(f"{where}: Zalo error {code} {text}".rstrip(), outcome=classify(code), zalo_code=code,
                           retry_after=_retry_after(response))


@functools.cache
def shared_http() -> ZaloHttp:
    """The process's one Zalo client: every notifier and token manager built without an explicit one uses it."""
    return ZaloHttp()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs tens of milliseconds, too much for every call."""
    return ssl.create_default_context()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
