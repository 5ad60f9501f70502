"""Email over SMTP with aiosmtplib: implicit TLS or STARTTLS, AUTH, timeouts, 5xx permanent, 4xx transient."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiosmtplib

from notifiers.base import Message, Notifier, NotifierError, SendResult, utcnow
from notifiers.mail_content import build_email, message_id_for


class SmtpNotifier(Notifier):
    kind = "email"

    def __init__(self, smtp: Any, mail_from: str, *, tls_context: ssl.SSLContext | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        """``smtp`` is a ``config.settings.SmtpSettings``; ``tls_context`` overrides certificate checks."""
        self.smtp, self.mail_from, self.tls_context, self.clock = smtp, mail_from, tls_context, clock

    @classmethod
    def from_settings(cls, settings: Any, **deps: Any) -> SmtpNotifier:
        if settings.smtp is None:
            raise NotifierError("HANCHOT_SMTP_URL is not set", permanent=True, code="config")
        return cls(settings.smtp, settings.mail_from, **deps)

    async def send(self, message: Message) -> SendResult:
        try:
            mail = build_email(message, self.mail_from, self.clock())
        except ValueError as e:
            raise NotifierError(f"email: {e}", permanent=True, code="recipient") from None
        s = self.smtp
        try:
            await aiosmtplib.send(
                mail, hostname=s.host, port=s.port, username=s.username, password=s.password,
                use_tls=s.use_tls,
                # Explicit ?starttls=1 makes TLS mandatory; otherwise upgrade whenever the server offers it.
                start_tls=True if s.start_tls else (False if s.use_tls else None),
                timeout=s.timeout, tls_context=self.tls_context)
        except aiosmtplib.SMTPRecipientsRefused as e:
            codes = [r.code for r in e.recipients]
            raise NotifierError(f"SMTP refused the recipient: {e}", permanent=all(c >= 500 for c in codes),
                                code="recipient") from e
        except aiosmtplib.SMTPResponseException as e:
            raise NotifierError(f"SMTP {e.code}: {e.message}", permanent=e.code >= 500,
                                code=None if e.code >= 500 else "transient") from e
        except (aiosmtplib.SMTPException, OSError) as e:
            # Connection refused, timeouts, TLS failures, dropped connections: the server may be back later.
            raise NotifierError(f"SMTP {s.host}:{s.port} unreachable: {type(e).__name__}: {e}", permanent=False,
                                code="transient") from e
        return SendResult(self.kind, message_id_for(message.idempotency_key))
