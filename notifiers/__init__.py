"""Reminder channels: email (SMTP or .eml files), Zalo OA consultation messages and Zalo ZNS.

The interface the dispatcher calls (keep it stable):

- ``Message`` (idempotency_key, recipient: ``Recipient(name, email, zalo_user_id, phone)``, subject,
  text, html, links: ``Links(done_url, snooze_url)``, ics, template_data) describes one reminder to one
  person. ``text`` is the Vietnamese body without links; each channel appends the links.
- ``Notifier.send(message) -> SendResult(kind, provider_message_id)``, async. It raises
  ``NotifierError(message, permanent=bool, code=str | None)``: permanent errors must not be retried on
  this channel; ``code="fallback_email"`` asks the dispatcher to send the reminder by email instead
  (Zalo window closed and no ZNS, or the person cannot be reached on Zalo).
- ``load_notifier(kind, settings, **deps)`` builds the notifier of one of ``KINDS``; each class is imported
  when first asked for, so email-only deployments never import the Zalo code, and a broken channel module
  fails with its own error. Every class has ``from_settings(settings, **deps)``; the Zalo ones take
  ``tokens=`` (one shared ``ZaloTokens`` per process, see ``notifiers.zalo_tokens``) or
  ``session_factory=`` to build a DB-backed one.

Delivery is at least once (scheduler/dispatch.py): a send that fails after the provider accepted it (a lost
HTTP response, a process killed mid-send) is reported as transient and sent again, always with the same
identity (Message-ID, ZNS tracking_id, derived from the reminder's idempotency key) so that the duplicate
can be recognised.
"""

from __future__ import annotations

from typing import Any

from notifiers.base import Links, Message, Notifier, NotifierError, Recipient, SendResult

KINDS = ("email", "eml", "zalo", "zns")

__all__ = ["KINDS", "Links", "Message", "Notifier", "NotifierError", "Recipient", "SendResult", "load_notifier",
           "notifier_class"]


def notifier_class(kind: str) -> type[Notifier]:
    """The class of channel ``kind``; raise KeyError naming the known kinds."""
    if kind == "email":
        from notifiers.smtp import SmtpNotifier

        return SmtpNotifier
    if kind == "eml":
        from notifiers.eml_files import EmlNotifier

        return EmlNotifier
    if kind == "zalo":
        from notifiers.zalo_oa import ZaloOaNotifier

        return ZaloOaNotifier
    if kind == "zns":
        from notifiers.zns import ZnsNotifier

        return ZnsNotifier
    raise KeyError(f"unknown notifier kind {kind!r}; known: {', '.join(KINDS)}")


def load_notifier(kind: str, settings: Any, **deps: Any) -> Notifier:
    """Build the notifier for ``kind`` from settings plus optional dependencies (clients, stores, clock)."""
    return notifier_class(kind).from_settings(settings, **deps)  # type: ignore[attr-defined]
