"""Revisions of a published plan: a re-upload waits as a draft revision; publishing it replaces the live plan.

The live plan keeps its rows and IDs (calendar UIDs, reminders and "done" marks hang on them): publishing copies
the revision onto it by the stable keys of tasks, milestones and dates, in the caller's one transaction. A date
already marked done stays done even when the new version drops it. The admin's fixes (a milestone's date or
rule, an agency chosen for a name) are copied from the live plan into each new revision, so they survive it, and
the version publishing replaced is kept as the ``previous`` revision, which undo copies back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from config.agencies import AgencyDirectory
from config.errors import UserError
from ingest.draft import PlanDraft
from ingest.store import ImportResult, cancel_missing_tasks, store_into
from models.agencies import Assignment
from models.identity import lock_plan_identity, plan_identity
from models.plans import (
    PLAN_SHOWN,
    TASK_SHOWN,
    Milestone,
    OccurrenceStatus,
    Plan,
    PlanStatus,
    Task,
    shown_text_changed,
)
from models.revisions import PlanRevision, RevisionState
from workrules.dates import PlanFacts, Wanted, sync
from workrules.rules import WorkRules, settings_work_rules

PLAN_FIELDS = ("number", "title", "issuer", "place", "issued_on", "plan_year", "implements", "source_name",
               "content_hash", "day_rules", "warnings")
TASK_FIELDS = ("origin", "appendix_number", "appendix_title", "section", "number", "position", "content", "product",
               "deadline_text", "extra")
MILESTONE_FIELDS = ("position", "label", "kind", "due", "start", "rrule", "ad_hoc", "event", "event_date", "reference",
                    "source", "strict", "warnings", "manual_override", "event_offset", "basis", "linked_plan_id")
FIXED_FIELDS = ("kind", "label", "due", "start", "rrule", "event_date", "strict", "manual_override")


class RevisionError(UserError):
    """A revision action that does not apply (no such revision, nothing to undo): one Vietnamese line."""


def revision_row(session: Session, plan_id: int) -> PlanRevision | None:
    """The revision whose rows are plan ``plan_id``, or None for a plan of its own."""
    return session.scalar(select(PlanRevision).where(PlanRevision.plan_id == plan_id))


def revision_of(session: Session, live_id: int, state: RevisionState) -> PlanRevision | None:
    return session.scalar(select(PlanRevision).where(PlanRevision.live_plan_id == live_id,
                                                     PlanRevision.state == state.value))


def store_revision(session: Session, draft: PlanDraft, directory: AgencyDirectory, live_id: int, *,
                   now: datetime, rules: WorkRules | None = None) -> ImportResult:
    """Store ``draft`` as the pending revision of published plan ``live_id`` (updating the pending one if any).

    A document whose text is the live plan's own changes nothing and creates no revision.
    """
    live = session.get_one(Plan, live_id)
    if live.content_hash == draft.content_hash and live.plan_year == draft.plan_year:
        return ImportResult(plan_id=live_id, created=False)
    pending = revision_of(session, live_id, RevisionState.PENDING)
    result = store_into(session, draft, directory, pending.plan_id if pending else None, None, now=now, rules=rules)
    if pending is None:
        session.add(PlanRevision(plan_id=result.plan_id, live_plan_id=live_id, state=RevisionState.PENDING.value))
    session.flush()
    carry_fixes(session, _loaded(session, live_id), _loaded(session, result.plan_id), rules)
    session.flush()
    result.revision_of = live_id
    return result


def carry_fixes(session: Session, source: Plan, target: Plan, rules: WorkRules | None = None) -> None:
    """Copy the admin's fixes of ``source`` onto the same tasks of ``target``: milestones changed by hand (by their
    key) and agencies chosen for a name (by the name as written and the role)."""
    targets = {t.key: t for t in target.tasks}
    for task in source.tasks:
        other = targets.get(task.key)
        if other is None:
            continue
        for assignment in task.assignments:
            if assignment.manual:
                _carry_agency(session, assignment, other)
        milestones = {m.key: m for m in other.milestones}
        for milestone in task.milestones:
            if (milestone.manual_override or milestone.event_date) and milestone.key in milestones:
                fixed = milestones[milestone.key]
                for name in FIXED_FIELDS:
                    setattr(fixed, name, getattr(milestone, name))
                _copy_dates(milestone, fixed, rules)


def _carry_agency(session: Session, fix: Assignment, task: Task) -> None:
    same_name = next((a for a in task.assignments if a.as_written == fix.as_written and a.role == fix.role), None)
    if same_name is None:
        return  # the new version no longer names it in that role: nothing to fix
    clash = next((a for a in task.assignments if a.agency_id == fix.agency_id and a.role == fix.role
                  and a is not same_name), None)
    if clash is not None:
        task.assignments.remove(same_name)
        clash.manual = True
    else:
        same_name.agency_id, same_name.manual = fix.agency_id, True


def publish_revision(session: Session, revision_plan_id: int, *, now: datetime | None = None,
                     rules: WorkRules | None = None) -> ImportResult:
    """Replace the live plan by its pending revision; the live plan's former content becomes its previous revision.

    Returns what changed on the live plan (its id is ``plan_id``)."""
    now = now or datetime.now(UTC)
    revision = revision_row(session, revision_plan_id)
    if revision is None or revision.state != RevisionState.PENDING.value:
        raise RevisionError(f"Kế hoạch #{revision_plan_id} không phải bản sửa đổi đang chờ ban hành.")
    live = _loaded(session, revision.live_plan_id)
    _lock(session, live)
    old_previous = revision_of(session, live.id, RevisionState.PREVIOUS)
    if old_previous is not None:  # one step of undo is kept: the version just replaced
        session.delete(old_previous.plan)
        session.flush()
    _keep_copy(session, live, RevisionState.PREVIOUS, now, rules)
    result = copy_plan(session, _loaded(session, revision.plan_id), live, now, rules)
    _rekey(session, live)
    session.delete(revision.plan)
    session.flush()
    return result


def publish(session: Session, plan_id: int, *, now: datetime | None = None, rules: WorkRules | None = None
            ) -> ImportResult:
    """Publish plan ``plan_id``: a draft goes live as it is; a pending revision is copied onto its live plan.

    Returns the live plan's id and, for a revision, what changed on it."""
    now = now or datetime.now(UTC)
    if revision_row(session, plan_id) is not None:
        return publish_revision(session, plan_id, now=now, rules=rules)
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise RevisionError(f"Không có kế hoạch #{plan_id}.")
    if plan.status != PlanStatus.PUBLISHED.value:
        plan.status, plan.published_at = PlanStatus.PUBLISHED.value, now
    return ImportResult(plan_id=plan_id, created=False)


def undo_revision(session: Session, live_id: int, *, now: datetime | None = None, rules: WorkRules | None = None
                  ) -> Plan:
    """Put back the version the last published revision replaced. The undone version becomes the pending
    revision again (unless another one is waiting), so it can be published once more."""
    now = now or datetime.now(UTC)
    previous = revision_of(session, live_id, RevisionState.PREVIOUS)
    if previous is None:
        raise RevisionError(f"Kế hoạch #{live_id} không có phiên bản trước để hoàn tác.")
    live = _loaded(session, live_id)
    _lock(session, live)
    if revision_of(session, live_id, RevisionState.PENDING) is None:
        _keep_copy(session, live, RevisionState.PENDING, now, rules)
    copy_plan(session, _loaded(session, previous.plan_id), live, now, rules)
    _rekey(session, live)
    session.delete(previous.plan)
    session.flush()
    return live


def unpublish(session: Session, plan_id: int) -> Plan:
    """Take a plan back to draft: its deadlines leave the feeds and no reminder is planned for them."""
    plan = session.get(Plan, plan_id)
    if plan is None or revision_row(session, plan_id) is not None:
        raise RevisionError(f"Không có kế hoạch #{plan_id}.")
    if plan.status != PlanStatus.PUBLISHED.value:
        raise RevisionError(f"Kế hoạch #{plan_id} chưa ban hành.")
    plan.status, plan.published_at = PlanStatus.DRAFT.value, None
    return plan


def delete_plan(session: Session, plan: Plan) -> None:
    """Delete a draft plan together with the rows of its revisions (plans of their own)."""
    for revision in session.scalars(select(PlanRevision).where(PlanRevision.live_plan_id == plan.id)).all():
        session.delete(revision.plan)
    session.delete(plan)


def _keep_copy(session: Session, live: Plan, state: RevisionState, now: datetime, rules: WorkRules | None = None
               ) -> None:
    copy = Plan(**{name: getattr(live, name) for name in PLAN_FIELDS}, status=PlanStatus.DRAFT.value)
    session.add(copy)
    session.flush()
    copy_plan(session, live, copy, now, rules)
    session.add(PlanRevision(plan_id=copy.id, live_plan_id=live.id, state=state.value))
    session.flush()


def _lock(session: Session, live: Plan) -> None:
    if live.identity_key:
        lock_plan_identity(session, live.identity_key)


def _rekey(session: Session, live: Plan) -> None:
    """The live plan's identity after a copy changed its number or title; refused if another plan has it."""
    identity = plan_identity(live.number, live.issuer, live.title, live.plan_year)
    if identity == live.identity_key:
        return
    lock_plan_identity(session, identity)
    other = session.scalar(select(Plan.id).where(Plan.identity_key == identity, Plan.id != live.id))
    if other is not None:
        raise RevisionError(f"Bản sửa đổi mang số và tên của kế hoạch #{other} đã có; không thể ban hành.")
    live.identity_key = identity


def copy_plan(session: Session, source: Plan, target: Plan, now: datetime, rules: WorkRules | None = None
              ) -> ImportResult:
    """Make ``target`` say what ``source`` says, matching tasks, milestones and dates by key; rows are updated,
    added or cancelled, never deleted, and a date marked done or moved keeps its status. Counts what changed
    (a task only moved up or down is not a change)."""
    result = ImportResult(plan_id=target.id, created=False)
    if any(getattr(target, name) != getattr(source, name) for name in PLAN_SHOWN):
        shown_text_changed(target.tasks)  # every event shows the plan's number and title
    for name in PLAN_FIELDS:
        result.plan_changed |= _set(target, name, getattr(source, name))
    tasks = {t.key: t for t in target.tasks}
    seen: set[str] = set()
    for task in source.tasks:
        if task.cancelled_at is not None:
            continue
        seen.add(task.key)
        other = tasks.get(task.key)
        if other is None:
            other = Task(key=task.key, content=task.content, assignments=[], milestones=[])
            target.tasks.append(other)
            result.tasks_added += 1
            changed = False
        else:
            changed = other.cancelled_at is not None
        _set(other, "position", task.position)
        shown = any(getattr(other, name) != getattr(task, name) for name in TASK_SHOWN)
        for name in TASK_FIELDS:
            changed |= _set(other, name, getattr(task, name))
        _set(other, "cancelled_at", None)
        agencies = _copy_assignments(task, other)
        if shown or agencies:
            shown_text_changed([other])
        changed |= agencies | shown
        changed |= _copy_milestones(task, other, now, rules)
        result.tasks_changed += changed and other.id is not None
    result.tasks_cancelled += cancel_missing_tasks(tasks, seen, now)
    session.flush()
    return result


def _copy_assignments(source: Task, target: Task) -> bool:
    wanted = {(a.agency_id, a.role): a for a in source.assignments}
    changed = False
    for assignment in list(target.assignments):
        if (assignment.agency_id, assignment.role) not in wanted:
            target.assignments.remove(assignment)
            changed = True
    current = {(a.agency_id, a.role): a for a in target.assignments}
    for key, assignment in wanted.items():
        row = current.get(key)
        if row is None:
            target.assignments.append(Assignment(agency_id=assignment.agency_id, role=assignment.role,
                                                 as_written=assignment.as_written, manual=assignment.manual))
            changed = True
        else:
            changed |= _set(row, "as_written", assignment.as_written)
            changed |= _set(row, "manual", assignment.manual)
    return changed


def _copy_milestones(source: Task, target: Task, now: datetime, rules: WorkRules | None) -> bool:
    milestones = {m.key: m for m in target.milestones}
    seen: set[str] = set()
    changed = False
    for milestone in source.milestones:
        seen.add(milestone.key)
        other = milestones.get(milestone.key)
        if other is None:
            other = Milestone(key=milestone.key, kind=milestone.kind, occurrences=[])
            target.milestones.append(other)
            changed = True
        for name in MILESTONE_FIELDS:
            changed |= _set(other, name, getattr(milestone, name))
        changed |= _set(other, "cancelled_at", milestone.cancelled_at)
        changed |= _copy_dates(milestone, other, rules)
    for key, milestone in milestones.items():
        if key not in seen and milestone.cancelled_at is None:
            milestone.cancelled_at = now
            changed = True
    return changed


def _copy_dates(source: Milestone, target: Milestone, rules: WorkRules | None = None) -> bool:
    """The source's live dates onto the target through the work rules service (``workrules.dates.sync``): rows
    matched by date, a date done stays done, an extension granted on the live plan keeps its date."""
    want = Wanted([(o.due, o.period) for o in source.occurrences if o.status != OccurrenceStatus.CANCELLED.value],
                  source.strict)
    return bool(sync(target, want, PlanFacts.of(target.task.plan), rules or settings_work_rules()))


def _set(row: Any, name: str, value: Any) -> bool:
    if getattr(row, name) != value:
        setattr(row, name, value)
        return True
    return False


def _loaded(session: Session, plan_id: int) -> Plan:
    """The plan with its tasks, agencies, milestones and dates, in a few queries."""
    plan = session.scalar(select(Plan).where(Plan.id == plan_id).options(
        selectinload(Plan.tasks).selectinload(Task.assignments),
        selectinload(Plan.tasks).selectinload(Task.milestones).selectinload(Milestone.occurrences))
        .execution_options(populate_existing=True))
    if plan is None:
        raise RevisionError(f"Không có kế hoạch #{plan_id}.")
    return plan
