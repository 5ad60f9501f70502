"""Feed tokens in the database: create (the plain token is returned once), find by hash, list, revoke.

Look-ups go through the stored SHA-256 only (``calendars.tokens.hash_token``); an unknown, malformed or
revoked token is simply "not found", so the web layer answers 404 with no detail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.tokens import hash_token, looks_like_token, new_token
from config.agencies import normalise
from models import Agency, FeedRole, FeedScope, FeedToken


def create_token(session: Session, *, scope: FeedScope, role: FeedRole = FeedRole.ALL, name: str = "",
                 agency_id: int | None = None, plan_id: int | None = None,
                 contact_id: int | None = None) -> tuple[str, FeedToken]:
    """Add a token row (not committed) and return ``(plain token, row)``; only the hash is stored."""
    token, token_hash = new_token()
    row = FeedToken(token_hash=token_hash, name=name, scope=scope.value, role=role.value,
                    agency_id=agency_id, plan_id=plan_id, contact_id=contact_id)
    session.add(row)
    session.flush()
    return token, row


def find_active_token(session: Session, token: str) -> FeedToken | None:
    """The live token row for ``token``, or None when unknown, malformed or revoked."""
    if not looks_like_token(token):
        return None
    row = session.scalar(select(FeedToken).where(FeedToken.token_hash == hash_token(token)))
    return row if row is not None and row.revoked_at is None else None


def revoke_token(session: Session, token_id: int, now: datetime) -> FeedToken | None:
    """Mark a token revoked (kept for the logs). Returns the row, or None when there is no such id."""
    row = session.get(FeedToken, token_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
    return row


def find_agency(session: Session, name: str) -> Agency | None:
    """The agency called ``name`` (or with that alias), compared as config.agencies.normalise does."""
    key = normalise(name)
    for agency in session.scalars(select(Agency).order_by(Agency.id)):
        if key in {normalise(n) for n in [agency.name, agency.short_name or "", *(agency.aliases or [])] if n}:
            return agency
    return None
