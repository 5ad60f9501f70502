"""Signed one-click links in reminders: "Đã hoàn thành" (done) and "Nhắc lại sau" (snooze).

A link carries the action, the occurrence id, the contact id and an explicit expiry, signed with an
HMAC-SHA256 key derived from HANCHOT_SECRET_KEY. It works without login, so it grants exactly one action
on one occurrence for one person, and only until it expires. The expiry is inside the signed payload so
that "now" is passed in, like everywhere else in scheduler/.

Token: ``base64url(payload) "." base64url(HMAC-SHA256(key, payload))``, the payload being the compact
text ``v1.<action>.<occurrence>.<contact>.<expiry>``. (Signed directly with hmac: itsdangerous took
≈ 70 µs a link, two links per reminder, on the dispatcher's hot path.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

ACTIONS = ("done", "snooze")
SALT = b"hanchot.reminder-action.v1"
_PAYLOAD = re.compile(r"v1\.(done|snooze)\.(\d{1,18})\.(\d{1,18})\.(\d{1,12})")
DEFAULT_VALIDITY = timedelta(days=60)


class LinkError(ValueError):
    """The link is forged, damaged, expired or names an unknown action. ``str()`` is Vietnamese."""


@dataclass(frozen=True)
class LinkAction:
    action: str
    occurrence_id: int
    contact_id: int
    expires_at: datetime


@lru_cache(maxsize=4)
def _key(secret_key: str) -> bytes:
    """A key for this purpose only: the secret also signs sessions and CSRF tokens."""
    return hmac.new(secret_key.encode("utf-8"), SALT, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret_key: str, payload: bytes) -> bytes:
    return hmac.new(_key(secret_key), payload, hashlib.sha256).digest()


def make_token(secret_key: str, action: str, occurrence_id: int, contact_id: int, now: datetime,
               validity: timedelta = DEFAULT_VALIDITY) -> str:
    """A URL-safe signed token for ``action`` on one occurrence by one contact, valid until now + validity."""
    if action not in ACTIONS:
        raise ValueError(f"unknown link action {action!r}")
    expires = int((now + validity).timestamp())
    payload = f"v1.{action}.{int(occurrence_id)}.{int(contact_id)}.{expires}".encode("ascii")
    return f"{_b64(payload)}.{_b64(_sign(secret_key, payload))}"


def make_url(base_url: str, secret_key: str, action: str, occurrence_id: int, contact_id: int,
             now: datetime, validity: timedelta = DEFAULT_VALIDITY) -> str:
    """The full link the web app serves at ``/r/<token>``."""
    token = make_token(secret_key, action, occurrence_id, contact_id, now, validity)
    return f"{base_url.rstrip('/')}/r/{token}"


def verify_token(secret_key: str, token: str, now: datetime) -> LinkAction:
    """Return the action a valid token grants. Raise LinkError (Vietnamese message) otherwise."""
    encoded, _, signature = token.partition(".")
    try:
        payload, given = _unb64(encoded), _unb64(signature)
    except (ValueError, TypeError):
        raise LinkError("Liên kết không hợp lệ hoặc đã bị thay đổi.") from None
    if not hmac.compare_digest(given, _sign(secret_key, payload)):
        raise LinkError("Liên kết không hợp lệ hoặc đã bị thay đổi.")
    fields = _PAYLOAD.fullmatch(payload.decode("ascii", "replace"))
    if fields is None:
        raise LinkError("Liên kết không hợp lệ.")
    action, occurrence_id, contact_id, expiry = fields.groups()
    expires_at = datetime.fromtimestamp(int(expiry), tz=now.tzinfo)
    if now >= expires_at:
        raise LinkError("Liên kết đã hết hạn. Vui lòng cập nhật trên trang quản trị.")
    return LinkAction(action, int(occurrence_id), int(contact_id), expires_at)
