"""The types every channel shares: the message, the result, the error and the abstract notifier."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Recipient:
    """Who gets the reminder; a channel uses the address it needs and ignores the others."""

    name: str
    email: str | None = None
    zalo_user_id: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Links:
    """Signed one-click links, appended by every channel after the body."""

    done_url: str | None = None
    snooze_url: str | None = None


@dataclass(frozen=True)
class Message:
    """One reminder to one recipient.

    ``text`` is the plain Vietnamese body *without* the links (each channel appends ``links`` in its own
    way); ``html`` is the complete HTML body, links included, or None to have one built from ``text``.
    ``idempotency_key`` identifies the reminder: the same key always yields the same Message-ID, .eml
    file name and ZNS ``tracking_id``.
    """

    idempotency_key: str
    recipient: Recipient
    subject: str
    text: str
    html: str | None = None
    links: Links = field(default_factory=Links)
    ics: bytes | None = None
    template_data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SendResult:
    """What the provider accepted: ``kind`` is the channel that really delivered (``zns`` after a fallback)."""

    kind: str
    provider_message_id: str


class NotifierError(Exception):
    """A send that did not happen.

    ``permanent`` means retrying the same message on the same channel cannot succeed (disable or skip
    it); otherwise the dispatcher may retry later. ``code`` tells the dispatcher what to do next:
    ``fallback_email`` (reach this person by email instead), ``token`` / ``reauthorize`` (an admin
    must re-authorize the Zalo app), ``quota``, ``night`` (reschedule after 06:00), ``config``,
    ``recipient``, ``transient``, or None.
    """

    def __init__(self, message: str, *, permanent: bool = False, code: str | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, permanent={self.permanent}, code={self.code!r})"


class Notifier(ABC):
    """One channel. ``send`` returns a SendResult or raises NotifierError; it never returns None."""

    kind: str

    @abstractmethod
    async def send(self, message: Message) -> SendResult:
        """Deliver ``message`` once; raise NotifierError on failure."""


def utcnow() -> datetime:
    """The default clock of notifiers (tests inject their own or travel with time-machine)."""
    return datetime.now(UTC)
