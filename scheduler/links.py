"""Signed one-click links in reminders: "Đã hoàn thành" (done) and "Nhắc lại sau" (snooze).

A link carries the action, the occurrence id, the contact id and an explicit expiry, signed with
HANCHOT_SECRET_KEY by itsdangerous. It works without login, so it grants exactly one action on one
occurrence for one person, and only until it expires. The expiry is inside the signed payload (not the
signer's own timestamp) so that "now" is passed in, like everywhere else in scheduler/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

ACTIONS = ("done", "snooze")
SALT = "hanchot.reminder-action.v1"
DEFAULT_VALIDITY = timedelta(days=60)


class LinkError(ValueError):
    """The link is forged, damaged, expired or names an unknown action. ``str()`` is Vietnamese."""


@dataclass(frozen=True)
class LinkAction:
    action: str
    occurrence_id: int
    contact_id: int
    expires_at: datetime


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def make_token(secret_key: str, action: str, occurrence_id: int, contact_id: int, now: datetime,
               validity: timedelta = DEFAULT_VALIDITY) -> str:
    """A URL-safe signed token for ``action`` on one occurrence by one contact, valid until now + validity."""
    if action not in ACTIONS:
        raise ValueError(f"unknown link action {action!r}")
    expires = int((now + validity).timestamp())
    return _serializer(secret_key).dumps({"v": 1, "a": action, "o": occurrence_id, "c": contact_id, "x": expires})


def make_url(base_url: str, secret_key: str, action: str, occurrence_id: int, contact_id: int,
             now: datetime, validity: timedelta = DEFAULT_VALIDITY) -> str:
    """The full link the web app serves at ``/r/<token>``."""
    token = make_token(secret_key, action, occurrence_id, contact_id, now, validity)
    return f"{base_url.rstrip('/')}/r/{token}"


def verify_token(secret_key: str, token: str, now: datetime) -> LinkAction:
    """Return the action a valid token grants. Raise LinkError (Vietnamese message) otherwise."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        raise LinkError("Liên kết không hợp lệ hoặc đã bị thay đổi.") from None
    if not isinstance(data, dict) or data.get("v") != 1 or data.get("a") not in ACTIONS:
        raise LinkError("Liên kết không hợp lệ.")
    expires_at = datetime.fromtimestamp(int(data["x"]), tz=now.tzinfo)
    if now >= expires_at:
        raise LinkError("Liên kết đã hết hạn. Vui lòng cập nhật trên trang quản trị.")
    return LinkAction(data["a"], int(data["o"]), int(data["c"]), expires_at)
