"""What a pending revision would change on its live plan, field by field, and which of the admin's fixes it keeps.

Tasks are matched by their stable key, milestones by key (then by position, when only the label changed), and
compared on what a focal point would notice: content, product, the deadline as written, the agencies of each
role and each deadline's dates. Everything is read from the two stored plans, so the diff shows exactly what
publishing would copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from deadlines.model import Kind
from models.plans import Milestone, OccurrenceStatus, Plan, Task

ROLES = (("lead", "Chủ trì"), ("support", "Phối hợp"), ("synthesis", "Tổng hợp"))
KINDS = {Kind.CONTINUOUS.value: "thường xuyên", Kind.ON_EVENT.value: "khi có sự kiện",
         Kind.BY_REFERENCE.value: "theo văn bản khác", Kind.DONE.value: "đã hoàn thành",
         Kind.UNRESOLVED.value: "chưa đọc được"}
PLAN_FIELDS = (("number", "Số"), ("title", "Tên"), ("issuer", "Cơ quan ban hành"), ("plan_year", "Năm"))
NOTHING = "—"


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class TaskDiff:
    key: str
    label: str  # "PL 1 · 2.1"
    content: str  # the new content (the old one for a task the revision drops)
    state: str  # "added", "changed", "cancelled"
    old_id: int | None = None
    new_id: int | None = None
    changes: list[Change] = field(default_factory=list)


@dataclass
class Fix:
    label: str
    what: str
    kept: bool
    old_id: int | None = None
    new_id: int | None = None


@dataclass
class RevisionDiff:
    live: Plan
    revision: Plan
    plan_changes: list[Change] = field(default_factory=list)
    tasks: list[TaskDiff] = field(default_factory=list)
    unchanged: int = 0
    fixes: list[Fix] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for t in self.tasks if t.state == state)


def revision_diff(live: Plan, revision: Plan) -> RevisionDiff:
    result = RevisionDiff(live, revision)
    for name, label in PLAN_FIELDS:
        old, new = getattr(live, name), getattr(revision, name)
        if old != new:
            result.plan_changes.append(Change(label, _text(old), _text(new)))
    old_tasks = {t.key: t for t in live.tasks if t.cancelled_at is None}
    new_tasks = {t.key: t for t in revision.tasks if t.cancelled_at is None}
    for task in sorted(new_tasks.values(), key=lambda t: t.position):
        old = old_tasks.get(task.key)
        if old is None:
            result.tasks.append(TaskDiff(task.key, _label(task), task.content, "added", new_id=task.id,
                                         changes=[Change(c.field, NOTHING, c.new) for c in _task_changes(None, task)]))
            continue
        changes = _task_changes(old, task)
        if changes:
            result.tasks.append(TaskDiff(task.key, _label(task), task.content, "changed", old.id, task.id, changes))
        else:
            result.unchanged += 1
    for task in sorted(old_tasks.values(), key=lambda t: t.position):
        if task.key not in new_tasks:
            result.tasks.append(TaskDiff(task.key, _label(task), task.content, "cancelled", old_id=task.id))
    result.fixes = _fixes(old_tasks, new_tasks)
    return result


def _task_changes(old: Task | None, new: Task) -> list[Change]:
    changes: list[Change] = []
    for name, label in (("content", "Nội dung"), ("product", "Sản phẩm"), ("deadline_text", "Thời hạn (nguyên văn)")):
        before, after = (getattr(old, name) if old else None), getattr(new, name)
        if _text(before) != _text(after):
            changes.append(Change(label, _text(before), _text(after)))
    for role, label in ROLES:
        before, after = _agencies(old, role), _agencies(new, role)
        if before != after:
            changes.append(Change(label, before, after))
    changes += _milestone_changes(old.milestones if old else [], new.milestones)
    return changes


def _milestone_changes(old: list[Milestone], new: list[Milestone]) -> list[Change]:
    old_live = [m for m in old if m.cancelled_at is None]
    new_live = [m for m in new if m.cancelled_at is None]
    pairs: list[tuple[Milestone | None, Milestone | None]] = []
    by_key = {m.key: m for m in old_live}
    unmatched_new = []
    for milestone in new_live:
        match = by_key.pop(milestone.key, None)
        if match is None:
            unmatched_new.append(milestone)
        else:
            pairs.append((match, milestone))
    by_position = {m.position: m for m in by_key.values()}
    for milestone in unmatched_new:  # same place in the cell, new label: the same deadline reworded
        pairs.append((by_position.pop(milestone.position, None), milestone))
    pairs += [(m, None) for m in by_position.values()]
    changes = []
    for before, after in pairs:
        old_text, new_text = _deadline(before), _deadline(after)
        if old_text != new_text:
            name = (after or before).label  # type: ignore[union-attr]
            changes.append(Change(f"Hạn: {name}" if name else "Hạn", old_text, new_text))
    return changes


def _fixes(old_tasks: dict[str, Task], new_tasks: dict[str, Task]) -> list[Fix]:
    """The admin's fixes on the live plan: kept on the revision (copied by ingest.revisions) or gone with the row
    they fixed."""
    fixes: list[Fix] = []
    for key, task in old_tasks.items():
        new = new_tasks.get(key)
        new_milestones = {m.key: m for m in new.milestones} if new else {}
        for milestone in task.milestones:
            if not (milestone.manual_override or milestone.event_date) or milestone.cancelled_at is not None:
                continue
            kept = new_milestones.get(milestone.key)
            what = f"Hạn «{milestone.label or 'không nhãn'}» sửa tay: {_deadline(milestone)}"
            if kept is not None and new is not None:
                fixes.append(Fix(_label(task), f"{what} — văn bản mới ghi: «{_text(new.deadline_text)}»", True,
                                 task.id, new.id))
            else:
                fixes.append(Fix(_label(task), f"{what} — văn bản mới không còn hạn này", False, task.id))
        for assignment in task.assignments:
            if not assignment.manual:
                continue
            role = dict(ROLES)[assignment.role]
            what = f"{role} «{assignment.as_written}» → {assignment.agency.name} (chọn tay)"
            same = new is not None and any(a.manual and a.as_written == assignment.as_written
                                           and a.role == assignment.role for a in new.assignments)
            fixes.append(Fix(_label(task), what if same else f"{what} — văn bản mới không còn tên này", same,
                             task.id, new.id if new else None))
    return fixes


def _deadline(milestone: Milestone | None) -> str:
    if milestone is None:
        return NOTHING
    days = sorted(o.moved_to or o.effective_due for o in milestone.occurrences
                  if o.status != OccurrenceStatus.CANCELLED.value)
    if days:
        return ", ".join(_day(d) for d in days)
    kind = KINDS.get(milestone.kind, milestone.kind)
    detail = milestone.event or (milestone.reference or {}).get("text") if milestone.kind != Kind.CONTINUOUS else None
    return f"{kind}: {detail}" if detail else kind


def _agencies(task: Task | None, role: str) -> str:
    if task is None:
        return NOTHING
    names = sorted(a.agency.name for a in task.assignments if a.role == role)
    return "; ".join(names) or NOTHING


def _label(task: Task) -> str:
    parts = [f"PL {task.appendix_number}" if task.appendix_number else "", task.number or ""]
    return " · ".join(p for p in parts if p) or task.key


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _text(value: object) -> str:
    if value is None or value == "":
        return NOTHING
    return " ".join(str(value).split())
