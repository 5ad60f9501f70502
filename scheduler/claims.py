"""Claiming due reminders from the outbox, and handing back the claims of workers that died.

Claims run as Core statements on the tables (no ORM objects): they run for every reminder sent, and the
dispatcher passes the claimed values between threads, which ORM instances bound to a session must not be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from models import Reminder
from scheduler.outbox import PAYLOAD_VERSION

REMINDERS = Reminder.__table__
_COLUMNS = ("id", "idempotency_key", "occurrence_id", "contact_id", "channel", "kind", "lead_days", "fire_at",
            "attempts", "payload")


class UnknownPayloadVersion(RuntimeError):
    """An outbox row written by another version of hanchot: this dispatcher cannot know what its payload means."""


def read_payload(reminder_id: int, payload: dict[str, Any] | None) -> dict[str, Any]:
    """The payload of an outbox row, refused loudly unless it is the version this code writes and reads.

    A newer planner may share the outbox with an older dispatcher during an upgrade: guessing at fields it does
    not know could send a wrong reminder, so the claim fails (the caller's transaction rolls back, the row
    stays pending) and the error names the row.
    """
    version = (payload or {}).get("version")
    if version != PAYLOAD_VERSION:
        raise UnknownPayloadVersion(f"reminder {reminder_id}: outbox payload version {version!r}, this dispatcher "
                                    f"reads version {PAYLOAD_VERSION} only; nothing was sent (upgrade hanchot)")
    return payload


@dataclass(frozen=True, slots=True)
class ClaimedReminder:
    """The values of a claimed outbox row that composing, sending and recording need (``attempts`` counts
    the attempt being made)."""

    id: int
    idempotency_key: str
    occurrence_id: int | None
    contact_id: int
    channel: str
    kind: str
    lead_days: int | None
    fire_at: datetime
    attempts: int
    payload: dict[str, Any]


def due_condition(now: datetime) -> Any:
    c = REMINDERS.c
    return and_(c.status == "pending", c.fire_at <= now, or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now))


def reclaim_expired(session: Session, now: datetime, lease: timedelta) -> int:
    """Hand claims older than the lease back to ``pending`` (their worker died). Commits; returns the count."""
    result = session.execute(update(REMINDERS).where(REMINDERS.c.status == "claimed",
                                                     REMINDERS.c.claimed_at < now - lease)
                             .values(status="pending", claimed_at=None, claimed_by=None,
                                     last_error="claim expired: the worker stopped before recording a result"))
    session.commit()
    return result.rowcount or 0


def claim_batch(session: Session, now: datetime, worker: str, limit: int) -> list[ClaimedReminder]:
    """Claim up to ``limit`` due reminders for ``worker``: exactly the rows this call won, by id. Does not
    commit: the caller commits the claim together with its "sending" Delivery rows.

    PostgreSQL: the candidates are locked with ``FOR UPDATE SKIP LOCKED`` in the same transaction as the
    UPDATE, so concurrent workers pick disjoint rows without waiting. (Not as ``id IN (subquery LIMIT n)``
    inside the UPDATE: PostgreSQL may evaluate that subquery more than once and update far more than n.)
    SQLite: writers are serialised; the UPDATE's repeated condition decides who wins.
    """
    candidates = select(REMINDERS.c.id).where(due_condition(now)).order_by(REMINDERS.c.fire_at, REMINDERS.c.id) \
        .limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(candidates.with_for_update(skip_locked=True)))
    else:
        ids = list(session.scalars(candidates))
        session.rollback()  # end the read snapshot: SQLite must start the write from fresh data
    if not ids:
        session.rollback()
        return []
    # The WHERE repeats the due condition: a row another worker took in between is simply not returned.
    won = session.execute(update(REMINDERS).where(REMINDERS.c.id.in_(ids), due_condition(now))
                          .values(status="claimed", claimed_at=now, claimed_by=worker,
                                  attempts=REMINDERS.c.attempts + 1)
                          .returning(*(REMINDERS.c[name] for name in _COLUMNS)))
    return sorted((ClaimedReminder(**{**row._mapping, "payload": read_payload(row.id, row.payload)}) for row in won),
                  key=lambda r: r.id)
