"""Bearer tokens for the JSON API: random, shown once, stored as their SHA-256, revoked one by one.

The command line (``hanchot admin api-token``) and the admin's page (``/api-tokens``) both make, list and revoke
them here, and every change is audited. A revoked token is refused at its next request.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.tokens import hash_token
from models import ApiToken
from web.audit import record

PREFIX = "hct_"  # tells a leaked string for what it is (secret scanners, logs)
LONGEST_NAME = 100
TOUCH_EVERY = timedelta(minutes=5)  # "last used" needs no write per request


class ApiTokenError(ValueError):
    """A refused request about tokens, in Vietnamese for the person who made it."""


def issue(session: Session, name: str, actor: str, at: datetime) -> tuple[ApiToken, str]:
    """A new token named ``name``: the row, and the token itself, which is never stored and never shown again."""
    name = " ".join(name.split())
    if not name:
        raise ApiTokenError("Vui lòng đặt tên cho khóa API (ví dụ: tên chương trình dùng nó).")
    if len(name) > LONGEST_NAME:
        raise ApiTokenError(f"Tên khóa API dài tối đa {LONGEST_NAME} ký tự.")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=hash_token(token), name=name, created_at=at)
    session.add(row)
    session.flush()
    record(session, actor, "api_token.create", "api_tokens", row.id, None, {"name": name})
    return row, token


def revoke(session: Session, token_id: int, actor: str, at: datetime) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise ApiTokenError(f"Không có khóa API số {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = at
        record(session, actor, "api_token.revoke", "api_tokens", row.id, {"name": row.name},
               {"revoked_at": at.isoformat()})
    return row


def listed(session: Session) -> list[ApiToken]:
    """Every token, the ones in use first, newest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def caller(session: Session, token: str, at: datetime) -> ApiToken | None:
    """The live token ``token`` is, or None (unknown, revoked, or not one of ours); notes when it was last used."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.last_used_at is None or at - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = at
        session.commit()
    return row
