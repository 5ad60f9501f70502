"""Build the reminder email: Vietnamese text + HTML alternative, the event as .ics, a stable Message-ID."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from functools import lru_cache

from notifiers.base import Message
from notifiers.mime import Part, address, compose, encoded_words, mailbox
from notifiers.zalo_text import link_lines

ICS_FILENAME = "nhac-han.ics"


def message_id_for(idempotency_key: str) -> str:
    """``<sha256(key)[:32]@hanchot>``: the same reminder always has the same Message-ID."""
    return f"<{hashlib.sha256(idempotency_key.encode('utf-8')).hexdigest()[:32]}@hanchot>"


@dataclass(frozen=True)
class OutgoingMail:
    """A composed email: the SMTP envelope and the message bytes (CRLF line ends, ASCII)."""

    sender: str
    recipient: str
    message_id: str
    data: bytes


def build_email(message: Message, mail_from: str, now: datetime) -> OutgoingMail:
    """The complete email for ``message``; raise ValueError when an address is missing or unusable."""
    if not message.recipient.email:
        raise ValueError("the recipient has no email address")
    sender_header, sender = address(mail_from)
    to_header, recipient = mailbox(message.recipient.name, message.recipient.email)
    message_id = message_id_for(message.idempotency_key)
    headers = [
        ("Subject", encoded_words(" ".join(message.subject.split()))),
        ("From", sender_header),
        ("To", to_header),
        ("Date", _date_header(now.replace(microsecond=0))),
        ("Message-ID", message_id),
        ("X-Hanchot-Key", encoded_words(message.idempotency_key)),
        ("Auto-Submitted", "auto-generated"),         # RFC 3834: vacation responders stay quiet
    ]
    attachment = None
    if message.ics:
        attachment = Part("text/calendar", message.ics, (("method", "PUBLISH"), ("charset", "utf-8")), ICS_FILENAME)
    data = compose(headers, plain_text(message), message.html or html_from_text(message), attachment,
                   seed=message.idempotency_key)
    return OutgoingMail(sender, recipient, message_id, data)


@lru_cache(maxsize=8)
def _date_header(second: datetime) -> str:
    """RFC 5322 dates have whole seconds; a dispatch pass sends hundreds of messages within each."""
    return format_datetime(second)


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
