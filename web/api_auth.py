"""Bearer tokens for the JSON API: signed with the secret key, so rotating the key revokes them all."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "hanchot.api-token.v1"


def make_api_token(secret_key: str, name: str) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps({"v": 1, "name": name})


def api_token_name(secret_key: str, token: str) -> str | None:
    """The name inside a valid token, or None for anything forged or damaged."""
    try:
        data = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except BadSignature:
        return None
    return str(data.get("name", "api")) if isinstance(data, dict) and data.get("v") == 1 else None
