"""Dispatch: claim due reminders, record a Delivery "sending", send, record the outcome.

Delivery guarantee — **at least once**, with a stable identity per reminder:

- A worker claims a batch with one conditional UPDATE (``WHERE status='pending' AND …``, plus
  ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and uses only the ids that UPDATE returned, so two workers
  never take the same row.
- Before any byte leaves, a Delivery row "sending" is committed for each claimed reminder.
- A claim older than the lease (``DispatchConfig.lease``, 10 minutes) is handed back to ``pending`` and
  sent again: this is crash recovery. The price is the **in-flight window**: a process killed after the
  provider accepted a message but before the "sent" commit leaves that reminder claimed, so it is sent a
  second time after the lease. At most ``batch_size`` reminders (the in-flight concurrency) can repeat
  per kill. Every resend carries the same Message-ID / ZNS tracking_id (derived from the idempotency
  key), so mail clients and Zalo can recognise the duplicate.
- Transient failures go back to ``pending`` with exponential backoff and jitter (``next_attempt_at``);
  permanent ones (SMTP 5xx, Zalo recipient errors) stop with ``permanent_failure`` set, shown in the admin.
  A Zalo reminder that cannot reach the person (``code="fallback_email"``) is re-planned as an email.
- Nothing is sent for an occurrence that is no longer open, or whose due date moved since planning.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Contact, Delivery, Occurrence, OccurrenceStatus, Reminder
from notifiers.base import Message, Notifier, NotifierError, SendResult
from scheduler.compose import (
    LinkSettings,
    OccurrenceText,
    digest_message,
    load_occurrences,
    occurrence_text,
    single_message,
)
from scheduler.outbox import insert_reminders

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class DispatchConfig:
    batch_size: int = 20  # reminders claimed and sent concurrently: the in-flight window per kill
    lease: timedelta = timedelta(minutes=10)
    max_attempts: int = 8
    backoff_base: timedelta = timedelta(minutes=1)
    backoff_cap: timedelta = timedelta(hours=6)
    stale_after: timedelta = timedelta(days=3)  # a first attempt this late is pointless: cancel it


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    reclaimed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Job:
    reminder: Reminder
    message: Message
    delivery: Delivery


def backoff(attempts: int, config: DispatchConfig, rng: random.Random | None = None) -> timedelta:
    """Delay before attempt ``attempts + 1``: base · 2^(attempts-1), capped, times a jitter in [0.5, 1]."""
    raw = config.backoff_base * (2 ** max(attempts - 1, 0))
    jitter = (rng or random).uniform(0.5, 1.0)  # spreads the retries of a whole batch after an outage
    return min(raw, config.backoff_cap) * jitter


def _due(now: datetime) -> Any:
    return and_(Reminder.status == "pending", Reminder.fire_at <= now,
                or_(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at <= now))


def reclaim_expired(session: Session, now: datetime, lease: timedelta) -> int:
    """Hand claims older than the lease back to ``pending`` (their worker died). Commits; returns the count."""
    result = session.execute(update(Reminder).where(Reminder.status == "claimed", Reminder.claimed_at < now - lease)
                             .values(status="pending", claimed_at=None, claimed_by=None,
                                     last_error="claim expired: the worker stopped before recording a result"))
    session.commit()
    return result.rowcount or 0


def claim_batch(session: Session, now: datetime, worker: str, limit: int) -> list[int]:
    """Claim up to ``limit`` due reminders for ``worker``; return exactly the ids this call won. Commits.

    PostgreSQL: the candidates are locked with ``FOR UPDATE SKIP LOCKED`` in the same transaction as the
    UPDATE, so concurrent workers pick disjoint rows without waiting. (Not as ``id IN (subquery LIMIT n)``
    inside the UPDATE: PostgreSQL may evaluate that subquery more than once and update far more than n.)
    SQLite: writers are serialised; the UPDATE's repeated condition decides who wins.
    """
    candidates = select(Reminder.id).where(_due(now)).order_by(Reminder.fire_at, Reminder.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(candidates.with_for_update(skip_locked=True)))
    else:
        ids = list(session.scalars(candidates))
        session.rollback()  # end the read snapshot: SQLite must start the write from fresh data
    if not ids:
        session.rollback()
        return []
    # The WHERE repeats the due condition: a row another worker took in between is simply not returned.
    won = session.scalars(update(Reminder).where(Reminder.id.in_(ids), _due(now))
                          .values(status="claimed", claimed_at=now, claimed_by=worker, attempts=Reminder.attempts + 1)
                          .returning(Reminder.id)).all()
    session.commit()
    return sorted(won)


class Dispatcher:
    """Sends due reminders through ``notifiers`` (channel → Notifier). One instance per worker."""

    def __init__(self, factory: sessionmaker[Session], notifiers: Mapping[str, Notifier], links: LinkSettings,
                 clock: Clock, config: DispatchConfig | None = None, worker: str = "worker",
                 rng: random.Random | None = None) -> None:
        self.factory, self.notifiers, self.links, self.clock = factory, notifiers, links, clock
        self.config, self.worker, self.rng = config or DispatchConfig(), worker, rng or random.Random()

    def run(self, max_batches: int | None = None) -> DispatchStats:
        """Dispatch until nothing is due at ``clock()`` (or ``max_batches``). Blocking."""
        return asyncio.run(self.run_async(max_batches))

    async def run_async(self, max_batches: int | None = None) -> DispatchStats:
        """Claim and prepare batch k+1 while batch k is on the wire, so the SMTP server never waits for us.

        Only one batch is ever being sent (the duplicate window of a kill stays one batch); the next one is
        claimed, and its "sending" rows committed, before it leaves. All database work runs in one helper
        thread (SQLite connections must stay in their thread), in two sessions used in turn.
        """
        stats = DispatchStats()
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dispatch-db") as db:
            def in_db(fn: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
                return loop.run_in_executor(db, fn, *args)

            sessions = [self.factory(), self.factory()]
            try:
                stats.reclaimed = await in_db(reclaim_expired, sessions[0], self.clock(), self.config.lease)
                def more(done: int) -> bool:
                    return max_batches is None or done < max_batches

                batches = 0
                current = await in_db(self._claim_and_prepare, sessions[0], stats) if more(0) else None
                while current is not None:
                    batches += 1
                    sending = asyncio.ensure_future(self._send_all(current))
                    upcoming = await in_db(self._claim_and_prepare, sessions[batches % 2], stats) \
                        if more(batches) else None
                    results = await sending
                    await in_db(self._record_all, sessions[(batches - 1) % 2], current, results, stats)
                    if upcoming is None and more(batches):  # recording may have planned e-mail fallbacks
                        upcoming = await in_db(self._claim_and_prepare, sessions[batches % 2], stats)
                    current = upcoming
            finally:
                for session in sessions:
                    await in_db(session.close)
                await self._close_notifiers()
        return stats

    async def _close_notifiers(self) -> None:
        """Release pooled connections: they belong to this event loop, which ends with ``run``."""
        for notifier in {id(n): n for n in self.notifiers.values()}.values():
            close = getattr(notifier, "aclose", None)
            if close is not None:
                await close()

    def _claim_and_prepare(self, session: Session, stats: DispatchStats) -> list[_Job] | None:
        """Claim a batch and write its "sending" rows; None when nothing is due."""
        ids = claim_batch(session, self.clock(), self.worker, self.config.batch_size)
        if not ids:
            return None
        stats.claimed += len(ids)
        jobs = self._prepare(session, ids, stats)
        session.commit()  # the "sending" rows exist before anything leaves (house style §6.4)
        return jobs

    async def _send_all(self, jobs: list[_Job]) -> list[tuple[SendResult | NotifierError, float]]:
        return list(await asyncio.gather(*(self._send(job) for job in jobs)))

    def _record_all(self, session: Session, jobs: list[_Job], results: list[tuple[SendResult | NotifierError, float]],
                    stats: DispatchStats) -> None:
        for job, (outcome, elapsed) in zip(jobs, results, strict=True):
            self._record(session, job, outcome, elapsed, stats)
        session.commit()

    def _prepare(self, session: Session, ids: list[int], stats: DispatchStats) -> list[_Job]:
        reminders = list(session.scalars(select(Reminder).where(Reminder.id.in_(ids)).order_by(Reminder.id)))
        occurrence_ids = {r.occurrence_id for r in reminders if r.occurrence_id}
        for r in reminders:
            if r.occurrence_id is None:
                occurrence_ids.update(i["occurrence_id"] for i in (r.payload or {}).get("items", []))
        occurrences = load_occurrences(session, sorted(occurrence_ids))
        contacts = {c.id: c for c in session.scalars(select(Contact).where(
            Contact.id.in_({r.contact_id for r in reminders})))}
        now = self.clock()
        jobs = []
        texts: dict[int, OccurrenceText] = {}
        for reminder in reminders:
            reason, message = self._build(reminder, occurrences, contacts.get(reminder.contact_id), now, texts)
            if message is None:
                reminder.status, reminder.last_error = "cancelled", reason
                stats.cancelled += 1
                continue
            delivery = Delivery(reminder_id=reminder.id, channel=reminder.channel, status="sending", created_at=now)
            session.add(delivery)
            jobs.append(_Job(reminder, message, delivery))
        return jobs

    def _build(self, reminder: Reminder, occurrences: dict[int, Occurrence], contact: Contact | None,
               now: datetime, texts: dict[int, OccurrenceText]) -> tuple[str, Message | None]:
        if contact is None or not contact.active:
            return "the contact is inactive or deleted", None
        if reminder.attempts <= 1 and now - reminder.fire_at > self.config.stale_after:
            return f"stale: planned for {reminder.fire_at.isoformat()}, not sent before {now.isoformat()}", None
        if reminder.occurrence_id is None:
            return self._build_digest(reminder, occurrences, contact, now)
        occurrence = occurrences.get(reminder.occurrence_id)
        if occurrence is None or occurrence.status != OccurrenceStatus.OPEN:
            return f"the occurrence is {occurrence.status if occurrence else 'deleted'}", None
        planned_due = (reminder.payload or {}).get("due")
        if planned_due and planned_due != occurrence.effective_due.isoformat():
            return f"the due date moved from {planned_due} to {occurrence.effective_due.isoformat()}", None
        if occurrence.id not in texts:
            texts[occurrence.id] = occurrence_text(occurrence, self.links.host)
        return "", single_message(reminder, occurrence, contact, self.links, now, texts[occurrence.id])

    def _build_digest(self, reminder: Reminder, occurrences: dict[int, Occurrence], contact: Contact,
                      now: datetime) -> tuple[str, Message | None]:
        items = [(item, occurrences[item["occurrence_id"]]) for item in reminder.payload.get("items", [])
                 if item["occurrence_id"] in occurrences
                 and occurrences[item["occurrence_id"]].status == OccurrenceStatus.OPEN
                 and occurrences[item["occurrence_id"]].effective_due.isoformat() == item["due"]]
        if not items:
            return "every item of the digest is done, cancelled or moved", None
        day = date.fromisoformat(reminder.payload["day"])
        return "", digest_message(reminder, items, contact, self.links, day, now)

    async def _send(self, job: _Job) -> tuple[SendResult | NotifierError, float]:
        started = time.perf_counter()
        notifier = self.notifiers.get(job.reminder.channel)
        try:
            if notifier is None:
                raise NotifierError(f"channel {job.reminder.channel} is not configured", permanent=True,
                                    code="fallback_email")
            outcome: SendResult | NotifierError = await notifier.send(job.message)
        except NotifierError as e:
            outcome = e
        except Exception as e:  # a bug in one channel must not lose the batch's results
            log.exception("notifier %s crashed on reminder %s", job.reminder.channel, job.reminder.id)
            outcome = NotifierError(f"{type(e).__name__}: {e}", permanent=False, code="transient")
        return outcome, time.perf_counter() - started

    def _record(self, session: Session, job: _Job, outcome: SendResult | NotifierError, elapsed: float,
                stats: DispatchStats) -> None:
        now = self.clock()
        reminder, delivery = job.reminder, job.delivery
        delivery.finished_at, delivery.duration_ms = now, int(elapsed * 1000)
        if isinstance(outcome, SendResult):
            delivery.status, delivery.provider_message_id = "sent", outcome.provider_message_id
            reminder.status, reminder.sent_at, reminder.last_error = "sent", now, None
            stats.sent += 1
            return
        delivery.status, delivery.error, delivery.permanent = "failed", str(outcome), outcome.permanent
        reminder.last_error = str(outcome)
        stats.errors.append(f"reminder {reminder.id} ({reminder.channel}): {outcome}")
        if outcome.code == "fallback_email" and reminder.channel != "email":
            self._plan_email_fallback(session, reminder, now)
        if outcome.permanent or outcome.code == "fallback_email" or reminder.attempts >= self.config.max_attempts:
            reminder.status, reminder.permanent_failure = "failed", outcome.permanent
            stats.failed += 1
            return
        reminder.status, reminder.claimed_at, reminder.claimed_by = "pending", None, None
        reminder.next_attempt_at = now + backoff(reminder.attempts, self.config, self.rng)
        stats.retrying += 1

    @staticmethod
    def _plan_email_fallback(session: Session, reminder: Reminder, now: datetime) -> None:
        contact = session.get(Contact, reminder.contact_id)
        if contact is None or not contact.email:
            return
        insert_reminders(session, [{
            "idempotency_key": f"{reminder.idempotency_key}:email-fallback", "occurrence_id": reminder.occurrence_id,
            "contact_id": reminder.contact_id, "channel": "email", "kind": reminder.kind,
            "lead_days": reminder.lead_days, "fire_at": now, "status": "pending", "attempts": 0,
            "permanent_failure": False, "payload": reminder.payload}])
