"""Email over SMTP with aiosmtplib: implicit TLS or STARTTLS, AUTH, timeouts, 5xx permanent, 4xx transient,
pooled persistent connections."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiosmtplib
from aiosmtplib import SMTPStatus

from notifiers.base import Message, Notifier, NotifierError, SendResult, utcnow
from notifiers.mail_content import OutgoingMail, build_email

log = logging.getLogger(__name__)


class SmtpNotifier(Notifier):
    """Sends over a small pool of persistent connections (one per concurrent send, at most ``pool_size`` kept
    idle): connecting, EHLO, STARTTLS and AUTH cost more than the message itself. A connection that failed
    in any way is closed, never reused; a reused one that turns out dead is replaced once, transparently.
    """

    kind = "email"

    def __init__(self, smtp: Any, mail_from: str, *, tls_context: ssl.SSLContext | None = None,
                 clock: Callable[[], datetime] = utcnow, pool_size: int = 20) -> None:
        """``smtp`` is a ``config.settings.SmtpSettings``; ``tls_context`` overrides certificate checks."""
        self.smtp, self.mail_from, self.tls_context, self.clock = smtp, mail_from, tls_context, clock
        self.pool_size = pool_size
        self._idle: list[aiosmtplib.SMTP] = []
        self._loop: asyncio.AbstractEventLoop | None = None

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
            # One deadline for the whole exchange: a timeout per command made aiosmtplib wrap every read in
            # asyncio.wait_for, a task each, which cost more CPU than the message.
            async with asyncio.timeout(s.timeout):
                await self._send_pooled(mail)
        except aiosmtplib.SMTPRecipientRefused as e:
            raise NotifierError(f"SMTP refused the recipient: {e}", permanent=e.code >= 500, code="recipient") from e
        except aiosmtplib.SMTPResponseException as e:
            raise NotifierError(f"SMTP {e.code}: {e.message}", permanent=e.code >= 500,
                                code=None if e.code >= 500 else "transient") from e
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as e:
            # Connection refused, timeouts, TLS failures, dropped connections: the server may be back later.
            raise NotifierError(f"SMTP {s.host}:{s.port} unreachable: {type(e).__name__}: {e}", permanent=False,
                                code="transient") from e
        return SendResult(self.kind, mail.message_id)

    async def aclose(self) -> None:
        """QUIT the idle connections (the dispatcher calls this when a pass ends)."""
        idle, self._idle = self._idle, []
        for connection in idle:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await connection.quit()

    async def _send_pooled(self, mail: OutgoingMail) -> None:
        connection, reused = await self._acquire()
        try:
            await _transfer(connection, mail)
        except (aiosmtplib.SMTPServerDisconnected, ConnectionError) as e:
            connection.close()
            if not reused:
                raise
            # The server dropped an idle connection (timeout, restart): the message may not have been
            # accepted, so send it once more on a fresh one. At worst a duplicate with the same Message-ID.
            log.info("pooled SMTP connection was dropped (%s); reconnecting", e)
            connection = await self._connect()
            try:
                await _transfer(connection, mail)
            except BaseException:
                connection.close()
                raise
        except BaseException:
            connection.close()
            raise
        self._release(connection)

    async def _acquire(self) -> tuple[aiosmtplib.SMTP, bool]:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new asyncio.run(): the old loop's connections cannot be used here
            for stale in self._idle:
                stale.close()
            self._idle, self._loop = [], loop
        while self._idle:
            connection = self._idle.pop()
            if connection.is_connected:
                return connection, True
        return await self._connect(), False

    def _release(self, connection: aiosmtplib.SMTP) -> None:
        if connection.is_connected and len(self._idle) < self.pool_size:
            self._idle.append(connection)
        else:
            connection.close()

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.smtp
        connection = aiosmtplib.SMTP(
            hostname=s.host, port=s.port, username=s.username, password=s.password, use_tls=s.use_tls,
            # Explicit ?starttls=1 makes TLS mandatory; otherwise upgrade whenever the server offers it.
            start_tls=True if s.start_tls else (False if s.use_tls else None),
            timeout=None, tls_context=self.tls_context)  # commands run under the deadline of ``send``
        try:
            await connection.connect(timeout=s.timeout)
        except BaseException:
            connection.close()
            raise
        return connection


async def _transfer(connection: aiosmtplib.SMTP, mail: OutgoingMail) -> None:
    """MAIL, RCPT, DATA for one composed message (raises aiosmtplib's errors as they come).

    Not ``sendmail``, nor ``mail``/``rcpt``: they parse each address again with the standard library's
    address parser (measured: a tenth of the dispatcher's CPU) and scan the whole message to announce its
    SIZE. ``build_email`` has already checked both addresses (plain ASCII ``local@domain``, no blanks or
    brackets) and counted the bytes. A failed exchange is never reset for reuse: the pool closes any
    connection that failed.
    """
    if connection.is_ehlo_or_helo_needed:
        await connection.ehlo()
    size = [b"SIZE=%d" % len(mail.data)] if connection.supports_extension("size") else []
    response = await connection.execute_command(b"MAIL", b"FROM:<" + mail.sender.encode("ascii") + b">", *size)
    if response.code != SMTPStatus.completed:
        raise aiosmtplib.SMTPSenderRefused(response.code, response.message, mail.sender)
    response = await connection.execute_command(b"RCPT", b"TO:<" + mail.recipient.encode("ascii") + b">")
    if response.code not in (SMTPStatus.completed, SMTPStatus.will_forward):
        raise aiosmtplib.SMTPRecipientRefused(response.code, response.message, mail.recipient)
    await connection.data(mail.data)
