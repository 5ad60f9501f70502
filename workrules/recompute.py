"""Every open occurrence computed again from the rules in force (after holidays, policy or day rules changed).

Run by ``hanchot dates recompute``, by the web app when the admin saves one of the rule files, and by the
scheduler when the files' fingerprint differs from the one stored (``rules_state``). Manual overrides keep
their nominal dates, extensions keep their granted date; done occurrences are history and stay as they
are. Each changed occurrence gets one audit entry (before/after, with a Vietnamese note), and its SEQUENCE
grows (models.plans), so calendar clients take the new date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from models import Assignment, AuditLog, Milestone, Role, RulesState, Task
from models.live import MILESTONE_KEPT
from workrules.dates import DateChange, PlanFacts, sync, wanted
from workrules.rules import WorkRules

STATE = "work_rules"


@dataclass(frozen=True)
class Change:
    """One occurrence whose dates changed (plain data: it outlives a rolled-back dry run)."""

    occurrence_id: int | None
    milestone_id: int
    task_id: int
    plan: str  # "Kế hoạch 15/KH-UBND" or "Kế hoạch #3"
    what: str  # the milestone's label, or the start of its task
    period: str | None
    before: tuple[date, date] | None  # (nominal, effective)
    after: tuple[date, date] | None
    reason: str | None = None  # why the new effective day differs from the nominal one

    def note(self) -> str:
        """The change in Vietnamese, for the audit log and the command line."""
        if self.after is None and self.before is not None:
            return f"Bỏ hạn {self.before[1]:%d/%m/%Y}: không còn theo quy tắc ngày hiện hành."
        assert self.after is not None
        moved = f" ({self.after[0]:%d/%m/%Y} là ngày nghỉ: {self.reason})" if self.reason else ""
        if self.before is None:
            return f"Thêm hạn {self.after[1]:%d/%m/%Y} theo quy tắc ngày hiện hành{moved}."
        parts = []
        if self.before[0] != self.after[0]:
            parts.append(f"hạn theo văn bản từ {self.before[0]:%d/%m/%Y} sang {self.after[0]:%d/%m/%Y}")
        if self.before[1] != self.after[1]:
            parts.append(f"hạn thực tế từ {self.before[1]:%d/%m/%Y} sang {self.after[1]:%d/%m/%Y}")
        return "Đổi " + ", ".join(parts) + moved + "."

    def line(self) -> str:
        period = f" ({self.period})" if self.period else ""
        return f"{self.plan} · {self.what}{period}: {self.note()}"


@dataclass
class RecomputeReport:
    milestones: int = 0
    changes: list[Change] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def occurrence_ids(self) -> list[int]:
        return [c.occurrence_id for c in self.changes if c.occurrence_id is not None]


def recompute(session: Session, rules: WorkRules, *, actor: str, now: datetime) -> RecomputeReport:
    """Recompute every live milestone of every plan; audit each change; store the rules' fingerprint.

    Flushes, never commits: a dry run is this followed by a rollback.
    """
    report = RecomputeReport(fingerprint=rules.fingerprint)
    query = (select(Milestone).join(Milestone.task).where(Task.cancelled_at.is_(None), MILESTONE_KEPT)  # drafts too
             .options(selectinload(Milestone.occurrences), joinedload(Milestone.task).joinedload(Task.plan),
                      joinedload(Milestone.task).selectinload(Task.assignments).joinedload(Assignment.agency))
             .order_by(Milestone.id))
    facts: dict[int, PlanFacts] = {}
    found: list[tuple[Milestone, DateChange]] = []
    for milestone in session.scalars(query).unique():
        plan = milestone.task.plan
        if plan.id not in facts:
            facts[plan.id] = PlanFacts.of(plan)
        report.milestones += 1
        task = milestone.task
        want = wanted(milestone, facts[plan.id], rules, lead_names(task), f"{task.content} {task.product or ''}")
        changes = sync(milestone, want, facts[plan.id], rules)
        found.extend((milestone, change) for change in changes)
    session.flush()  # new occurrences get their ids
    for milestone, change in found:
        item = _change(milestone, change, rules)
        report.changes.append(item)
        session.add(AuditLog(at=now, actor=actor, action="occurrence.recompute", entity="occurrences",
                             entity_id=item.occurrence_id, before=_dates(change.before),
                             after={**(_dates(change.after) or {}), "note": item.note()}))
    remember_fingerprint(session, rules.fingerprint, now)
    session.flush()
    return report


def lead_names(task: Task) -> list[str]:
    """The task's lead agencies, as the plan wrote them and as stored (a configured rule may name either)."""
    names: list[str] = []
    for assignment in task.assignments:
        if assignment.role == Role.LEAD:
            names += [n for n in (assignment.as_written, assignment.agency.name if assignment.agency else None) if n]
    return names


def _change(milestone: Milestone, change: DateChange, rules: WorkRules) -> Change:
    task, plan = milestone.task, milestone.task.plan
    after = change.after
    moved = after is not None and after[1] != after[0] and change.occurrence.moved_to is None
    return Change(occurrence_id=change.occurrence.id, milestone_id=milestone.id, task_id=task.id,
                  plan=f"Kế hoạch {plan.number or '#' + str(plan.id)}", what=_what(milestone, task),
                  period=change.occurrence.period, before=change.before, after=after,
                  reason=rules.reason(after[0]) if moved and after else None)


def _what(milestone: Milestone, task: Task) -> str:
    number = f"TT {task.number} · " if task.number else ""
    text = milestone.label or " ".join(task.content.split())
    return number + (text if len(text) <= 80 else text[:79] + "…")


def _dates(pair: tuple[date, date] | None) -> dict[str, Any] | None:
    return None if pair is None else {"due": pair[0].isoformat(), "effective_due": pair[1].isoformat()}


def stored_fingerprint(session: Session) -> str | None:
    """The fingerprint of the rules the stored dates were last computed from (None: never recorded)."""
    return session.scalar(select(RulesState.fingerprint).where(RulesState.name == STATE))


def remember_fingerprint(session: Session, fingerprint: str, now: datetime) -> None:
    row = session.get(RulesState, STATE)
    if row is None:
        session.add(RulesState(name=STATE, fingerprint=fingerprint, applied_at=now))
    elif row.fingerprint != fingerprint:
        row.fingerprint, row.applied_at = fingerprint, now


def catch_up(session: Session, rules: WorkRules, settings: Any, now: datetime, *, actor: str = "scheduler"
             ) -> RecomputeReport | None:
    """Recompute (and plan the moved reminders again) when the rule files changed since the dates were last
    computed; None when they did not. Commits."""
    from workrules.replan import replan

    if stored_fingerprint(session) == rules.fingerprint:
        return None
    report = recompute(session, rules, actor=actor, now=now)
    replan(session, report.occurrence_ids, rules, settings, now)
    return report
