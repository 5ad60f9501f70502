"""Secret calendar-feed URLs and the state of each published feed.

Only the sha256 of a feed token is stored; the URL holds the token itself. A revoked token keeps its row
(``revoked_at``) so a leaked URL can be recognised in the logs.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, one_of, utcnow, values


class FeedScope(StrEnum):
    AGENCY = "agency"
    PLAN = "plan"
    CONTACT = "contact"
    PROVINCE = "province"


class FeedRole(StrEnum):
    LEAD = "lead"
    SUPPORT = "support"
    ALL = "all"


class FeedToken(Base):
    __tablename__ = "feed_tokens"
    __table_args__ = (
        one_of("scope", values(FeedScope)),
        one_of("role", values(FeedRole)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token in the URL
    name: Mapped[str] = mapped_column(String(255), default="")
    scope: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=FeedRole.ALL)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class FeedState(Base):
    """What was last published for one feed (``scope_key`` like "agency:12:lead"), for ETag / Last-Modified."""

    __tablename__ = "feed_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(255), unique=True)
    etag: Mapped[str | None] = mapped_column(String(100))
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RenderedEvent(Base):
    """One VEVENT as icalendar serialised it, addressed by the digest of everything it was made from.

    icalendar takes about half a millisecond per event; keeping its output here lets a feed of thousands of
    events be served right after a restart without serialising them again (calendars/feed.py). Rows are
    never updated: a changed event has a new digest. Digests no current event uses are pruned by the
    scheduler (``calendars.event_store.prune``).
    """

    __tablename__ = "rendered_events"

    digest: Mapped[str] = mapped_column(String(32), primary_key=True)
    ics: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
