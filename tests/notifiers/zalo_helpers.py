"""Wiring hanchot's Zalo notifiers to the fake, the way ``from_settings`` does in production."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from notifiers.http_client import ZaloHttp
from notifiers.zalo_config import ZnsConfig
from notifiers.zalo_oa import ZaloOaNotifier
from notifiers.zalo_tokens import MemoryTokenStore, TokenStore, ZaloOAuth, ZaloTokens, fresh_tokens_from
from notifiers.zns import ZnsNotifier

CS = "/v3.0/oa/message/cs"
TOKEN = "/v4/oa/access_token"
TEMPLATE = "/message/template"

ZNS_CONFIG = ZnsConfig(enabled=True, template_id="643118", mode="production",
                       fields={"ten_can_bo": "recipient.name", "nhiem_vu": "subject",
                               "han_chot": "template_data.due_date"})


class Sleeps:
    """Records the delays the HTTP client asks for, without waiting them out."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


def now() -> datetime:
    return datetime.now(UTC)


async def seeded_store(fake, store: TokenStore | None = None) -> tuple[TokenStore, str, str]:
    """A store holding a pair the fake really issued (as after the admin's authorization)."""
    access, refresh = fake.issue_tokens()
    store = store or MemoryTokenStore()
    await store.put(fresh_tokens_from(access, refresh, now(), fake.access_ttl), now())
    return store, access, refresh


def tokens_for(fake, store: TokenStore, http: ZaloHttp) -> ZaloTokens:
    oauth = ZaloOAuth(http, oauth_base=f"{fake.url}/oauth", app_id=fake.app_id, secret_key=fake.secret_key)
    return ZaloTokens(store, oauth, poll=0.01)


def zns_for(fake, tokens: ZaloTokens, http: ZaloHttp, config: ZnsConfig = ZNS_CONFIG) -> ZnsNotifier:
    return ZnsNotifier(tokens=tokens, config=config, zns_api_base=f"{fake.url}/business", http=http)


def oa_for(fake, tokens: ZaloTokens, http: ZaloHttp, zns: ZnsNotifier | None = None) -> ZaloOaNotifier:
    return ZaloOaNotifier(tokens=tokens, api_base=f"{fake.url}/openapi", http=http, zns=zns)
