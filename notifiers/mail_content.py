"""Build the reminder email: Vietnamese text + HTML alternative, the event as .ics, a stable Message-ID."""

from __future__ import annotations

import hashlib
import html
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from notifiers.base import Message
from notifiers.zalo_text import link_lines

ICS_FILENAME = "nhac-han.ics"


def message_id_for(idempotency_key: str) -> str:
    """``<sha256(key)[:32]@hanchot>``: the same reminder always has the same Message-ID."""
    return f"<{hashlib.sha256(idempotency_key.encode('utf-8')).hexdigest()[:32]}@hanchot>"


def build_email(message: Message, mail_from: str, now: datetime) -> EmailMessage:
    """The complete email for ``message``; raise ValueError when the recipient has no address."""
    if not message.recipient.email:
        raise ValueError("the recipient has no email address")
    mail = EmailMessage(policy=SMTP)          # CRLF line ends; non-ASCII headers become RFC 2047 words
    mail["Subject"] = message.subject
    mail["From"] = mail_from
    mail["To"] = formataddr((message.recipient.name, message.recipient.email))
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id_for(message.idempotency_key)
    mail["X-Hanchot-Key"] = message.idempotency_key
    mail["Auto-Submitted"] = "auto-generated"        # RFC 3834: vacation responders stay quiet
    mail.set_content(plain_text(message), subtype="plain", charset="utf-8")
    mail.add_alternative(message.html or html_from_text(message), subtype="html", charset="utf-8")
    if message.ics:
        mail.add_attachment(message.ics, maintype="text", subtype="calendar", filename=ICS_FILENAME,
                            params={"method": "PUBLISH", "charset": "utf-8"})
    return mail


def plain_text(message: Message) -> str:
    lines = link_lines(message.links)
    return message.text.strip() + ("\n\n" + "\n".join(lines) if lines else "") + "\n"


def html_from_text(message: Message) -> str:
    """A minimal HTML body for callers that give only text: paragraphs plus clickable links."""
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>"
                         for p in message.text.strip().split("\n\n") if p.strip())
    actions = [(message.links.done_url, "Đánh dấu đã xong"), (message.links.snooze_url, "Nhắc lại sau")]
    buttons = " · ".join(f'<a href="{html.escape(url, quote=True)}">{label}</a>' for url, label in actions if url)
    return (f'<!doctype html><html lang="vi"><meta charset="utf-8"><body>{paragraphs}'
            f"{f'<p>{buttons}</p>' if buttons else ''}</body></html>")
