"""Planning into the outbox: one Reminder row per (occurrence, recipient, channel, lead time).

Rows are inserted in batches with the dialect's ``INSERT … ON CONFLICT DO NOTHING`` on the unique
``idempotency_key``, so planning the same days twice (a restart, two passes, ``hanchot remind``) adds
nothing. The key also carries the effective due date: when an admin moves a deadline, the new date gets
its own reminders and the dispatcher cancels the old ones (their ``payload.due`` no longer matches).

Digest recipients get one row per (person, channel, day) listing the day's items in ``payload``; a
digest planned again while still pending takes the new item list (ON CONFLICT DO UPDATE … WHERE pending).
Occurrences are read in keyset pages so memory stays flat whatever the number of milestones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import Milestone, Occurrence, OccurrenceStatus, Plan, PlanStatus, Reminder, ReminderKind, Task
from scheduler.planning import Fire, IsWorkingDay, Rules, local_day, schedule
from scheduler.recipients import Directory, Recipient, assignments_by_task

RulesFor = Callable[[str | None, str | None], Rules]
PAYLOAD_VERSION = 1
# Fires lie within ~7 working days before and ~12 after the due date; 45 calendar days covers Tết too.
DUE_MARGIN = timedelta(days=45)


@dataclass
class PlanStats:
    occurrences: int = 0
    planned: int = 0
    inserted: int = 0
    digests: int = 0


def reminder_key(occurrence_id: int, due: date, contact_id: int, channel: str, offset: int) -> str:
    """The idempotency key of a per-occurrence reminder (stable across runs and processes)."""
    return f"o{occurrence_id}:d{due:%Y%m%d}:c{contact_id}:{channel}:{offset:+d}"


def digest_key(contact_id: int, channel: str, day: date) -> str:
    return f"digest:c{contact_id}:{channel}:{day:%Y%m%d}"


def plan_reminders(session: Session, now: datetime, is_working_day: IsWorkingDay, rules_for: RulesFor,
                   horizon_days: int = 2, page_size: int = 2000, commit: bool = True) -> PlanStats:
    """Insert the reminders that fire from the start of ``now``'s local day through ``horizon_days`` later.

    Commits after every page (only flushes with ``commit=False``, for a dry run the caller rolls back).
    Returns counts; ``inserted`` excludes rows that already existed.
    """
    finish = session.commit if commit else session.flush
    default_rules = rules_for(None, None)
    first_day = local_day(now, default_rules.timezone)
    last_day = first_day + timedelta(days=horizon_days)
    directory = Directory(session)
    cached_schedule = lru_cache(maxsize=4096)(lambda due, rules: schedule(due, rules, is_working_day))
    stats, digests, last_id = PlanStats(), _Digests(), 0
    while True:
        page = session.execute(_open_occurrences(first_day - DUE_MARGIN, last_day + DUE_MARGIN, last_id, page_size))
        page_rows = page.all()
        if not page_rows:
            break
        last_id = page_rows[-1].id
        assignments = assignments_by_task(session, {r.task_id for r in page_rows})
        rows: list[dict[str, Any]] = []
        for occ in page_rows:
            stats.occurrences += 1
            for recipient, fire, rules in _fires(occ, assignments.get(occ.task_id, []), directory, rules_for,
                                                 cached_schedule):
                if first_day <= fire.day <= last_day:
                    _route(occ, recipient, fire, rules, rows, digests)
        stats.planned += len(rows)
        stats.inserted += insert_reminders(session, rows)
        finish()
    digest_rows = digests.rows()
    stats.planned += len(digest_rows)
    stats.digests = upsert_digests(session, digest_rows)
    finish()
    return stats


def _open_occurrences(low: date, high: date, after_id: int, limit: int) -> Any:
    return (select(Occurrence.id, Occurrence.effective_due, Task.id.label("task_id"), Plan.number.label("plan_number"))
            .join(Milestone, Occurrence.milestone_id == Milestone.id).join(Task, Milestone.task_id == Task.id)
            .join(Plan, Task.plan_id == Plan.id)
            .where(Plan.status == PlanStatus.PUBLISHED, Task.cancelled_at.is_(None), Milestone.cancelled_at.is_(None),
                   Occurrence.status == OccurrenceStatus.OPEN, Occurrence.effective_due.between(low, high),
                   Occurrence.id > after_id)
            .order_by(Occurrence.id).limit(limit))


def _fires(occ: Any, assignments: list[tuple[int, str]], directory: Directory, rules_for: RulesFor,
           cached_schedule: Callable[[date, Rules], list[Fire]]) -> list[tuple[Recipient, Fire, Rules]]:
    task_rules = rules_for(occ.plan_number, None)
    people = directory.recipients(assignments, task_rules.include_support)
    heads = None
    out = []
    for recipient in people:
        rules = rules_for(occ.plan_number, directory.agency_names.get(recipient.agency_id))
        for fire in cached_schedule(occ.effective_due, rules):
            if fire.kind != ReminderKind.ESCALATION:
                out.append((recipient, fire, rules))
    for fire in cached_schedule(occ.effective_due, task_rules):
        if fire.kind == ReminderKind.ESCALATION:
            if heads is None:
                heads = directory.escalation_recipients((a for a, role in assignments if role == "lead"),
                                                       task_rules.escalate_to)
            out.extend((head, fire, task_rules) for head in heads)
    return out


class _Digests:
    """Digest items grouped by (person, channel, day), across pages."""

    def __init__(self) -> None:
        self.items: dict[tuple[int, str, date], list[dict[str, Any]]] = defaultdict(list)
        self.fire_at: dict[tuple[int, str, date], datetime] = {}

    def add(self, contact_id: int, channel: str, fire: Fire, item: dict[str, Any]) -> None:
        key = (contact_id, channel, fire.day)
        self.items[key].append(item)
        self.fire_at.setdefault(key, fire.at)

    def rows(self) -> list[dict[str, Any]]:
        return [{"idempotency_key": digest_key(c, ch, day), "occurrence_id": None, "contact_id": c, "channel": ch,
                 "kind": ReminderKind.DIGEST.value, "lead_days": None, "fire_at": self.fire_at[(c, ch, day)],
                 "status": "pending", "attempts": 0, "permanent_failure": False,
                 "payload": {"version": PAYLOAD_VERSION, "day": day.isoformat(),
                             "items": sorted(items, key=lambda i: (i["due"], i["occurrence_id"]))}}
                for (c, ch, day), items in sorted(self.items.items())]


def _route(occ: Any, recipient: Recipient, fire: Fire, rules: Rules, rows: list[dict[str, Any]],
           digests: _Digests) -> None:
    person = recipient.person
    for channel in person.channels:
        if (person.digest or rules.digest) and fire.kind != ReminderKind.ESCALATION:
            digests.add(person.id, channel, fire, {"occurrence_id": occ.id, "kind": fire.kind, "offset": fire.offset,
                                                  "due": occ.effective_due.isoformat()})
            continue
        rows.append({
            "idempotency_key": reminder_key(occ.id, occ.effective_due, person.id, channel, fire.offset),
            "occurrence_id": occ.id, "contact_id": person.id, "channel": channel, "kind": fire.kind,
            "lead_days": fire.offset, "fire_at": fire.at, "status": "pending", "attempts": 0,
            "permanent_failure": False,
            "payload": {"version": PAYLOAD_VERSION, "due": occ.effective_due.isoformat(),
                        "agency_id": recipient.agency_id, "role": recipient.role},
        })


def _dialect_insert(session: Session) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return pg_insert(Reminder)
    if name == "sqlite":
        return sqlite_insert(Reminder)
    return insert(Reminder)


def insert_reminders(session: Session, rows: list[dict[str, Any]], chunk: int = 1000) -> int:
    """Insert ``rows`` skipping existing idempotency keys; return how many were new. Does not commit."""
    inserted = 0
    for start in range(0, len(rows), chunk):
        stmt = _dialect_insert(session).on_conflict_do_nothing(index_elements=["idempotency_key"])
        result = session.execute(stmt.returning(Reminder.id), rows[start:start + chunk])
        inserted += len(result.all())
    return inserted


def upsert_digests(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert digests, or refresh the item list of one not yet claimed. Return rows inserted or refreshed."""
    if not rows:
        return 0
    stmt = _dialect_insert(session)
    stmt = stmt.on_conflict_do_update(index_elements=["idempotency_key"], set_={"payload": stmt.excluded.payload},
                                      where=Reminder.status == "pending")
    return len(session.execute(stmt.returning(Reminder.id), rows).all())
