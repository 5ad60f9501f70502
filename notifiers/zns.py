"""Zalo ZNS template messages by phone number (docs/zalo.md): the channel built for proactive notices."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from notifiers.base import Message, Notifier, NotifierError, SendResult, utcnow
from notifiers.http_client import ZaloApiError, ZaloHttp, shared_http
from notifiers.zalo_codes import Outcome
from notifiers.zalo_config import ZnsConfig, load_zalo_config
from notifiers.zalo_tokens import ZaloTokens

TRACKING_ID_MAX = 48      # Zalo's limit is unconfirmed (docs/zalo.md); keep ours within the guess
PHONE = re.compile(r"^84(\d{9})$")


def normalise_phone(raw: str | None) -> str:
    """``0912 345 678`` / ``+84912345678`` → ``84912345678``; raise ValueError for anything else."""
    digits = re.sub(r"[\s.\-()]", "", raw or "").removeprefix("+")
    if re.fullmatch(r"0\d{9}", digits):
        digits = "84" + digits[1:]
    if not PHONE.match(digits):
        raise ValueError(f"not a Vietnamese mobile number: {raw!r}")
    return digits


def tracking_id(idempotency_key: str) -> str:
    """The idempotency key itself when it fits, else a stable digest of it."""
    if len(idempotency_key) <= TRACKING_ID_MAX and idempotency_key.isascii():
        return idempotency_key
    return "h-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[: TRACKING_ID_MAX - 2]


class ZnsNotifier(Notifier):
    kind = "zns"

    def __init__(self, *, tokens: ZaloTokens, config: ZnsConfig, zns_api_base: str, http: ZaloHttp | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.tokens, self.config, self.http, self.clock = tokens, config, http or shared_http(), clock
        self.url = f"{zns_api_base.rstrip('/')}/message/template"

    @classmethod
    def from_settings(cls, settings: Any, *, tokens: ZaloTokens | None = None, config: ZnsConfig | None = None,
                      http: ZaloHttp | None = None, clock: Callable[[], datetime] = utcnow,
                      **deps: Any) -> ZnsNotifier:
        """``deps`` go to ``tokens_from_settings`` (``store=`` or ``session_factory=``) when no ``tokens``."""
        from notifiers.zalo_tokens import tokens_from_settings

        config = config or load_zalo_config(settings.config_dir).zns
        if config is None or not config.enabled:
            raise NotifierError("ZNS is not enabled in config/zalo.toml", permanent=True, code="config")
        http = http or shared_http()
        tokens = tokens or tokens_from_settings(settings, http=http, **deps)
        return cls(tokens=tokens, config=config, zns_api_base=settings.zns_api_base, http=http, clock=clock)

    async def aclose(self) -> None:
        """Release the pooled Zalo connections of this event loop (the dispatcher calls it when a pass ends)."""
        await self.http.aclose()

    async def send(self, message: Message) -> SendResult:
        try:
            phone = normalise_phone(message.recipient.phone)
        except ValueError as e:
            raise NotifierError(f"ZNS: {e}", permanent=True, code="fallback_email") from None
        body: dict[str, Any] = {"phone": phone, "template_id": self.config.template_id,
                                "template_data": self.config.template_data(message),
                                "tracking_id": tracking_id(message.idempotency_key)}
        if self.config.mode == "development":
            body["mode"] = "development"
        try:
            data = await self.tokens.call(self.clock(), lambda token: self.http.post_json(self.url, body, token))
        except ZaloApiError as e:
            if e.outcome is Outcome.RECIPIENT:
                raise NotifierError(f"ZNS cannot reach {phone}: {e}", permanent=True, code="fallback_email") from e
            raise
        return SendResult(self.kind, str(data.get("msg_id", "")))
