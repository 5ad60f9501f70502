"""Claiming due reminders from the outbox, and handing back the claims of workers that died.

Claims run as Core statements on the tables (no ORM objects): they run for every reminder sent, and the
dispatcher passes the claimed values between threads, which ORM instances bound to a session must not be.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, or_, select, update
from sqlalchemy.orm import Session

from models import Delivery, Reminder
from scheduler.leases import Fence
from scheduler.outbox import PAYLOAD_VERSION

REMINDERS = Reminder.__table__
DELIVERIES = Delivery.__table__
_COLUMNS = ("id", "idempotency_key", "occurrence_id", "contact_id", "channel", "kind", "lead_days", "fire_at",
            "attempts", "payload", "last_error")


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
    last_error: str | None = None  # of the previous attempt: quoted when the reminder stops


def due_condition(now: datetime) -> Any:
    c = REMINDERS.c
    return and_(c.status == "pending", c.fire_at <= now, or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now))


@dataclass(frozen=True)
class Reclaimed:
    reminders: int  # claims handed back to pending
    unknown: int  # their "sending" deliveries: the provider may have them (possible duplicates when resent)


UNKNOWN_NOTE = ("the sender stopped during this send: the provider may or may not have the message; "
                "resent with the same Message-ID")


def reclaim_expired(session: Session, now: datetime, lease: timedelta,
                    is_dead: Callable[[str], bool] = lambda worker: False) -> Reclaimed:
    """Hand claims not renewed within the lease back to ``pending`` (their worker died), and mark their
    "sending" deliveries "unknown". Commits.

    Workers renew their claims every ``lease / 3`` while they work (``renew_claims``), so an expired claim means
    a dead (or stalled) worker, found within one lease of its death. ``is_dead(worker)`` finds some sooner: a
    worker of this very host whose process is gone (a restart right after a crash reclaims at once).
    """
    holders = session.scalars(select(REMINDERS.c.claimed_by).where(REMINDERS.c.status == "claimed").distinct())
    dead = [w for w in holders if w and is_dead(w)]
    stale = REMINDERS.c.claimed_at < now - lease
    gone = or_(stale, REMINDERS.c.claimed_by.in_(dead)) if dead else stale
    expired = list(session.scalars(select(REMINDERS.c.id).where(REMINDERS.c.status == "claimed", gone)))
    if not expired:
        session.rollback()
        return Reclaimed(0, 0)
    unknown = session.execute(update(DELIVERIES).where(DELIVERIES.c.reminder_id.in_(expired),
                                                       DELIVERIES.c.status == "sending")
                              .values(status="unknown", error=UNKNOWN_NOTE, finished_at=now)).rowcount or 0
    result = session.execute(update(REMINDERS).where(REMINDERS.c.id.in_(expired), REMINDERS.c.status == "claimed",
                                                     gone)
                             .values(status="pending", claimed_at=None, claimed_by=None, next_attempt_at=None,
                                     last_error="claim expired: the worker stopped before recording a result"))
    session.commit()
    return Reclaimed(result.rowcount or 0, unknown)


def renew_claims(connection: Connection, worker: str, now: datetime) -> int:
    """The heartbeat: push this worker's claims' lease forward. Returns how many it still holds."""
    return connection.execute(update(REMINDERS).where(REMINDERS.c.status == "claimed",
                                                      REMINDERS.c.claimed_by == worker)
                              .values(claimed_at=now)).rowcount or 0


def claim_batch(session: Session, now: datetime, worker: str, limit: int,
                fence: Fence | None = None) -> list[ClaimedReminder]:
    """Claim up to ``limit`` due reminders for ``worker``: exactly the rows this call won, by id. Does not
    commit: the caller commits the claim together with its "sending" Delivery rows.

    PostgreSQL: the candidates are locked with ``FOR UPDATE SKIP LOCKED`` in the same transaction as the
    UPDATE, so concurrent workers pick disjoint rows without waiting. (Not as ``id IN (subquery LIMIT n)``
    inside the UPDATE: PostgreSQL may evaluate that subquery more than once and update far more than n.)
    SQLite: writers are serialised; the UPDATE's repeated condition decides who wins.

    ``fence`` (the scheduler's leadership): the UPDATE also requires that lease to be current, in the same
    statement, so a process that lost leadership claims nothing (scheduler.leases).
    """
    fenced = (fence.condition(now),) if fence is not None else ()
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
    won = session.execute(update(REMINDERS).where(REMINDERS.c.id.in_(ids), due_condition(now), *fenced)
                          .values(status="claimed", claimed_at=now, claimed_by=worker,
                                  attempts=REMINDERS.c.attempts + 1)
                          .returning(*(REMINDERS.c[name] for name in _COLUMNS)))
    return sorted((ClaimedReminder(**{**row._mapping, "payload": read_payload(row.id, row.payload)}) for row in won),
                  key=lambda r: r.id)
