"""Who is signed in and who is knocking: server-side sessions, single-use sign-in links, login throttle hits,
and the JSON API's bearer tokens.

Secrets never rest in plain form: a session row keeps the SHA-256 of the random id its cookie holds, a link
row the SHA-256 of the token its email holds, a throttle hit the SHA-256 of what it counts (an address and
an IP), so a copy of the database opens no session and lists no email address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, utcnow


class LoginSession(Base):
    """One signed-in browser. Ended by logout, by the admin, or when idle longer than the setting allows."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the cookie's random id
    actor: Mapped[str] = mapped_column(String(64))  # "admin" or "contact:<id>"
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255), default="")  # what the page header shows
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)  # the absolute limit
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(32))  # "logout", "admin", "contact_inactive"


class SigninLink(Base):
    """An emailed sign-in link: valid for a few minutes, used at most once."""

    __tablename__ = "signin_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))  # who asked for it
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ThrottleHit(Base):
    """One counted attempt (a failed password, a requested link) in a bucket; old hits are pruned as new come."""

    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_bucket_key_at", "bucket", "key_hash", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(32))  # "password.pair", "password.ip", "link.address", …
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class ApiToken(Base):
    """A bearer token for the JSON API, given once to a script; its SHA-256 is the look-up key. Revoking one keeps
    the row (``revoked_at``) so the audit log and a leaked token's later attempts still name it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))  # who uses it: "báo cáo tỉnh", a script's name
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
