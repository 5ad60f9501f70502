"""Dispatch: claim due reminders, record a Delivery "sending", send, record the outcome.

Delivery guarantee — **at least once**, with a stable identity per reminder:

- A worker claims a batch with one conditional UPDATE (``WHERE status='pending' AND …``, plus
  ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and uses only the ids that UPDATE returned, so two workers
  never take the same row.
- Before any byte leaves, a Delivery row "sending" is committed for each claimed reminder.
- A claim older than the lease (``DispatchConfig.lease``, 10 minutes) is handed back to ``pending`` and
  sent again: this is crash recovery. The price is the **in-flight window**: a process killed after the
  provider accepted a message but before the "sent" commit leaves that reminder claimed, so it is sent a
  second time after the lease. At most ``concurrency`` reminders (the sends in flight) can repeat
  per kill. Every resend carries the same Message-ID / ZNS tracking_id (derived from the idempotency
  key), so mail clients and Zalo can recognise the duplicate.
- Transient failures go back to ``pending`` with exponential backoff and jitter (``next_attempt_at``);
  permanent ones (SMTP 5xx, Zalo recipient errors) stop with ``permanent_failure`` set, shown in the admin.
  A Zalo reminder that cannot reach the person (``code="fallback_email"``) is re-planned as an email.
- Nothing is sent for an occurrence that is no longer open or no longer live (its task or milestone cancelled,
  its plan unpublished: models.live), or whose due date moved since planning.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Contact, Delivery, Occurrence, OccurrenceStatus
from models.bulk import insert_rows, insert_rows_returning
from notifiers.base import Message, Notifier, NotifierError, SendResult
from scheduler.claims import REMINDERS, ClaimedReminder, claim_batch, reclaim_expired
from scheduler.compose import LinkSettings, OccurrenceText, digest_message, single_message
from scheduler.occurrence_cache import OccurrenceCache
from scheduler.pipeline import Pipeline, loop_factory

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class DispatchConfig:
    concurrency: int = 20  # sends in flight at once: also the most a kill can make send twice
    claim_size: int = 100  # reminders claimed (and prepared) per transaction: fewer, larger claims cost less
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


@dataclass(frozen=True)
class Job:
    """A claimed reminder ready to send: plain values only, so sending and recording never touch a session
    that another step (in another thread) is using."""

    reminder_id: int
    delivery_id: int
    channel: str
    attempts: int
    message: Message
    fallback: dict[str, Any] | None  # the outbox row of an email fallback, for a non-email reminder


Outcome = tuple[SendResult | NotifierError, float]


def backoff(attempts: int, config: DispatchConfig, rng: random.Random | None = None) -> timedelta:
    """Delay before attempt ``attempts + 1``: base · 2^(attempts-1), capped, times a jitter in [0.5, 1]."""
    raw = config.backoff_base * (2 ** max(attempts - 1, 0))
    jitter = (rng or random).uniform(0.5, 1.0)  # spreads the retries of a whole batch after an outage
    return min(raw, config.backoff_cap) * jitter


class Dispatcher:
    """Sends due reminders through ``notifiers`` (channel → Notifier). One instance per worker."""

    def __init__(self, factory: sessionmaker[Session], notifiers: Mapping[str, Notifier], links: LinkSettings,
                 clock: Clock, config: DispatchConfig | None = None, worker: str = "worker",
                 rng: random.Random | None = None) -> None:
        self.factory, self.notifiers, self.links, self.clock = factory, notifiers, links, clock
        self.config, self.worker, self.rng = config or DispatchConfig(), worker, rng or random.Random()
        self.occurrences = OccurrenceCache(links.host)

    def run(self) -> DispatchStats:
        """Dispatch until nothing is due at ``clock()``. Blocking."""
        with asyncio.Runner(loop_factory=loop_factory()) as runner:
            return runner.run(self.run_async())

    async def run_async(self) -> DispatchStats:
        """Keep ``concurrency`` sends on the wire until nothing is due; see ``scheduler.pipeline``."""
        stats = DispatchStats(reclaimed=self._reclaim())
        try:
            await Pipeline(self, stats).run()
        finally:
            await self._close_notifiers()
        return stats

    def _reclaim(self) -> int:
        with self.factory() as session:
            return reclaim_expired(session, self.clock(), self.config.lease)

    async def _close_notifiers(self) -> None:
        """Release pooled connections: they belong to this event loop, which ends with ``run``."""
        for notifier in {id(n): n for n in self.notifiers.values()}.values():
            close = getattr(notifier, "aclose", None)
            if close is not None:
                await close()

    def claim_and_prepare(self, stats: DispatchStats) -> list[Job] | None:
        """Claim a batch, build its messages and commit the claim with its "sending" Delivery rows, before
        anything leaves (docs/architecture.md). None when nothing is due; [] when every claimed row was cancelled."""
        with self.factory() as session:
            now = self.clock()
            claimed = claim_batch(session, now, self.worker, self.config.claim_size)
            if not claimed:
                return None
            stats.claimed += len(claimed)
            built = self._build_all(session, claimed, now, stats)
            jobs = []
            if built:
                deliveries = dict(insert_rows_returning(session.connection(), DELIVERIES, [
                    {"reminder_id": r.id, "channel": r.channel, "status": "sending", "permanent": False,
                     "created_at": now} for r, _ in built], ("reminder_id", "id")))
                jobs = [Job(r.id, deliveries[r.id], r.channel, r.attempts, message, _fallback_row(r))
                        for r, message in built]
            session.commit()
        return jobs

    def _build_all(self, session: Session, claimed: list[ClaimedReminder], now: datetime,
                   stats: DispatchStats) -> list[tuple[ClaimedReminder, Message]]:
        """The message of each claimed reminder; the ones that must not be sent are cancelled (not committed)."""
        occurrence_ids = {r.occurrence_id for r in claimed if r.occurrence_id}
        for r in claimed:
            if r.occurrence_id is None:
                occurrence_ids.update(i["occurrence_id"] for i in r.payload.get("items", []))
        occurrences = self.occurrences.get(session, occurrence_ids)
        contacts = {c.id: c for c in session.execute(select(*_CONTACT_COLUMNS).where(
            Contact.id.in_({r.contact_id for r in claimed})))}
        built, cancelled = [], []
        for reminder in claimed:
            reason, message = self._build(reminder, occurrences, contacts.get(reminder.contact_id), now)
            if message is None:
                cancelled.append({"rid": reminder.id, "reason": reason})
            else:
                built.append((reminder, message))
        if cancelled:
            session.execute(update(REMINDERS).where(REMINDERS.c.id == bindparam("rid"))
                            .values(status="cancelled", last_error=bindparam("reason")), cancelled)
            stats.cancelled += len(cancelled)
        return built

    def _build(self, reminder: ClaimedReminder, occurrences: dict[int, tuple[Occurrence, OccurrenceText]],
               contact: Row[Any] | None, now: datetime) -> tuple[str, Message | None]:
        if contact is None or not contact.active:
            return "the contact is inactive or deleted", None
        if reminder.attempts <= 1 and now - reminder.fire_at > self.config.stale_after:
            return f"stale: planned for {reminder.fire_at.isoformat()}, not sent before {now.isoformat()}", None
        if reminder.occurrence_id is None:
            return self._build_digest(reminder, occurrences, contact, now)
        occurrence, text = occurrences.get(reminder.occurrence_id, (None, None))
        if occurrence is None or text is None or occurrence.status != OccurrenceStatus.OPEN:
            return f"the occurrence is {occurrence.status if occurrence else 'deleted, cancelled or unpublished'}", None
        planned_due = reminder.payload.get("due")
        if planned_due and planned_due != occurrence.effective_due.isoformat():
            return f"the due date moved from {planned_due} to {occurrence.effective_due.isoformat()}", None
        return "", single_message(reminder, occurrence, contact, self.links, now, text)

    def _build_digest(self, reminder: ClaimedReminder, occurrences: dict[int, tuple[Occurrence, OccurrenceText]],
                      contact: Row[Any], now: datetime) -> tuple[str, Message | None]:
        items = []
        for item in reminder.payload.get("items", []):
            occurrence = occurrences.get(item["occurrence_id"], (None, None))[0]
            if occurrence is not None and occurrence.status == OccurrenceStatus.OPEN \
                    and occurrence.effective_due.isoformat() == item["due"]:
                items.append((item, occurrence))
        if not items:
            return "every item of the digest is done, cancelled or moved", None
        day = date.fromisoformat(reminder.payload["day"])
        return "", digest_message(reminder, items, contact, self.links, day, now)

    async def send(self, job: Job) -> Outcome:
        started = time.perf_counter()
        notifier = self.notifiers.get(job.channel)
        try:
            if notifier is None:
                raise NotifierError(f"channel {job.channel} is not configured", permanent=True,
                                    code="fallback_email")
            outcome: SendResult | NotifierError = await notifier.send(job.message)
        except NotifierError as e:
            outcome = e
        except Exception as e:  # a bug in one channel must not lose the other results
            log.exception("notifier %s crashed on reminder %s", job.channel, job.reminder_id)
            outcome = NotifierError(f"{type(e).__name__}: {e}", permanent=False, code="transient")
        return outcome, time.perf_counter() - started

    def record(self, results: list[tuple[Job, Outcome]], stats: DispatchStats) -> None:
        """Store the outcome of each send on its Reminder and Delivery rows, in one transaction.

        Rows are updated by primary key with one executemany per kind of change, not loaded: this runs for
        every reminder, and how long it takes is how long a kill's duplicate window stays open.
        """
        now = self.clock()
        sent, failed, deliveries, fallbacks = [], [], [], []
        for job, (outcome, elapsed) in results:
            delivery = {"did": job.delivery_id, "finished_at": now, "duration_ms": int(elapsed * 1000)}
            if isinstance(outcome, SendResult):
                deliveries.append({**delivery, "status": "sent", "provider_message_id": outcome.provider_message_id,
                                   "error": None, "permanent": False})
                sent.append({"rid": job.reminder_id})
                stats.sent += 1
                continue
            deliveries.append({**delivery, "status": "failed", "provider_message_id": None, "error": str(outcome),
                               "permanent": outcome.permanent})
            stats.errors.append(f"reminder {job.reminder_id} ({job.channel}): {outcome}")
            failed.append({"rid": job.reminder_id, **self._after_failure(job, outcome, now, stats)})
            if outcome.code == "fallback_email" and job.fallback is not None:
                fallbacks.append({**job.fallback, "fire_at": now})
        # A plain connection, not a Session: nothing here needs the ORM, and a session costs a commit's worth.
        with self.factory.kw["bind"].begin() as connection:
            if sent:
                connection.execute(_MARK_SENT, [{**row, "sent_at": now} for row in sent])
            for retry, statement in ((False, _MARK_FAILED), (True, _MARK_RETRY)):
                rows = [{k: v for k, v in row.items() if k != "retry"} for row in failed if row["retry"] is retry]
                if rows:
                    connection.execute(statement, rows)
            connection.execute(_FINISH_DELIVERY, deliveries)
            insert_rows(connection, REMINDERS, fallbacks, skip_conflicts_on=("idempotency_key",))

    def _after_failure(self, job: Job, error: NotifierError, now: datetime, stats: DispatchStats) -> dict[str, Any]:
        """The reminder's new values after a failed send: stop for good, or retry after a backoff."""
        if error.permanent or error.code == "fallback_email" or job.attempts >= self.config.max_attempts:
            stats.failed += 1
            return {"retry": False, "permanent_failure": error.permanent, "last_error": str(error)}
        stats.retrying += 1
        return {"retry": True, "last_error": str(error),
                "next_attempt_at": now + backoff(job.attempts, self.config, self.rng)}


DELIVERIES = Delivery.__table__
_CONTACT_COLUMNS = (Contact.id, Contact.name, Contact.email, Contact.zalo_user_id, Contact.phone, Contact.active)
_MARK_SENT = update(REMINDERS).where(REMINDERS.c.id == bindparam("rid")) \
    .values(status="sent", sent_at=bindparam("sent_at"), last_error=None)
_MARK_FAILED = update(REMINDERS).where(REMINDERS.c.id == bindparam("rid")).values(
    status="failed", permanent_failure=bindparam("permanent_failure"), last_error=bindparam("last_error"))
# A retried reminder goes back to the pool unclaimed; a failed one keeps who claimed it, for the record.
_MARK_RETRY = update(REMINDERS).where(REMINDERS.c.id == bindparam("rid")).values(
    status="pending", claimed_at=None, claimed_by=None, last_error=bindparam("last_error"),
    next_attempt_at=bindparam("next_attempt_at"))
_FINISH_DELIVERY = update(DELIVERIES).where(DELIVERIES.c.id == bindparam("did")).values(
    status=bindparam("status"), provider_message_id=bindparam("provider_message_id"), error=bindparam("error"),
    permanent=bindparam("permanent"), finished_at=bindparam("finished_at"), duration_ms=bindparam("duration_ms"))


def _fallback_row(reminder: ClaimedReminder) -> dict[str, Any] | None:
    """The outbox row that reaches this person by email when a Zalo reminder cannot (planned on failure)."""
    if reminder.channel == "email":
        return None
    return {"idempotency_key": f"{reminder.idempotency_key}:email-fallback", "occurrence_id": reminder.occurrence_id,
            "contact_id": reminder.contact_id, "channel": "email", "kind": reminder.kind,
            "lead_days": reminder.lead_days, "status": "pending", "attempts": 0, "permanent_failure": False,
            "payload": reminder.payload}
