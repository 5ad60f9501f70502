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
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import (
    Assignment,
    Milestone,
    Occurrence,
    OccurrenceStatus,
    Plan,
    Reminder,
    ReminderKind,
    Task,
)
from models.bulk import insert_rows
from models.live import LIVE_TASK, MILESTONE_KEPT
from scheduler.planning import Fire, IsWorkingDay, Rules, local_day, local_instant, schedule
from scheduler.recipients import Directory, Recipient

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
                   horizon_days: int = 2, page_size: int = 5000, batch_rows: int = 10000,
                   commit: bool = True) -> PlanStats:
    """Insert the reminders that fire from the start of ``now``'s local day through ``horizon_days`` later.

    Inserts and commits once ``batch_rows`` rows are pending (only flushes with ``commit=False``, for a
    dry run the caller rolls back). Returns counts; ``inserted`` excludes rows that already existed.
    """
    default_rules = rules_for(None, None)
    first_day = local_day(now, default_rules.timezone)
    last_day = first_day + timedelta(days=horizon_days)
    directory = Directory(session)
    live = live_tasks(session)
    fanout = _Fanout(directory, rules_for, is_working_day, first_day, last_day)
    stats, digests = PlanStats(), _Digests()
    rows: list[dict[str, Any]] = []
    with _Writer(session, commit) as writer:
        for page_rows in _pages(session, first_day - DUE_MARGIN, last_day + DUE_MARGIN, page_size):
            for occ in page_rows:
                task = live.get(occ.task_id)
                if task is None:
                    continue
                stats.occurrences += 1
                for recipient, fire, rules in fanout.fires(occ, *task):
                    _route(occ, recipient, fire, fanout.useful_until(occ.effective_due, rules), rules, rows, digests)
            if len(rows) >= batch_rows:
                stats.planned += len(rows)
                writer.write(rows)
                rows = []
        stats.planned += len(rows)
        writer.write(rows)
    stats.inserted = writer.inserted
    digest_rows = digests.rows()
    stats.planned += len(digest_rows)
    stats.digests = upsert_digests(session, digest_rows)
    _end_batch(session, commit)
    return stats


def _end_batch(session: Session, commit: bool) -> None:
    """Commit what the session wrote, or only flush it for a dry run the caller rolls back."""
    if commit:
        session.commit()
    else:
        session.flush()


class _Writer:
    """Inserts batches of reminder rows, each batch committed on its own.

    On PostgreSQL with ``commit``, batches go on a second connection from a helper thread, so the server
    checks and indexes one batch while this thread builds the next (psycopg waits without the GIL). At
    most one batch is being written while the next is built, so memory stays bounded. Elsewhere (SQLite
    in-process, or a dry run inside the caller's transaction) batches go through the session in turn.
    """

    def __init__(self, session: Session, commit: bool) -> None:
        self.session, self.commit, self.inserted = session, commit, 0
        bind = session.get_bind()
        self.engine = bind if commit and bind.dialect.name == "postgresql" else None
        self.pool: ThreadPoolExecutor | None = None
        self.pending: Future[int] | None = None

    def __enter__(self) -> _Writer:
        if self.engine is not None:
            self.session.commit()  # what the session wrote must be visible to the writer's connection
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hanchot-outbox")
        return self

    def write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.pool is None:
            self.inserted += insert_reminders(self.session, rows)
            _end_batch(self.session, self.commit)
            return
        self._wait()
        self.pending = self.pool.submit(self._insert_apart, rows)

    def _insert_apart(self, rows: list[dict[str, Any]]) -> int:
        assert self.engine is not None
        with self.engine.begin() as connection:
            return _insert_new(connection, rows)

    def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.inserted += pending.result()

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self._wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)


Assignments = tuple[tuple[int, str], ...]  # sorted (agency_id, role) pairs of one task


def live_tasks(session: Session) -> dict[int, tuple[str | None, Assignments]]:
    """``task_id → (plan number, assignments)`` of the live tasks (``models.live.LIVE_TASK``): the only ones
    reminded; ``_pages`` adds the milestone's and the occurrence's part of the rule.

    Read once per pass (two small queries) so that the occurrence pages join only two tables: a four-table
    join planned without statistics (right after a big import) was measured 100× slower, and fetching the
    assignments page by page cost a third of the pass. Equal assignment tuples are shared (memory stays small).
    """
    numbers = dict(session.execute(select(Task.id, Plan.number).join(Plan, Task.plan_id == Plan.id)
                                   .where(*LIVE_TASK)).all())
    pairs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, agency_id, role in session.execute(
            select(Assignment.task_id, Assignment.agency_id, Assignment.role).join(Task, Assignment.task_id == Task.id)
            .join(Plan, Task.plan_id == Plan.id).where(*LIVE_TASK)):
        pairs[task_id].append((agency_id, role))
    shared: dict[Assignments, Assignments] = {}
    out: dict[int, tuple[str | None, Assignments]] = {}
    for task_id, number in numbers.items():
        key = tuple(sorted(pairs.pop(task_id, ())))
        out[task_id] = (number, shared.setdefault(key, key))
    return out


def _pages(session: Session, low: date, high: date, limit: int) -> Iterator[list[Any]]:
    """Open occurrences due between ``low`` and ``high``, day by day, in id pages (memory stays flat)."""
    day = low
    while day <= high:
        last_id = 0
        while True:
            rows = session.execute(
                select(Occurrence.id, Occurrence.effective_due, Milestone.task_id)
                .join(Milestone, Occurrence.milestone_id == Milestone.id)
                .where(Occurrence.effective_due == day, Occurrence.status == OccurrenceStatus.OPEN,
                       MILESTONE_KEPT, Occurrence.id > last_id)
                .order_by(Occurrence.id).limit(limit)).all()
            if rows:
                yield rows
            if len(rows) < limit:
                break
            last_id = rows[-1].id
        day += timedelta(days=1)


class _Fanout:
    """Who hears about an occurrence and when, with the caches that make 100,000 occurrences cheap.

    Tasks share assignment sets and occurrences share due dates, so recipients, rules and the fires
    inside the window are computed once per distinct key, not once per occurrence.
    """

    def __init__(self, directory: Directory, rules_for: RulesFor, is_working_day: IsWorkingDay, first_day: date,
                 last_day: date) -> None:
        self.directory, self.rules_for, self.is_working_day = directory, rules_for, is_working_day
        self.first_day, self.last_day = first_day, last_day
        self._people: dict[tuple[Any, ...], list[tuple[Recipient, Rules]]] = {}
        self._heads: dict[tuple[Any, ...], list[Recipient]] = {}
        self._window: dict[tuple[date, int], list[Fire]] = {}
        self._rules: dict[tuple[str | None, int | None], Rules] = {}
        self._useful: dict[tuple[date, int], str] = {}

    def rules(self, plan_number: str | None, agency_id: int | None) -> Rules:
        key = (plan_number, agency_id)
        if key not in self._rules:
            self._rules[key] = self.rules_for(plan_number, self.directory.agency_names.get(agency_id or -1))
        return self._rules[key]

    def window(self, due: date, rules: Rules) -> list[Fire]:
        key = (due, id(rules))  # rules objects are cached above, so their id is stable for this pass
        if key not in self._window:
            self._window[key] = [f for f in schedule(due, rules, self.is_working_day)
                                 if self.first_day <= f.day <= self.last_day]
        return self._window[key]

    def useful_until(self, due: date, rules: Rules) -> str:
        """Until when a reminder of this due date still matters (ISO, UTC): the end of the local day of its last
        overdue reminder or escalation (policy.toml's ``overdue_every`` × ``overdue_times``). The dispatcher
        retries a failing send until then, and no longer."""
        key = (due, -id(rules))
        if key not in self._useful:
            last = max((f.day for f in schedule(due, rules, self.is_working_day)), default=due)
            end = local_instant(last + timedelta(days=1), time(0, 0), rules.timezone)
            self._useful[key] = end.isoformat()
        return self._useful[key]

    def fires(self, occ: Any, plan_number: str | None, assignments: Assignments) -> list[tuple[Recipient, Fire, Rules]]:
        task_rules = self.rules(plan_number, None)
        key = (plan_number, assignments)
        if key not in self._people:
            people = self.directory.recipients(assignments, task_rules.include_support)
            self._people[key] = [(r, self.rules(plan_number, r.agency_id)) for r in people]
        out = [(recipient, fire, rules) for recipient, rules in self._people[key]
               for fire in self.window(occ.effective_due, rules) if fire.kind != ReminderKind.ESCALATION]
        for fire in self.window(occ.effective_due, task_rules):
            if fire.kind == ReminderKind.ESCALATION:
                if key not in self._heads:
                    self._heads[key] = self.directory.escalation_recipients(
                        (a for a, role in assignments if role == "lead"), task_rules.escalate_to)
                out.extend((head, fire, task_rules) for head in self._heads[key])
        return out


class _Digests:
    """Digest items grouped by (person, channel, day), across pages."""

    def __init__(self) -> None:
        self.items: dict[tuple[int, str, date], list[dict[str, Any]]] = defaultdict(list)
        self.fire_at: dict[tuple[int, str, date], datetime] = {}
        self.useful: dict[tuple[int, str, date], str] = {}

    def add(self, contact_id: int, channel: str, fire: Fire, item: dict[str, Any], useful_until: str) -> None:
        key = (contact_id, channel, fire.day)
        self.items[key].append(item)
        self.fire_at.setdefault(key, fire.at)
        self.useful[key] = max(self.useful.get(key, useful_until), useful_until)

    def rows(self) -> list[dict[str, Any]]:
        return [{"idempotency_key": digest_key(c, ch, day), "occurrence_id": None, "contact_id": c, "channel": ch,
                 "kind": ReminderKind.DIGEST.value, "lead_days": None, "fire_at": self.fire_at[(c, ch, day)],
                 "status": "pending", "attempts": 0, "permanent_failure": False,
                 "payload": {"version": PAYLOAD_VERSION, "day": day.isoformat(),
                             "useful_until": self.useful[(c, ch, day)],
                             "items": sorted(items, key=lambda i: (i["due"], i["occurrence_id"]))}}
                for (c, ch, day), items in sorted(self.items.items())]


def _route(occ: Any, recipient: Recipient, fire: Fire, useful_until: str, rules: Rules, rows: list[dict[str, Any]],
           digests: _Digests) -> None:
    person = recipient.person
    for channel in person.channels:
        if (person.digest or rules.digest) and fire.kind != ReminderKind.ESCALATION:
            digests.add(person.id, channel, fire, {"occurrence_id": occ.id, "kind": fire.kind, "offset": fire.offset,
                                                  "due": occ.effective_due.isoformat()}, useful_until)
            continue
        rows.append({
            "idempotency_key": reminder_key(occ.id, occ.effective_due, person.id, channel, fire.offset),
            "occurrence_id": occ.id, "contact_id": person.id, "channel": channel, "kind": fire.kind,
            "lead_days": fire.offset, "fire_at": fire.at, "status": "pending", "attempts": 0,
            "permanent_failure": False,
            "payload": {"version": PAYLOAD_VERSION, "due": occ.effective_due.isoformat(), "useful_until": useful_until,
                        "agency_id": recipient.agency_id, "role": recipient.role},
        })


def _dialect_insert(session: Session) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return pg_insert(Reminder)
    if name == "sqlite":
        return sqlite_insert(Reminder)
    return insert(Reminder)


def insert_reminders(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` skipping existing idempotency keys; return how many were new. Does not commit.

    One statement per page on PostgreSQL (``models.bulk``: the rows as one JSON document), the driver's
    executemany on SQLite; ``ON CONFLICT DO NOTHING`` on both, so the count is of rows really inserted.
    """
    return _insert_new(session.connection(), rows)


def _insert_new(connection: Connection, rows: list[dict[str, Any]]) -> int:
    return insert_rows(connection, Reminder.__table__, rows, skip_conflicts_on=("idempotency_key",))


def upsert_digests(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert digests, or refresh the item list of one not yet claimed. Return rows inserted or refreshed."""
    if not rows:
        return 0
    stmt = _dialect_insert(session)
    stmt = stmt.on_conflict_do_update(index_elements=["idempotency_key"], set_={"payload": stmt.excluded.payload},
                                      where=Reminder.status == "pending")
    return len(session.execute(stmt.returning(Reminder.id), rows).all())
