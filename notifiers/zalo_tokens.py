"""Zalo OA tokens: OAuth v4 refresh, and a store that lets only one process spend a refresh token.

The refresh token is single use and rotates (docs/zalo.md, "Tokens"): two workers refreshing with the same
token means one of them fails and, if their saves overlap, a dead token can be stored. So a refresh is
*claimed* first by a compare-and-swap on ``version`` (odd: settled, even: a refresh is in flight since
``updated_at``; a new row starts at 1), the new pair is saved with a second compare-and-swap, and
everyone else re-reads. A claim older than ``lease`` is presumed abandoned (crashed worker) and may be taken over.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from notifiers.base import NotifierError
from notifiers.http_client import ZaloApiError, ZaloHttp, shared_http
from notifiers.zalo_codes import Outcome

log = logging.getLogger(__name__)
T = TypeVar("T")

REFRESH_TOKEN_LIFETIME = timedelta(days=90)     # "3 months" (docs/zalo.md, "Tokens"); Zalo does not return it


@dataclass(frozen=True)
class FreshTokens:
    """A pair just issued by the OAuth endpoint."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime


@dataclass(frozen=True)
class TokenState:
    """The stored pair plus the compare-and-swap ``version`` (even while a refresh is claimed)."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime | None
    version: int
    updated_at: datetime
    broken: str | None = None  # why Zalo refused the refresh token: no OAuth call until an admin authorizes again

    @property
    def refreshing(self) -> bool:
        return self.version % 2 == 0


class TokenStore(ABC):
    """Where the one token pair of an app lives. Every method is atomic on its own."""

    @abstractmethod
    async def load(self) -> TokenState | None: ...

    @abstractmethod
    async def claim(self, version: int, now: datetime) -> bool:
        """``version`` → ``version + 1`` if nobody changed it; True when this caller now owns the refresh."""

    @abstractmethod
    async def save(self, fresh: FreshTokens, claimed_version: int, now: datetime) -> bool:
        """Store ``fresh`` and settle the claim (``claimed_version + 1``) if the claim still holds."""

    @abstractmethod
    async def release(self, claimed_version: int, now: datetime) -> None:
        """Give up a claim without new tokens (the refresh failed)."""

    @abstractmethod
    async def put(self, fresh: FreshTokens, now: datetime) -> None:
        """Store ``fresh`` unconditionally (first authorization, or rescuing a pair after a lost claim); clears
        a broken mark."""

    async def mark_broken(self, reason: str, now: datetime) -> bool:
        """Record that the refresh token is dead; True for the caller that set the mark first."""
        return False


class MemoryTokenStore(TokenStore):
    """A process-local store, for tests and single-process use; thread-safe."""

    def __init__(self, state: TokenState | None = None) -> None:
        self._state = state
        self._guard = threading.Lock()

    async def load(self) -> TokenState | None:
        with self._guard:
            return self._state

    async def claim(self, version: int, now: datetime) -> bool:
        return self._bump(version, now)

    async def save(self, fresh: FreshTokens, claimed_version: int, now: datetime) -> bool:
        return self._bump(claimed_version, now, fresh)

    async def release(self, claimed_version: int, now: datetime) -> None:
        self._bump(claimed_version, now)

    async def put(self, fresh: FreshTokens, now: datetime) -> None:
        with self._guard:
            self._state = _state_of(fresh, next_settled(self._state.version) if self._state else 1, now)

    async def mark_broken(self, reason: str, now: datetime) -> bool:
        with self._guard:
            if self._state is None or self._state.broken:
                return False
            self._state = replace(self._state, broken=reason)
            return True

    def _bump(self, version: int, now: datetime, fresh: FreshTokens | None = None) -> bool:
        with self._guard:
            if self._state is None or self._state.version != version:
                return False
            if fresh is None:
                self._state = replace(self._state, version=version + 1, updated_at=now)
            else:
                self._state = _state_of(fresh, version + 1, now)
            return True


def next_settled(version: int) -> int:
    """The odd version after ``version``: an unconditional write makes every pending claim fail its CAS."""
    return version + 1 if version % 2 == 0 else version + 2


def _state_of(fresh: FreshTokens, version: int, now: datetime) -> TokenState:
    return TokenState(fresh.access_token, fresh.refresh_token, fresh.access_expires_at,
                      fresh.refresh_expires_at, version, now)


class ZaloOAuth:
    """The OAuth v4 token endpoint for an Official Account (docs/zalo.md, "Tokens")."""

    def __init__(self, http: ZaloHttp, *, oauth_base: str, app_id: str, secret_key: str) -> None:
        self.http, self.app_id, self.secret_key = http, app_id, secret_key
        self.url = f"{oauth_base.rstrip('/')}/v4/oa/access_token"

    async def refresh(self, refresh_token: str, now: datetime) -> FreshTokens:
        """Spend ``refresh_token`` (single use) for a new pair; raise NotifierError(code="reauthorize")."""
        return await self._grant({"refresh_token": refresh_token, "grant_type": "refresh_token"}, now)

    async def exchange_code(self, code: str, code_verifier: str, now: datetime) -> FreshTokens:
        """Turn the authorization code of the admin's consent (valid 10 minutes) into the first pair."""
        form = {"code": code, "grant_type": "authorization_code", "code_verifier": code_verifier}
        return await self._grant(form, now)

    async def _grant(self, form: dict[str, str], now: datetime) -> FreshTokens:
        headers = {"secret_key": self.secret_key}
        try:
            body = await self.http.post_form(self.url, {**form, "app_id": self.app_id}, headers)
        except ZaloApiError as e:
            if e.outcome is Outcome.TRANSIENT:
                raise
            raise NotifierError(f"Zalo OAuth refused the {form['grant_type']} grant: {e}", permanent=True,
                                code="reauthorize") from e
        # docs/zalo.md, "Tokens": any answer without both tokens is a failure, never retried.
        if not body.get("access_token") or not body.get("refresh_token"):
            raise NotifierError(f"Zalo OAuth answered without tokens: {sorted(body)}", permanent=True,
                                code="reauthorize")
        try:
            expires_in = int(body.get("expires_in", 90000))     # a string ("90000") in practice
        except (TypeError, ValueError):
            expires_in = 90000
        return FreshTokens(body["access_token"], body["refresh_token"], now + timedelta(seconds=expires_in),
                           now + REFRESH_TOKEN_LIFETIME)


class ZaloTokens:
    """Hands out a usable access token, refreshing it under the store's claim when needed.

    Share one instance per process: its asyncio lock keeps concurrent sends of this process from even
    trying to claim; the store's compare-and-swap protects against other processes.
    """

    def __init__(self, store: TokenStore, oauth: ZaloOAuth, *, margin: timedelta = timedelta(hours=1),
                 lease: timedelta = timedelta(seconds=90), poll: float = 0.1,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.store, self.oauth, self.margin, self.lease, self.poll = store, oauth, margin, lease, poll
        self.sleep = sleep
        # One lock per event loop: the scheduler calls asyncio.run() on every tick with this same instance,
        # and an asyncio.Lock used under one loop refuses to work under the next.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    @property
    def _lock(self) -> asyncio.Lock:
        return self._locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())

    async def access_token(self, now: datetime, rejected: str | None = None) -> str:
        """A token valid for ``margin`` more; ``rejected`` is one the API just refused (-216/-220/-124)."""
        def usable(s: TokenState) -> bool:
            return s.access_token != rejected and s.access_expires_at - now > self.margin
        state = await self._load()
        if usable(state):
            return state.access_token
        async with self._lock:
            return (await self._refresh(now, usable)).access_token

    async def refresh_if_expiring(self, now: datetime, within: timedelta = timedelta(hours=3),
                                  refresh_within: timedelta = timedelta(days=14)) -> bool:
        """The scheduler job: refresh when the access token (or the refresh token) is close to expiry.

        Return True when a refresh happened (by this call or a concurrent one).
        """
        def fresh_enough(s: TokenState) -> bool:
            refresh_ok = s.refresh_expires_at is None or s.refresh_expires_at - now > refresh_within
            return s.access_expires_at - now > within and refresh_ok
        before = await self._load()
        if fresh_enough(before):
            return False
        async with self._lock:
            after = await self._refresh(now, fresh_enough)
        return after.access_token != before.access_token

    async def call(self, now: datetime, send: Callable[[str], Awaitable[T]]) -> T:
        """Run ``send(access_token)``; on a token error refresh once and retry once (no loop)."""
        token = await self.access_token(now)
        try:
            return await send(token)
        except ZaloApiError as e:
            if e.outcome is not Outcome.TOKEN:
                raise
            log.info("Zalo refused the access token (%s); refreshing once", e.zalo_code)
        token = await self.access_token(now, rejected=token)
        try:
            return await send(token)
        except ZaloApiError as e:
            if e.outcome is not Outcome.TOKEN:
                raise
            raise NotifierError(f"Zalo refused a freshly refreshed token: {e}", permanent=True,
                                code="reauthorize") from e

    async def _load(self) -> TokenState:
        state = await self.store.load()
        if state is None:
            raise NotifierError("no Zalo OA token is stored: an admin must authorize the OA first",
                                permanent=True, code="reauthorize")
        if state.broken:  # detected once, by whoever spent the dead refresh token: nobody calls OAuth again
            raise NotifierError(f"the Zalo credential is broken ({state.broken}): an admin must authorize the OA "
                                "again", permanent=True, code="reauthorize")
        return state

    async def _refresh(self, now: datetime, good: Callable[[TokenState], bool]) -> TokenState:
        waited = 0.0
        while True:
            state = await self._load()
            if good(state):
                return state                                   # someone refreshed while we waited
            if state.refreshing and now - state.updated_at < self.lease and waited < self.lease.total_seconds():
                await self.sleep(self.poll)                    # another process holds the claim
                waited += self.poll
                continue
            if await self.store.claim(state.version, now):
                return await self._spend(state, now)
            # Lost the compare-and-swap: somebody claimed or saved in between. Re-read.

    async def _spend(self, state: TokenState, now: datetime) -> TokenState:
        claimed = state.version + 1
        try:
            fresh = await self.oauth.refresh(state.refresh_token, now)
        except NotifierError as e:
            await self.store.release(claimed, now)
            if e.code == "reauthorize" and await self.store.mark_broken(str(e), now):
                log.info("Zalo refused the refresh token: credential marked broken, Zalo reminders go by the "
                          "next channel until an admin authorizes the OA again (%s)", e)
            raise
        except BaseException:
            await self.store.release(claimed, now)
            raise
        if not await self.store.save(fresh, claimed, now):
            # Our claim was taken over after the lease, but we hold the only live refresh token now.
            log.warning("Zalo token claim was taken over during the refresh; storing the new pair anyway")
            await self.store.put(fresh, now)
        return _state_of(fresh, claimed + 1, now)


def fresh_tokens_from(access_token: str, refresh_token: str, now: datetime,
                      expires_in: Any = 90000) -> FreshTokens:
    """Build a pair from values an admin pasted (e.g. from the Zalo API Explorer)."""
    return FreshTokens(access_token, refresh_token, now + timedelta(seconds=int(expires_in)),
                       now + REFRESH_TOKEN_LIFETIME)


def tokens_from_settings(settings: Any, *, http: ZaloHttp | None = None, store: TokenStore | None = None,
                         session_factory: Any = None) -> ZaloTokens:
    """The token manager for the configured app: ``store`` if given, else the database row of the app."""
    if not settings.zalo_configured:
        raise NotifierError("HANCHOT_ZALO_APP_ID / HANCHOT_ZALO_SECRET_KEY are not set", permanent=True,
                            code="config")
    if store is None:
        if session_factory is None:
            raise NotifierError("Zalo needs a token store: pass store= or session_factory=", permanent=True,
                                code="config")
        from notifiers.zalo_token_store import SqlTokenStore

        store = SqlTokenStore(session_factory, settings.zalo_app_id)
    oauth = ZaloOAuth(http or shared_http(), oauth_base=settings.zalo_oauth_base, app_id=settings.zalo_app_id,
                      secret_key=settings.zalo_secret_key)
    return ZaloTokens(store, oauth)
