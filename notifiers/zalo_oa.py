"""Zalo Official Account consultation messages (OA v3 ``message/cs``), with the ZNS fallback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from notifiers.base import Message, Notifier, NotifierError, SendResult, utcnow
from notifiers.http_client import ZaloApiError, ZaloHttp, shared_http
from notifiers.zalo_codes import Outcome
from notifiers.zalo_text import compose_text
from notifiers.zalo_tokens import ZaloTokens
from notifiers.zns import ZnsNotifier


class ZaloOaNotifier(Notifier):
    """Sends the reminder as OA text; outside the 7-day window (-230/-232) hands it to ZNS, else to email."""

    kind = "zalo"

    def __init__(self, *, tokens: ZaloTokens, api_base: str, http: ZaloHttp | None = None,
                 zns: ZnsNotifier | None = None, clock: Callable[[], datetime] = utcnow) -> None:
        self.tokens, self.http, self.zns, self.clock = tokens, http or shared_http(), zns, clock
        self.url = f"{api_base.rstrip('/')}/v3.0/oa/message/cs"

    @classmethod
    def from_settings(cls, settings: Any, *, tokens: ZaloTokens | None = None, zns: ZnsNotifier | None = None,
                      http: ZaloHttp | None = None, clock: Callable[[], datetime] = utcnow,
                      **deps: Any) -> ZaloOaNotifier:
        """``deps`` go to ``tokens_from_settings`` (``store=`` or ``session_factory=``) when no ``tokens``."""
        from notifiers.zalo_config import load_zalo_config
        from notifiers.zalo_tokens import tokens_from_settings

        http = http or shared_http()
        tokens = tokens or tokens_from_settings(settings, http=http, **deps)
        zns_config = load_zalo_config(settings.config_dir).zns
        if zns is None and zns_config is not None and zns_config.enabled:
            zns = ZnsNotifier(tokens=tokens, config=zns_config, zns_api_base=settings.zns_api_base, http=http,
                              clock=clock)
        return cls(tokens=tokens, api_base=settings.zalo_api_base, http=http, zns=zns, clock=clock)

    async def aclose(self) -> None:
        """Release the pooled Zalo connections of this event loop (the dispatcher calls it when a pass ends)."""
        await self.http.aclose()
        if self.zns is not None and self.zns.http is not self.http:
            await self.zns.aclose()

    async def send(self, message: Message) -> SendResult:
        user_id = message.recipient.zalo_user_id
        if not user_id:
            return await self._fallback(message, "the recipient has no Zalo user id")
        body = {"recipient": {"user_id": user_id},
                "message": {"text": compose_text(message.text, message.links)}}
        try:
            data = await self.tokens.call(self.clock(), lambda token: self.http.post_json(self.url, body, token))
        except ZaloApiError as e:
            if e.outcome is Outcome.WINDOW_CLOSED:
                return await self._fallback(message, f"outside the 7-day interaction window ({e.zalo_code})")
            if e.outcome is Outcome.RECIPIENT:
                raise NotifierError(f"Zalo OA cannot reach {user_id}: {e}", permanent=True,
                                    code="fallback_email") from e
            raise
        return SendResult(self.kind, str(data.get("message_id", "")))

    async def _fallback(self, message: Message, why: str) -> SendResult:
        if self.zns is not None and message.recipient.phone:
            return await self.zns.send(message)
        raise NotifierError(f"Zalo OA: {why}; no ZNS fallback for this recipient", permanent=False,
                            code="fallback_email")
