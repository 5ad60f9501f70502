"""The progress report (báo cáo tiến độ): every live deadline of a plan or an agency with its status.

The rows are read, never recomputed: the day that counts is ``models.live.shown_day`` (the effective date, an
extension's when one was granted), and "today" is passed in by the caller, so the same rows come out of the web
and the command line. ``progress_xlsx`` and ``progress_docx`` write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from models import Agency, Assignment, OccurrenceStatus, Plan, Role, Task
from models.actors import actor_name, contact_names
from models.extensions import ExtensionStatus
from models.live import LIVE_TASK, days_late, done_day, live_occurrences, shown_day, with_groups
from models.responsibility import assigned_to


@dataclass(frozen=True)
class ProgressRow:
    """One deadline of one task, as the quarterly report lists it."""

    plan_id: int
    plan_title: str
    plan_number: str | None
    task_number: str
    content: str
    leads: str
    supports: str
    label: str
    due: date | None  # the day that counts (extended, moved off a day off); None: no date yet
    extended_from: date | None  # the date before an extension, when one was granted
    status: str
    done_on: date | None
    done_by: str


def progress_rows(session: Session, *, today: date, timezone: str, plan_id: int | None = None,
                  agency_id: int | None = None) -> list[ProgressRow]:
    """Every live occurrence of the plan and/or agency (the agency's groups included), in plan order."""
    agencies = with_groups(session, [agency_id]) if agency_id is not None else None
    query = _scoped(live_occurrences(), plan_id, agencies)
    zone = ZoneInfo(timezone)
    found = session.scalars(query).unique().all()
    names = contact_names(session, (o.done_by for o in found))
    keyed = []
    for o in found:
        task, plan = o.milestone.task, o.milestone.task.plan
        day = shown_day(o)
        done_on = done_day(o, zone)
        granted = sorted((e for e in o.extensions if e.status == ExtensionStatus.APPROVED), key=lambda e: e.id)
        keyed.append(((plan.id, task.position, task.id, day, o.milestone.position), ProgressRow(
            plan_id=plan.id, plan_title=plan.title, plan_number=plan.number, task_number=task.number or "",
            content=task.content, leads=_agencies(task, Role.LEAD), supports=_agencies(task, Role.SUPPORT),
            label=o.milestone.label or o.period or "", due=day,
            extended_from=granted[0].previous_due if o.moved_to is not None and granted else None,
            status=status_of(o.status, day, done_on, today, extended=o.moved_to is not None),
            done_on=done_on, done_by=actor_name(o.done_by, names) if done_on else "")))
    seen = {key[2] for key, _ in keyed}
    for task in session.scalars(_tasks(plan_id, agencies).where(Task.id.not_in(seen) if seen else true())):
        keyed.append(((task.plan_id, task.position, task.id, date.max, 0), _undated(task)))
    return [row for _, row in sorted(keyed, key=lambda pair: pair[0])]


def _tasks(plan_id: int | None, agencies: set[int] | None) -> Select[tuple[Task]]:
    """Live tasks in scope: those without any dated deadline are listed too (an event not yet recorded, a date
    another plan sets), so the report has every task."""
    return _scoped(select(Task).join(Task.plan).where(*LIVE_TASK)
                   .options(joinedload(Task.plan), selectinload(Task.assignments).joinedload(Assignment.agency)),
                   plan_id, agencies)


def _scoped(query: Select, plan_id: int | None, agencies: set[int] | None) -> Select:
    """``query`` (over tasks) narrowed to one plan and/or to the tasks assigned to ``agencies``."""
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    if agencies is not None:
        query = query.where(assigned_to(agencies))
    return query


def _undated(task: Task) -> ProgressRow:
    return ProgressRow(plan_id=task.plan.id, plan_title=task.plan.title, plan_number=task.plan.number,
                       task_number=task.number or "", content=task.content, leads=_agencies(task, Role.LEAD),
                       supports=_agencies(task, Role.SUPPORT), label=task.deadline_text, due=None,
                       extended_from=None, status="Chưa có ngày hạn", done_on=None, done_by="")


def status_of(state: str, day: date, done_on: date | None, today: date, *, extended: bool) -> str:
    """"Đúng hạn", "Trễ N ngày", "Quá hạn N ngày", "Đang thực hiện", "Đã hủy"; "(được gia hạn)" when extended."""
    if state == OccurrenceStatus.DONE:
        late = days_late(done_on, day)
        text = f"Trễ {late} ngày" if late else "Đúng hạn"
    elif day < today:
        text = f"Quá hạn {(today - day).days} ngày"
    else:
        text = "Đang thực hiện"
    return f"{text} (được gia hạn)" if extended else text


def report_title(session: Session, *, plan_id: int | None, agency_id: int | None) -> str:
    parts = []
    if plan_id is not None and (plan := session.get(Plan, plan_id)) is not None:
        parts.append(f"Kế hoạch {plan.number}" if plan.number else plan.title)
    if agency_id is not None and (agency := session.get(Agency, agency_id)) is not None:
        parts.append(agency.name)
    return "Báo cáo tiến độ thực hiện" + (" – " + ", ".join(parts) if parts else "")


def _agencies(task: Task, role: str) -> str:
    return "; ".join(a.agency.name for a in task.assignments if a.role == role)


