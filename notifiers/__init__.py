"""Reminder channels: email (SMTP or .eml files), Zalo OA consultation messages and Zalo ZNS.

The interface the dispatcher calls (keep it stable):

- ``Message`` (idempotency_key, recipient: ``Recipient(name, email, zalo_user_id, phone)``, subject,
  text, html, links: ``Links(done_url, snooze_url)``, ics, template_data) describes one reminder to one
  person. ``text`` is the Vietnamese body without links; each channel appends the links.
- ``Notifier.send(message) -> SendResult(kind, provider_message_id)``, async. It raises
  ``NotifierError(message, permanent=bool, code=str | None)``: permanent errors must not be retried on
  this channel; ``code="fallback_email"`` asks the dispatcher to send the reminder by email instead
  (Zalo window closed and no ZNS, or the person cannot be reached on Zalo).
- ``load_notifier(kind, settings, **deps)`` builds a notifier from ``NOTIFIERS`` (kind → "module:Class",
  imported lazily so email-only deployments never import the Zalo code). Every class has
  ``from_settings(settings, **deps)``; the Zalo ones take ``tokens=`` (one shared ``ZaloTokens`` per
  process, see ``notifiers.zalo_tokens``) or ``session_factory=`` to build a DB-backed one.

Delivery is at most once from the dispatcher's point of view: a send that fails after the provider
accepted it (e.g. a lost HTTP response) is reported as transient, and the provider-side idempotency
(Message-ID, ZNS tracking_id) is what lets a retry be recognised as a duplicate.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from notifiers.base import Links, Message, Notifier, NotifierError, Recipient, SendResult

NOTIFIERS: dict[str, str] = {
    "email": "notifiers.smtp:SmtpNotifier",
    "eml": "notifiers.eml_files:EmlNotifier",
    "zalo": "notifiers.zalo_oa:ZaloOaNotifier",
    "zns": "notifiers.zns:ZnsNotifier",
}

__all__ = ["NOTIFIERS", "Links", "Message", "Notifier", "NotifierError", "Recipient", "SendResult",
           "load_notifier", "notifier_class"]


def notifier_class(kind: str) -> type[Notifier]:
    """The class registered for ``kind``; raise KeyError naming the known kinds."""
    try:
        module_name, class_name = NOTIFIERS[kind].split(":")
    except KeyError:
        raise KeyError(f"unknown notifier kind {kind!r}; known: {', '.join(sorted(NOTIFIERS))}") from None
    return getattr(import_module(module_name), class_name)


def load_notifier(kind: str, settings: Any, **deps: Any) -> Notifier:
    """Build the notifier for ``kind`` from settings plus optional dependencies (clients, stores, clock)."""
    return notifier_class(kind).from_settings(settings, **deps)  # type: ignore[attr-defined]
