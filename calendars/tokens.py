"""Feed tokens: 32 random bytes, URL-safe, stored only as SHA-256 (docs/calendar-feeds.md §7).

The database keeps ``hash_token(token)``; a request's token is hashed and looked up by that hash, so the
plain token exists only in the URL handed to the user once. Comparing hashes needs no constant-time
compare: an attacker learns nothing useful from timing a look-up of a hash they cannot invert.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 32  # 256 bits, well above the 128 a guess-proof URL needs
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32): 43 characters, no padding


def new_token() -> tuple[str, str]:
    """Return ``(token, token_hash)``: give the token to the user once, store only the hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The hex SHA-256 of ``token``, the only form kept at rest and the key of every look-up."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(candidate: str) -> bool:
    """Cheap shape check before touching the database (a wrong shape is answered 404 like any unknown token)."""
    return bool(_TOKEN_SHAPE.match(candidate))


def token_from_filename(filename: str) -> str | None:
    """``"<token>.ics"`` → token, or None when the name is not of that shape."""
    token = filename.removesuffix(".ics")
    return token if filename.endswith(".ics") and looks_like_token(token) else None


def derived_token(secret_key: str, label: str) -> str:
    """A token the server can make again from its secret key and ``label`` (a row id), of the usual shape.

    For a focal point's own feed: only its hash is stored, yet the page can show the URL on every visit; a
    copy of the database alone does not give it, and a new secret key changes it (then a new one is made).
    """
    digest = hmac.new(secret_key.encode(), f"hanchot.feed-token.v1:{label}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
