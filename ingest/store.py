"""Store a plan draft in the database, in the caller's one transaction, idempotently.

Re-importing the same document (same number and issuer, or same content hash) updates the plan in
place: unchanged tasks and milestones keep their rows and IDs (calendar UIDs depend on them), changed
ones are updated (milestones get their ``sequence`` bumped by the model), vanished ones get
``cancelled_at``; nothing is deleted. Attributes are only assigned when their value differs, so an
identical re-import leaves every row, ``updated_at`` included, untouched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, selectinload

from config.agencies import AgencyDirectory, Placed, PlanScope
from config.errors import UserError
from deadlines.model import Kind
from deadlines.normalize import fold
from deadlines.offsets import is_own_issue, written_day
from ingest.draft import PlanDraft, TaskDraft
from models.agencies import Agency, AgencyGroupMember, Assignment, Role
from models.bulk import insert_rows, insert_rows_returning
from models.identity import lock_plan_identity, plan_identity
from models.plans import PLAN_SHOWN, TASK_SHOWN, Milestone, Occurrence, Plan, PlanStatus, Task, shown_text_changed
from models.revisions import PlanRevision
from models.units import ensure_units
from workrules.dates import PlanFacts, Wanted, basis_of, new_rows, sync, wanted
from workrules.links import cited_key, link_references
from workrules.rules import WorkRules, settings_work_rules


@dataclass
class ImportResult:
    plan_id: int
    created: bool
    plan_changed: bool = False  # title, number, rules… of an existing plan
    tasks_added: int = 0
    tasks_changed: int = 0
    tasks_cancelled: int = 0
    agencies_created: list[str] = field(default_factory=list)
    revision_of: int | None = None  # ``plan_id`` is a pending revision of this published plan (ingest.revisions)

    @property
    def changed(self) -> bool:
        return self.created or self.plan_changed or bool(self.tasks_added or self.tasks_changed
                                                         or self.tasks_cancelled)


class PlanNotFound(UserError):
    """``--replaces`` named a plan that does not exist or is itself a revision."""


def store_plan(session: Session, draft: PlanDraft, directory: AgencyDirectory, *,
               now: datetime | None = None, replaces: int | None = None, rules: WorkRules | None = None
               ) -> ImportResult:
    """Insert or update the plan of ``draft``; flushes, never commits (the caller owns the transaction).

    The plan is the one ``replaces`` names, else the one with the draft's identity (models.identity), else the one
    with its text. A published plan is not changed: the draft becomes its pending revision (ingest.revisions).
    Two imports of one plan at once wait for each other on the identity's lock: one creates, the other updates.
    Dates come from the work rules service with ``rules`` (default: those of the settings' config folder).
    """
    now = now or datetime.now(UTC)
    identity = plan_identity(draft.number, draft.issuer, draft.title, draft.plan_year)
    lock_plan_identity(session, identity)
    target = _target_plan(session, draft, identity, replaces)
    if target is not None and target.status == PlanStatus.PUBLISHED.value:
        from ingest.revisions import store_revision

        return store_revision(session, draft, directory, target.id, now=now, rules=rules)
    if target is not None and target.identity_key != identity:
        _check_identity_free(session, identity, target.id)
    return store_into(session, draft, directory, target.id if target is not None else None, identity, now=now,
                      rules=rules)


def store_into(session: Session, draft: PlanDraft, directory: AgencyDirectory, plan_id: int | None,
               identity: str | None, *, now: datetime, rules: WorkRules | None = None) -> ImportResult:
    """Write ``draft`` into plan ``plan_id`` (a new plan when None), which gets ``identity`` as its key.

    Dates come from the work rules service: the configured day rules apply where the plan states none,
    effective dates follow the calendar and the due policy, and an event that is the plan's own issue ("kể từ
    ngày ký") is dated from ``issued_on``. Cited plans are linked both ways (``workrules.links``).
    """
    rules = rules or settings_work_rules()
    facts = PlanFacts(draft.number, draft.plan_year, draft.issued_on, tuple(draft.rules))
    items = _unique_keys([*draft.tasks, *draft.obligations])
    with session.no_autoflush:  # flushing once per batch, not before every query, is most of the speed
        values = {**_plan_values(draft), "content_hash": draft.content_hash, "identity_key": identity}
        created = plan_id is None
        plan: Plan | None = None
        if plan_id is None:  # a new plan: one Core INSERT, no ORM object to track
            plan_id = session.execute(insert(Plan.__table__).returning(Plan.__table__.c.id), [values]).scalar_one()
            plan_changed = plan_shown = False
        else:
            plan = session.get_one(Plan, plan_id)
            plan_shown = any(getattr(plan, name) != values[name] for name in PLAN_SHOWN)
            plan_changed = _assign(plan, **values)
        agencies = _Agencies(session, directory, draft.scope(directory))
        agencies.prepare({n for item in items for n in [*item.lead, *item.support, *item.synthesis]})
        session.flush()
        result = ImportResult(plan_id=plan_id, created=created, plan_changed=plan_changed,
                              agencies_created=agencies.created)
        existing = {} if created else {t.key: t for t in session.scalars(
            select(Task).where(Task.plan_id == plan_id).options(
                selectinload(Task.assignments),
                selectinload(Task.milestones).selectinload(Milestone.occurrences)))}
        if plan_shown:  # every event shows the plan's number and title
            shown_text_changed(existing.values())
        seen: set[str] = set()
        new: list[tuple[int, TaskDraft]] = []
        for position, item in enumerate(items):
            seen.add(item.key)
            task = existing.get(item.key)
            if task is None:
                new.append((position, item))
            elif _store_task(task, item, position, agencies, now, facts, rules):
                result.tasks_changed += 1
        _insert_tasks(session, plan_id, new, agencies, facts, rules)
        if new and plan is not None:
            session.expire(plan, ["tasks"])  # rows inserted without the ORM: a loaded collection would miss them
        result.tasks_added = len(new)
        result.tasks_cancelled += cancel_missing_tasks(existing, seen, now)
    session.flush()
    link_references(session, plan_id)
    return result


def _unique_keys(items: list[TaskDraft]) -> list[TaskDraft]:
    """Keys are unique per plan in the database; a key met again (a prose key equal to a table key) gets "#n"."""
    seen: dict[str, int] = {}
    out: list[TaskDraft] = []
    for item in items:
        key = item.key[:90]  # the column holds 100: room for the suffix
        count = seen[key] = seen.get(key, 0) + 1
        unique = key if count == 1 else f"{key}#{count}"
        out.append(item if unique == item.key else replace(item, key=unique))
    return out


def _clip(text: str | None, length: int) -> str | None:
    """PostgreSQL refuses a string longer than its column; a misread cell must not abort the import."""
    return text[:length] if text else text


def _insert_tasks(session: Session, plan_id: int, new: list[tuple[int, TaskDraft]], agencies: _Agencies,
                  plan: PlanFacts, rules: WorkRules) -> None:
    """New tasks with their assignments, milestones and occurrences: four multi-row INSERTs, no ORM objects."""
    if not new:
        return
    # One INSERT per table, returning the new IDs; on PostgreSQL the rows go as one JSON document
    # (models.bulk): one pipelined INSERT per row, parameters dumped in Python, was most of an import's time.
    connection = session.connection()
    task_ids = dict(insert_rows_returning(connection, Task.__table__, [
        {"plan_id": plan_id, "key": item.key, **_task_values(item, position)} for position, item in new],
        ("key", "id")))
    assignments: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    dues: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for _, item in new:
        task_id = task_ids[item.key]
        assignments += [{"task_id": task_id, "agency_id": agency_id, "role": role, "as_written": name,
                         "note": item.notes.get(name)}
                        for (agency_id, role), name in _wanted_assignments(item, agencies).items()]
        for position, parsed in enumerate(item.milestones):
            key = _milestone_key(parsed, position)
            values = _milestone_values(parsed, plan)
            want, occurrences = new_rows(values, plan, rules, item.lead, _subject(item))
            milestones.append({"task_id": task_id, "key": key, "position": position, **_ruled(values, want)})
            dues[(task_id, key)] = occurrences
    insert_rows(connection, Assignment.__table__, assignments)
    if not milestones:
        return
    milestone_ids = insert_rows_returning(connection, Milestone.__table__, milestones, ("task_id", "key", "id"))
    occurrences = [{"milestone_id": milestone_id, **row}
                   for task_id, key, milestone_id in milestone_ids for row in dues[(task_id, key)]]
    insert_rows(connection, Occurrence.__table__, occurrences)


def _subject(item: TaskDraft) -> str:
    return f"{item.content} {item.product or ''}"


def _ruled(values: dict[str, Any], want: Wanted) -> dict[str, Any]:
    """The milestone's columns with the RRULE and strictness the day rules in force give it."""
    if want.dates is None:
        return values
    return {**values, "strict": want.strict, "rrule": want.rrule if want.rrule is not None else values["rrule"]}


def _task_values(item: TaskDraft, position: int) -> dict[str, Any]:
    return {"origin": item.origin, "appendix_number": _clip(item.appendix_number, 20),
            "appendix_title": item.appendix_title, "section": item.section, "number": _clip(item.number, 20),
            "position": position, "content": item.content, "product": item.product,
            "deadline_text": item.deadline_text, "extra": dict(item.extra) or None}


def _milestone_values(parsed: Any, plan: PlanFacts) -> dict[str, Any]:
    own_issue = parsed.kind is Kind.ON_EVENT and parsed.event and is_own_issue(fold(parsed.event).folded)
    reference = parsed.reference.to_json() if parsed.reference else None
    return {"label": parsed.label, "kind": parsed.kind.value, "due": parsed.due, "start": parsed.start,
            "rrule": parsed.rrule, "ad_hoc": parsed.ad_hoc, "event": parsed.event,
            "event_offset": parsed.offset.to_json() if parsed.offset else None,
            # "kể từ ngày ký": the plan's own issue, dated by the plan; "kể từ ngày 15/12": a written day
            "event_date": plan.issued_on if own_issue else written_day(parsed.event, plan.year)
            if parsed.kind is Kind.ON_EVENT else None,
            "reference": reference, "cited_key": cited_key(parsed.kind.value, reference), "source": parsed.source,
            "strict": parsed.strict, "warnings": list(parsed.warnings), "basis": basis_of(parsed)}


def _plan_values(draft: PlanDraft) -> dict[str, Any]:
    return {"number": _clip(draft.number, 100), "title": draft.title, "issuer": _clip(draft.issuer, 255),
            "place": _clip(draft.place, 100), "issued_on": draft.issued_on, "plan_year": draft.plan_year,
            "implements": list(draft.implements), "source_name": _clip(draft.source_name, 255) or "",
            "day_rules": [r.to_json() for r in draft.rules], "warnings": list(draft.warnings)}


def _target_plan(session: Session, draft: PlanDraft, identity: str, replaces: int | None) -> Any:
    """(id, status, identity_key) of the plan this draft re-imports, or None for a new plan.

    Revision rows (models.revisions) are never a target: their live plan is.
    """
    plans = Plan.__table__.c
    not_revision = plans.id.not_in(select(PlanRevision.__table__.c.plan_id))
    columns = select(plans.id, plans.status, plans.identity_key)
    connection = session.connection()
    if replaces is not None:
        found = connection.execute(columns.where(plans.id == replaces, not_revision)).first()
        if found is None:
            raise PlanNotFound(f"Không có kế hoạch #{replaces} để thay thế.")
        return found
    found = connection.execute(columns.where(plans.identity_key == identity)).first()
    if found is None:  # a plan stored before identities, or by something other than the importer
        found = connection.execute(columns.where(plans.content_hash == draft.content_hash, not_revision)
                                   .order_by(plans.id).limit(1)).first()
    return found


def _check_identity_free(session: Session, identity: str, plan_id: int) -> None:
    """Replacing a plan by a document of another identity: refused when a third plan already has that identity."""
    plans = Plan.__table__.c
    other = session.connection().execute(select(plans.id).where(plans.identity_key == identity,
                                                                plans.id != plan_id)).scalar()
    if other is not None:
        raise PlanNotFound(f"Văn bản này là kế hoạch #{other} đã có; không thể dùng nó thay thế kế hoạch #{plan_id}.")


def _store_task(task: Task, item: TaskDraft, position: int, agencies: _Agencies, now: datetime, plan: PlanFacts,
                rules: WorkRules) -> bool:
    """Bring ``task`` in line with ``item``; return True when anything changed."""
    values = _task_values(item, position)
    _assign(task, position=values.pop("position"))  # a task above was added or removed: order only, not a change
    shown = _assign(task, **{name: values.pop(name) for name in TASK_SHOWN})
    changed = _assign(task, **values, cancelled_at=None)
    agencies_shown, names_changed = _store_assignments(task, item, agencies)
    if shown or agencies_shown:
        shown_text_changed([task])
    changed |= shown | agencies_shown | names_changed
    changed |= _store_milestones(task, item, now, plan, rules)
    return changed


def _wanted_assignments(item: TaskDraft, agencies: _Agencies) -> dict[tuple[int, str], str]:
    """(agency id, role) → the name as the plan wrote it; a name listed twice counts once."""
    wanted: dict[tuple[int, str], str] = {}
    ids = agencies.ids
    for role, names in ((_LEAD, item.lead), (_SUPPORT, item.support), (_SYNTHESIS, item.synthesis)):
        for name in names:
            wanted.setdefault((ids[name], role), name)
    return wanted


_LEAD, _SUPPORT, _SYNTHESIS = Role.LEAD.value, Role.SUPPORT.value, Role.SYNTHESIS.value


def _store_assignments(task: Task, item: TaskDraft, agencies: _Agencies) -> tuple[bool, bool]:
    """(whether the agencies or their roles changed: the events show them, whether only a written name did)."""
    wanted = _kept_fixes(_wanted_assignments(item, agencies), task.assignments)
    current = {(a.agency_id, a.role): a for a in task.assignments}
    shown = renamed = False
    for key, assignment in current.items():
        if key not in wanted:
            task.assignments.remove(assignment)
            shown = True
    for (agency_id, role), name in wanted.items():
        note = item.notes.get(name)
        if (agency_id, role) not in current:
            task.assignments.append(Assignment(agency_id=agency_id, role=role, as_written=name, note=note))
            shown = True
        else:
            renamed |= _assign(current[(agency_id, role)], as_written=name, note=note)
    return shown, renamed


def _kept_fixes(wanted: dict[tuple[int, str], str], assignments: list[Assignment]) -> dict[tuple[int, str], str]:
    """The admin's agency for a name the plan still writes in that role (``Assignment.manual``) wins over the
    directory's: the re-import keeps the fix instead of undoing it."""
    fixed = {(a.as_written, a.role): a.agency_id for a in assignments if a.manual}
    if not fixed:
        return wanted
    return {(fixed.get((name, role), agency_id), role): name for (agency_id, role), name in wanted.items()}


def _milestone_key(parsed: Any, position: int) -> str:
    """Position plus a hash of the label ("Báo cáo kết quả"): a new date for the same milestone updates its row
    (and its calendar event, SEQUENCE bumped) instead of cancelling it and creating another."""
    digest = hashlib.sha1((parsed.label or "").encode()).hexdigest()[:10]
    return f"{position}-{digest}"


def _store_milestones(task: Task, item: TaskDraft, now: datetime, plan: PlanFacts, rules: WorkRules) -> bool:
    existing = {m.key: m for m in task.milestones}
    seen: set[str] = set()
    changed = False
    for position, parsed in enumerate(item.milestones):
        key = _milestone_key(parsed, position)
        seen.add(key)
        row = existing.get(key)
        if row is None:
            row = Milestone(key=key, kind=parsed.kind.value, occurrences=[])
            task.milestones.append(row)
            changed = True
        if row.manual_override:  # the admin's edits win over the document (see models.plans.Milestone)
            continue
        values = _milestone_values(parsed, plan)
        want = wanted(values, plan, rules, item.lead, _subject(item))
        changed |= _assign(row, position=position, **_ruled(values, want), cancelled_at=None)
        changed |= bool(sync(row, want, plan, rules))
    for key, row in existing.items():
        if key not in seen and row.cancelled_at is None:
            row.cancelled_at = now
            changed = True
    return changed


def cancel_missing_tasks(tasks: dict[Any, Task], seen: set[Any], now: datetime) -> int:
    """Cancel, with their milestones, the live tasks whose key the new version no longer has; return how many.
    Rows are kept (cancelled, not deleted): feeds drop their events and the audit keeps the history."""
    cancelled = 0
    for key, task in tasks.items():
        if key not in seen and task.cancelled_at is None:
            task.cancelled_at = now
            for milestone in task.milestones:
                milestone.cancelled_at = milestone.cancelled_at or now
            cancelled += 1
    return cancelled


class _Agencies:
    """Agency IDs by the names a plan uses: directory agencies, groups with members, or new rows to review, each in
    its unit (config.agencies: the plan's scope decides which directory its names are read in)."""

    def __init__(self, session: Session, directory: AgencyDirectory, scope: PlanScope):
        self.session, self.directory, self.scope = session, directory, scope
        self.ids: dict[str, int] = {}  # the name as the plan wrote it → agency id
        self.created: list[str] = []

    def prepare(self, names: set[str]) -> None:
        """Resolve every name of the plan in a few statements; insert the units, agencies and memberships missing.

        Safe beside concurrent imports (ingest.batch): rows another transaction inserts first are skipped,
        not refused, and names go in sorted order, so two imports never wait on each other in a cycle.
        """
        connection = self.session.connection()
        targets = {name: _resolve(self.directory, name, self.scope) for name in sorted(names)}
        every = {_key(t): t for target in targets.values() for t in (target, *target.members)}
        units = ensure_units(connection, [self.directory.province_unit, self.scope.unit,
                                          *(t.unit for t in every.values())])
        known = self._known(connection, units, set(every))
        missing = sorted(key for key in every if key not in known)
        if missing:
            inserted = insert_rows_returning(connection, Agency.__table__, [
                {"level": every[key].level, "is_group": every[key].is_group, "needs_review": every[key].review,
                 "unit_id": units[key[0]], "name": key[1], "aliases": []} for key in missing],
                ("unit_id", "name", "id"), skip_conflicts_on=("unit_id", "name"))
            by_unit = {v: k for k, v in units.items()}
            self.created = sorted(name for _, name, _ in inserted)
            known |= {(by_unit[unit_id], name): agency_id for unit_id, name, agency_id in inserted}
            if len(inserted) < len(missing):  # inserted meanwhile by a concurrent import, now committed
                known |= self._known(connection, units, set(missing) - set(known))
        self.ids = {name: known[_key(target)] for name, target in targets.items()}
        pairs = {(known[_key(t)], known[_key(m)]) for t in targets.values() if t.is_group for m in t.members}
        pairs = {(g, m) for g, m in pairs if g != m}
        if pairs:
            members = AgencyGroupMember.__table__.c
            have = set(connection.execute(select(members.group_id, members.member_id).where(
                members.group_id.in_({g for g, _ in pairs}))).all())
            insert_rows(connection, AgencyGroupMember.__table__,
                        [{"group_id": g, "member_id": m} for g, m in sorted(pairs - have)],
                        skip_conflicts_on=("group_id", "member_id"))

    @staticmethod
    def _known(connection: Any, units: dict[str, int], keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """(unit key, name) → agency id of the rows that exist; one statement for any number of names."""
        agencies = Agency.__table__.c
        names = list({name for _, name in keys})
        if connection.dialect.name == "postgresql":  # one array parameter: the same statement for any count
            rows = connection.execute(_KNOWN_PG, {"names": names}).all()
        else:
            rows = connection.execute(select(agencies.unit_id, agencies.name, agencies.id)
                                      .where(agencies.name.in_(names))).all()
        by_unit = {v: k for k, v in units.items()}
        found = {(by_unit.get(unit_id), name): agency_id for unit_id, name, agency_id in rows}
        return {key: found[key] for key in keys if key in found}


_KNOWN_PG = text("SELECT unit_id, name, id FROM agencies WHERE name = ANY(:names)")


def _key(target: Placed) -> tuple[str, str]:
    return target.unit.key, target.name


_RESOLVED: WeakKeyDictionary[AgencyDirectory, dict[tuple[str, PlanScope], Placed]] = WeakKeyDictionary()


def _resolve(directory: AgencyDirectory, name: str, scope: PlanScope) -> Placed:
    """Memoised per directory: every plan names the same few dozen agencies."""
    memo = _RESOLVED.setdefault(directory, {})
    key = (name, scope)
    if key not in memo:
        memo[key] = directory.place(name, scope)  # an unknown name's full text stays in as_written
    return memo[key]


def _assign(row: Any, **values: Any) -> bool:
    """Set only the attributes whose value differs; return True if any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
