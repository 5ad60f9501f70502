"""Which channel reaches a person: the preferred one, then the fallbacks, in order (one message per reminder).

A contact lists channels in preference order (``Contact.channels``); the channels it does not list but has an
address for follow as fallbacks (Zalo OA before email). With no preference: Zalo when the person follows the
OA (a ``zalo_user_id`` is known), else email. A channel switched off by a permanent error
(``Contact.channel_blocks``, issue 15's bounce rule) is skipped until an admin turns it back on.

A reminder is ONE outbox row per person: falling back changes the row's ``channel`` and keeps its
idempotency key, hence the same Message-ID / ZNS tracking_id on every channel it tries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

CHANNEL_NAMES = {"email": "email", "zalo": "Zalo OA", "zns": "Zalo ZNS"}  # as the admin reads them
DEFAULT_ORDER = ("zalo", "email")  # the fallbacks a contact gets without listing them (ZNS only when listed)


def reachable_channels(channels: Sequence[str] | None, email: str | None, zalo_user_id: str | None,
                       phone: str | None) -> tuple[str, ...]:
    """Every channel with an address on record, preferred first (blocks ignored)."""
    has = {"email": bool(email), "zalo": bool(zalo_user_id), "zns": bool(phone)}
    ordered = [c for c in (channels or ()) if c in has] + list(DEFAULT_ORDER)
    return tuple(c for c in dict.fromkeys(ordered) if has[c])


def route(contact: Any) -> tuple[str, ...]:
    """The channels to try for ``contact`` (a Contact or a row with the same columns), blocked ones left out."""
    blocks = blocked(contact)
    return tuple(c for c in reachable_channels(contact.channels, contact.email, contact.zalo_user_id, contact.phone)
                 if c not in blocks)


def blocked(contact: Any) -> Mapping[str, Any]:
    return getattr(contact, "channel_blocks", None) or {}


def planned_channel(contact: Any) -> str | None:
    """The channel a new reminder is planned on: the first usable one, or the preferred one when every channel
    is blocked (the dispatcher then holds it with the reason, visible to the admin)."""
    usable = route(contact)
    if usable:
        return usable[0]
    every = reachable_channels(contact.channels, contact.email, contact.zalo_user_id, contact.phone)
    return every[0] if every else None


def next_channel(contact: Any, current: str, also_blocked: Sequence[str] = ()) -> str | None:
    """The first usable channel after ``current`` in the contact's order (None: no channel left)."""
    usable = [c for c in route(contact) if c not in also_blocked]
    order = reachable_channels(contact.channels, contact.email, contact.zalo_user_id, contact.phone)
    after = order[order.index(current) + 1:] if current in order else order
    return next((c for c in after if c in usable), None)


def first_usable(contact: Any) -> str | None:
    usable = route(contact)
    return usable[0] if usable else None
