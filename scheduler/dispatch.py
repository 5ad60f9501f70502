"""Dispatch: claim due reminders, record a Delivery "sending", send, record the outcome.

Delivery guarantee — **at least once**, with a stable identity per reminder:

- A worker claims a batch with one conditional UPDATE (``WHERE status='pending' AND …``, plus
  ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and uses only the ids that UPDATE returned, so two workers
  never take the same row.
- Before any byte leaves, a Delivery row "sending" is committed for each claimed reminder.
- A claim older than the lease (``DispatchConfig.lease``) is handed back to ``pending`` and sent again: this
  is crash recovery. The price is the **in-flight window**: a process killed after the provider accepted a
  message but before the "sent" commit leaves that reminder claimed, so it is sent a second time after the
  lease. At most ``concurrency`` reminders (the sends in flight) can repeat per kill. Every resend carries
  the same Message-ID / ZNS tracking_id (derived from the idempotency key), so mail clients and Zalo can
  recognise the duplicate.
- **Nothing is given up while it matters.** Transient failures go back to ``pending`` with exponential
  backoff (capped at ``backoff_cap``, 30 minutes, with jitter) for as long as the reminder is useful: until
  ``payload.useful_until``, the end of its last overdue/escalation day (scheduler.outbox). Only two things end
  a reminder unsent, each with a Vietnamese reason for the admin (``last_error``): that time passing, or a
  permanent error with no channel left.
- **One message per person per reminder.** A permanent error on one channel (SMTP 5xx, Zalo "not on Zalo",
  a broken Zalo credential, an unconfigured channel) moves the SAME row to the person's next channel
  (scheduler.routing): same idempotency key, same Message-ID. A bounce (a permanent recipient error) also
  switches that channel off for the contact (``Contact.channel_blocks``) until an admin turns it back on;
  a reminder whose every channel is off is held (pending, retried hourly) with the reason shown.
- Nothing is sent for an occurrence that is no longer open or no longer live (its task or milestone cancelled,
  its plan unpublished: models.live), or whose due date moved since planning.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Contact, Delivery, Occurrence, OccurrenceStatus
from models.bulk import insert_rows_returning
from notifiers.base import Message, Notifier, NotifierError, SendResult
from scheduler import outages
from scheduler.alerts import AdminAlerts
from scheduler.claims import (
    REMINDERS,
    ClaimedReminder,
    Reclaimed,
    claim_batch,
    reclaim_expired,
    renew_claims,
)
from scheduler.compose import LinkSettings, OccurrenceText, digest_message, single_message
from scheduler.leases import Fence, dead_on_this_host
from scheduler.occurrence_cache import OccurrenceCache
from scheduler.pipeline import Pipeline, loop_factory
from scheduler.routing import CHANNEL_NAMES, blocked, next_channel, route

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class DispatchConfig:
    concurrency: int = 20  # sends in flight at once: also the most a kill can make send twice
    claim_size: int = 100  # reminders claimed (and prepared) per transaction: fewer, larger claims cost less
    # A claim not renewed for this long belongs to a dead worker: reclaimed by the next pass (the scheduler
    # ticks every minute), so a crash delays its claimed reminders by about a minute, not ten.
    lease: timedelta = timedelta(seconds=45)
    heartbeat: float = 15.0  # seconds between two renewals of this worker's claims (well inside the lease)
    backoff_base: timedelta = timedelta(minutes=1)
    backoff_cap: timedelta = timedelta(minutes=30)  # longest wait between two tries: how late after an outage
    stale_after: timedelta = timedelta(days=3)  # a first attempt this late is pointless: cancel it
    useful_for: timedelta = timedelta(days=14)  # rows planned before ``useful_until`` existed: fire_at + this
    hold_for: timedelta = timedelta(hours=1)  # a reminder with every channel switched off looks again after this
    outage_alert_after: timedelta = timedelta(hours=1)  # a channel down longer than this alerts the admin


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    reclaimed: int = 0
    possible_duplicates: int = 0  # "sending" rows of a dead worker, resent: the provider may already have them
    rerouted: int = 0  # moved to the person's next channel
    held: int = 0  # every channel of the person is switched off
    expired: int = 0  # still failing when it stopped mattering
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
    contact: Any  # the contact's channel columns (a Row): where to go next if this channel fails
    useful_until: datetime


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
                 rng: random.Random | None = None, alerts: AdminAlerts | None = None,
                 fence: Fence | None = None) -> None:
        self.factory, self.notifiers, self.links, self.clock = factory, notifiers, links, clock
        self.config, self.worker, self.rng = config or DispatchConfig(), worker, rng or random.Random()
        self.occurrences = OccurrenceCache(links.host)
        self.alerts = alerts or AdminAlerts()
        self.fence = fence  # the scheduler's leadership: every claim is conditional on it (scheduler.leases)

    def run(self) -> DispatchStats:
        """Dispatch until nothing is due at ``clock()``. Blocking."""
        with asyncio.Runner(loop_factory=loop_factory()) as runner:
            return runner.run(self.run_async())

    async def run_async(self) -> DispatchStats:
        """Keep ``concurrency`` sends on the wire until nothing is due; see ``scheduler.pipeline``."""
        reclaimed = self._reclaim()
        stats = DispatchStats(reclaimed=reclaimed.reminders, possible_duplicates=reclaimed.unknown)
        if reclaimed.reminders:
            log.warning("reclaimed %d reminders of a stopped worker; %d were being sent (possible duplicates, same "
                        "Message-ID)", reclaimed.reminders, reclaimed.unknown)
        try:
            await Pipeline(self, stats).run()
            await self.alerts.after_pass(self.factory, self.notifiers.get("email"), self.clock(),
                                         self.config.outage_alert_after)
        finally:
            await self._close_notifiers()
        return stats

    def _reclaim(self) -> Reclaimed:
        with self.factory() as session:
            return reclaim_expired(session, self.clock(), self.config.lease, dead_on_this_host)

    def renew(self) -> int:
        """The heartbeat: keep this worker's claims leased while it works."""
        with self.factory.kw["bind"].begin() as connection:
            return renew_claims(connection, self.worker, self.clock())

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
            claimed = claim_batch(session, now, self.worker, self.config.claim_size, self.fence)
            if not claimed:
                return None
            stats.claimed += len(claimed)
            contacts = {c.id: c for c in session.execute(select(*_CONTACT_COLUMNS).where(
                Contact.id.in_({r.contact_id for r in claimed})))}
            built = self._build_all(session, claimed, contacts, now, stats)
            jobs = []
            if built:
                deliveries = dict(insert_rows_returning(session.connection(), DELIVERIES, [
                    {"reminder_id": r.id, "channel": r.channel, "status": "sending", "permanent": False,
                     "created_at": now} for r, _ in built], ("reminder_id", "id")))
                jobs = [Job(r.id, deliveries[r.id], r.channel, r.attempts, message, contacts[r.contact_id],
                            self._useful_until(r)) for r, message in built]
            session.commit()
        return jobs

    def _useful_until(self, reminder: ClaimedReminder) -> datetime:
        useful = reminder.payload.get("useful_until")
        return datetime.fromisoformat(useful) if useful else reminder.fire_at + self.config.useful_for

    def _build_all(self, session: Session, claimed: list[ClaimedReminder], contacts: dict[int, Row[Any]],
                   now: datetime, stats: DispatchStats) -> list[tuple[ClaimedReminder, Message]]:
        """The message of each claimed reminder; the ones that must not be sent are cancelled (not committed)."""
        occurrence_ids = {r.occurrence_id for r in claimed if r.occurrence_id}
        for r in claimed:
            if r.occurrence_id is None:
                occurrence_ids.update(i["occurrence_id"] for i in r.payload.get("items", []))
        occurrences = self.occurrences.get(session, occurrence_ids)
        built, cancelled, moved, held, expired = [], [], [], [], []
        for reminder in claimed:
            contact = contacts.get(reminder.contact_id)
            reason, message = self._build(reminder, occurrences, contact, now)
            if message is None:
                cancelled.append({"rid": reminder.id, "reason": reason})
                continue
            if now >= self._useful_until(reminder):
                expired.append({"rid": reminder.id, "reason": _expired_reason(reminder.channel, self._useful_until(
                    reminder), reminder.last_error)})
                continue
            usable = route(contact)
            if reminder.channel not in usable:  # switched off (a bounce), or its address was removed
                if not usable:
                    held.append({"rid": reminder.id, "reason": _held_reason(contact),
                                 "next_attempt_at": min(now + self.config.hold_for, self._useful_until(reminder))})
                    continue
                reminder = replace(reminder, channel=usable[0])
                moved.append({"rid": reminder.id, "channel": usable[0]})
            built.append((reminder, message))
        if moved:
            session.execute(update(REMINDERS).where(REMINDERS.c.id == bindparam("rid"))
                            .values(channel=bindparam("channel")), moved)
        if held:
            session.execute(_HOLD, held)
            stats.held += len(held)
        if expired:
            session.execute(update(REMINDERS).where(REMINDERS.c.id == bindparam("rid"))
                            .values(status="failed", last_error=bindparam("reason")), expired)
            stats.expired += len(expired)
        if cancelled:
            session.execute(update(REMINDERS).where(REMINDERS.c.id == bindparam("rid"))
                            .values(status="cancelled", last_error=bindparam("reason")), cancelled)
            stats.cancelled += len(cancelled)
        return built

    def _build(self, reminder: ClaimedReminder, occurrences: dict[int, tuple[Occurrence, OccurrenceText]],
               contact: Row[Any] | None, now: datetime) -> tuple[str, Message | None]:
        if contact is None or not contact.active:
            return "Người nhận đã bị xóa hoặc ngừng hoạt động.", None
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
                raise NotifierError(f"channel {job.channel} is not configured", permanent=True, code="config")
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
        sent, deliveries = [], []
        after = _AfterFailures(self, now, stats)
        healthy: set[str] = set()
        for job, (outcome, elapsed) in results:
            delivery = {"did": job.delivery_id, "finished_at": now, "duration_ms": int(elapsed * 1000)}
            if isinstance(outcome, SendResult):
                deliveries.append({**delivery, "status": "sent", "provider_message_id": outcome.provider_message_id,
                                   "error": None, "permanent": False})
                sent.append({"rid": job.reminder_id})
                healthy.add(job.channel)
                stats.sent += 1
                continue
            deliveries.append({**delivery, "status": "failed", "provider_message_id": None, "error": str(outcome),
                               "permanent": outcome.permanent})
            stats.errors.append(f"reminder {job.reminder_id} ({job.channel}): {outcome}")
            after.add(job, outcome)
        # A plain connection, not a Session: nothing here needs the ORM, and a session costs a commit's worth.
        with self.factory.kw["bind"].begin() as connection:
            if sent:
                connection.execute(_MARK_SENT, [{**row, "sent_at": now} for row in sent])
            after.write(connection)
            connection.execute(_FINISH_DELIVERY, deliveries)
            for channel in healthy:
                outages.note_success(connection, channel, now)
            for channel, error in after.down.items():
                if channel not in healthy:
                    outages.note_failure(connection, channel, now, error)


class _AfterFailures:
    """What a batch's failed sends change: retries, moves to the next channel, switched-off channels, ends."""

    def __init__(self, dispatcher: Dispatcher, now: datetime, stats: DispatchStats) -> None:
        self.d, self.now, self.stats = dispatcher, now, stats
        self.retry: list[dict[str, Any]] = []
        self.moved: list[dict[str, Any]] = []
        self.failed: list[dict[str, Any]] = []
        self.blocks: dict[tuple[int, str], str] = {}  # (contact, channel) → why it was switched off
        self.down: dict[str, str] = {}  # channel → its latest transient error (an outage, unless it also delivered)

    def add(self, job: Job, error: NotifierError) -> None:
        if not error.permanent and error.code != "fallback_email":  # passing trouble: the same channel, later
            self._retry(job, error)
            return
        if _is_bounce(error):
            self.blocks[(job.contact.id, job.channel)] = _block_reason(job.channel, error, self.now)
        gone = [c for (cid, c) in self.blocks if cid == job.contact.id]
        following = next_channel(job.contact, job.channel, also_blocked=gone)
        if following is not None:
            self.stats.rerouted += 1
            self.moved.append({"rid": job.reminder_id, "channel": following,
                               "last_error": f"{CHANNEL_NAMES.get(job.channel, job.channel)}: {error}"})
            return
        self.stats.failed += 1
        self.failed.append({"rid": job.reminder_id, "permanent_failure": True,
                            "last_error": _no_channel_reason(job.channel, error)})

    def _retry(self, job: Job, error: NotifierError) -> None:
        if error.code in (None, "transient"):
            self.down[job.channel] = str(error)
        at = self.now + backoff(job.attempts, self.d.config, self.d.rng)
        if at >= job.useful_until:
            self.stats.expired += 1
            self.failed.append({"rid": job.reminder_id, "permanent_failure": False,
                                "last_error": _expired_reason(job.channel, job.useful_until, str(error))})
            return
        self.stats.retrying += 1
        self.retry.append({"rid": job.reminder_id, "last_error": str(error), "next_attempt_at": at})

    def write(self, connection: Any) -> None:
        for rows, statement in ((self.failed, _MARK_FAILED), (self.retry, _MARK_RETRY), (self.moved, _MOVE)):
            if rows:
                connection.execute(statement, rows)
        if self.blocks:
            block_channels(connection, self.blocks)


def block_channels(connection: Any, blocks: dict[tuple[int, str], str]) -> None:
    """Switch channels off for contacts (a bounce): read-modify-write of the small JSON map, rare by nature."""
    contacts = Contact.__table__
    for contact_id in {cid for cid, _ in blocks}:
        current = connection.execute(select(contacts.c.channel_blocks).where(contacts.c.id == contact_id)).scalar()
        updated = dict(current or {})
        for (cid, channel), reason in blocks.items():
            if cid == contact_id:
                updated[channel] = {"reason": reason}
        connection.execute(update(contacts).where(contacts.c.id == contact_id).values(channel_blocks=updated))


def _is_bounce(error: NotifierError) -> bool:
    """A permanent error about this recipient on this channel (not our configuration or credentials)."""
    return error.permanent and error.code in (None, "recipient", "fallback_email", "permanent")


def _block_reason(channel: str, error: NotifierError, now: datetime) -> str:
    return f"Tắt kênh {CHANNEL_NAMES.get(channel, channel)} ngày {now:%d/%m/%Y %H:%M} UTC vì lỗi vĩnh viễn: {error}"


def _no_channel_reason(channel: str, error: NotifierError) -> str:
    return (f"Không gửi được: lỗi vĩnh viễn trên kênh {CHANNEL_NAMES.get(channel, channel)} ({error}) "
            "và người nhận không còn kênh nào khác.")


def _expired_reason(channel: str, useful_until: datetime, error: str | None) -> str:
    last = f" Lỗi cuối: {error}" if error else ""
    return (f"Đã ngừng gửi: nhắc việc không còn ý nghĩa sau {useful_until:%d/%m/%Y %H:%M} UTC "
            f"(kênh {CHANNEL_NAMES.get(channel, channel)}).{last}")


def _held_reason(contact: Any) -> str:
    why = "; ".join(f"{CHANNEL_NAMES.get(c, c)}: {b.get('reason', '')}" for c, b in blocked(contact).items())
    return (f"Tạm giữ: mọi kênh của người nhận đang bị tắt ({why or 'không có địa chỉ nào'}). "
            "Bật lại kênh trên trang liên hệ.")


DELIVERIES = Delivery.__table__
_CONTACT_COLUMNS = (Contact.id, Contact.name, Contact.email, Contact.zalo_user_id, Contact.phone, Contact.active,
                    Contact.channels, Contact.channel_blocks)
_MARK_SENT = update(REMINDERS).where(REMINDERS.c.id == bindparam("rid")) \
    .values(status="sent", sent_at=bindparam("sent_at"), last_error=None)
_MARK_FAILED = update(REMINDERS).where(REMINDERS.c.id == bindparam("rid")).values(
    status="failed", permanent_failure=bindparam("permanent_failure"), last_error=bindparam("last_error"))
# A retried reminder goes back to the pool unclaimed; a failed one keeps who claimed it, for the record.
_MARK_RETRY = update(REMINDERS).where(REMINDERS.c.id == bindparam("rid")).values(
    status="pending", claimed_at=None, claimed_by=None, last_error=bindparam("last_error"),
    next_attempt_at=bindparam("next_attempt_at"))
# Same row, next channel, due now: the idempotency key (hence the Message-ID) stays the reminder's own.
_MOVE = update(REMINDERS).where(REMINDERS.c.id == bindparam("rid")).values(
    status="pending", channel=bindparam("channel"), claimed_at=None, claimed_by=None,
    last_error=bindparam("last_error"), next_attempt_at=None)
_HOLD = update(REMINDERS).where(REMINDERS.c.id == bindparam("rid")).values(
    status="pending", claimed_at=None, claimed_by=None, last_error=bindparam("reason"),
    next_attempt_at=bindparam("next_attempt_at"))
_FINISH_DELIVERY = update(DELIVERIES).where(DELIVERIES.c.id == bindparam("did")).values(
    status=bindparam("status"), provider_message_id=bindparam("provider_message_id"), error=bindparam("error"),
    permanent=bindparam("permanent"), finished_at=bindparam("finished_at"), duration_ms=bindparam("duration_ms"))
