"""The reminder outbox, the record of each delivery attempt, and the rotating Zalo credentials.

A reminder row is created once per (occurrence or milestone, recipient, channel, lead time): its
``idempotency_key`` is unique, so planning reminders twice inserts nothing new. Workers claim rows with
a conditional UPDATE on ``status='pending'`` (docs/architecture.md, "Reminders: the outbox"), served by a partial index.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UtcDateTime, one_of, utcnow, values


class Channel(StrEnum):
    EMAIL = "email"
    ZALO = "zalo"
    ZNS = "zns"


class ReminderKind(StrEnum):
    BEFORE = "before"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    DIGEST = "digest"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DeliveryStatus(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"  # its sender died mid-send: the provider may or may not have it (resent, same Message-ID)


PENDING_ONLY = text("status = 'pending'")


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        one_of("channel", values(Channel)),
        one_of("kind", values(ReminderKind)),
        one_of("status", values(ReminderStatus)),
        # The due-work query reads only pending rows; sent ones pile up forever and must not slow it down.
        Index("ix_reminders_pending_fire_at", "fire_at", postgresql_where=PENDING_ONLY, sqlite_where=PENDING_ONLY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    # Null for a digest, which covers many occurrences (listed in the payload).
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    lead_days: Mapped[int | None] = mapped_column(Integer)  # working days before the effective due date
    fire_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default=ReminderStatus.PENDING)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    permanent_failure: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    deliveries: Mapped[list[Delivery]] = relationship(back_populates="reminder", cascade="all, delete-orphan",
                                                      passive_deletes=True, order_by="Delivery.id")


class Delivery(Base):
    """One attempt to send a reminder, written as "sending" before anything leaves (docs/architecture.md)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        one_of("channel", values(Channel)),
        one_of("status", values(DeliveryStatus)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.SENDING)
    error: Mapped[str | None] = mapped_column(Text)
    permanent: Mapped[bool] = mapped_column(Boolean, default=False)
    provider_message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)

    reminder: Mapped[Reminder] = relationship(back_populates="deliveries")


class ZaloCredential(Base):
    """The OA tokens of one Zalo app. Rotate with ``UPDATE ... WHERE version = :seen`` (compare-and-swap)."""

    __tablename__ = "zalo_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(String(64), unique=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # Set once when Zalo refuses the refresh token: no more OAuth calls until an admin authorizes again.
    broken_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    broken_reason: Mapped[str | None] = mapped_column(Text)
    broken_alerted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the one email to the admin about it


class ChannelOutage(Base):
    """A channel failing transiently for everyone (the SMTP server down): since when, and whether the admin
    was alerted. One row per channel; ``ended_at`` set when a send gets through again."""

    __tablename__ = "channel_outages"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The one email to the admin after an outage longer than the threshold: sent when the server is back.
    admin_notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SchedulerLease(Base):
    """The scheduler leadership lease (SQLite; PostgreSQL uses an advisory lock): who holds it until when, and a
    fencing token that grows with every new holder."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    token: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
