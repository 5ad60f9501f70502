"""What the review page says about a plan before the admin reads it: how many tasks, which need checking and why.

Every warning is put on its task (a reader's warning that names a row "TT 2: …" goes to the task with that number
and content), each task gets a label that tells it apart from the others with the same number, and the flagged
tasks are chained so the admin can fix one and go to the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from deadlines.normalize import fold
from models import Milestone, Plan, Task
from web.recurrence_form import fields_of, normalize, words

# warning kind → what the summary calls it
KINDS = {
    "deadline": "Thời hạn chưa xác định",
    "reading": "Cảnh báo khi đọc thời hạn",
    "agency": "Cơ quan chưa có trong danh bạ",
    "lead": "Chưa có cơ quan chủ trì",
    "table": "Cảnh báo khi đọc bảng",
}
_ROW = re.compile(r"\(TT\s+(?P<number>[^:)]+?)\s*:\s*(?P<content>[^)]*)\)?\s*$")
LABEL_CONTENT = 70


@dataclass
class Flag:
    kind: str
    text: str
    anchor: str  # the element to jump to: the milestone or the task


@dataclass
class TaskCheck:
    heading: str  # "PL 2 · Mục II · TT 2"
    label: str  # the heading and the start of the content: tells apart tasks with the same number
    flags: list[Flag] = field(default_factory=list)
    next_anchor: str | None = None  # the next task that needs checking


def short(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word, never mid-word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut.rstrip(',;:.')}…"


def task_heading(task: Task) -> str:
    """"PL 2 · Mục II · TT 2": appendix, section and number (or, without a number, the lead agencies)."""
    parts = []
    if task.appendix_number:
        parts.append(f"PL {task.appendix_number}")
    section = (task.section or "").split(">")[-1].strip()[:30]
    if section and section != task.appendix_number:
        parts.append(f"Mục {section}")
    if task.number:
        parts.append(f"TT {task.number}")
    else:  # a paragraph of the plan's prose: the same sentence is often given to several agencies, one each
        leads = ", ".join(a.agency.name for a in task.assignments if a.role == "lead")
        parts.append(f"Nhiệm vụ của {leads}" if leads else "Nhiệm vụ")
    return " · ".join(parts)


def task_label(task: Task) -> str:
    """"PL 2 · Mục II · TT 2 — Rà soát văn bản quy phạm…": the heading and the start of the content."""
    return f"{task_heading(task)} — {short(task.content, LABEL_CONTENT)}"


def _milestone_flags(m: Milestone) -> list[Flag]:
    if m.cancelled_at is not None:
        return []
    anchor = f"milestone-{m.id}"
    flags = [Flag("reading", w, anchor) for w in m.warnings or []]
    if m.kind == "unresolved":
        flags.append(Flag("deadline", f"Chưa hiểu được thời hạn: «{short(m.source or '', 80)}».", anchor))
    return flags


def _task_flags(task: Task) -> list[Flag]:
    flags = [f for m in task.milestones for f in _milestone_flags(m)]
    if not task.milestones:
        flags.append(Flag("deadline", "Không đọc được thời hạn nào.", f"task-{task.id}"))
    for a in task.assignments:
        if a.agency.needs_review:
            flags.append(Flag("agency", f"«{a.agency.name}» chưa có trong danh bạ: chọn cơ quan đúng.",
                              f"assignment-{a.id}"))
    if not any(a.role == "lead" for a in task.assignments):
        flags.append(Flag("lead", "Không xác định được cơ quan chủ trì.", f"task-{task.id}"))
    return flags


def _owner(warning: str, tasks: list[Task]) -> Task | None:
    """The task a reader's warning names by its row ("… (TT 2: Rà soát …)"), when exactly one fits."""
    found = _ROW.search(warning)
    if not found:
        return None
    number, start = found["number"].strip(), fold(found["content"].rstrip("…. ")).folded[:40]
    fits = [t for t in tasks if (t.number or "?") == number]
    if len(fits) > 1:
        fits = [t for t in fits if fold(" ".join(t.content.split())).folded.startswith(start)]
    return fits[0] if len(fits) == 1 else None


def review_summary(plan: Plan) -> dict[str, Any]:
    """``checks`` per task id, ``counts`` per warning kind, the flagged tasks in order, and the plan's own warnings."""
    live = [t for t in plan.tasks if t.cancelled_at is None]
    checks = {t.id: TaskCheck(task_heading(t), task_label(t), _task_flags(t)) for t in plan.tasks}
    plan_warnings = []
    for warning in plan.warnings or []:
        owner = _owner(warning, live)
        if owner is None:
            plan_warnings.append(warning)
        else:
            text = _ROW.sub("", warning).strip()  # the row reference is the task it now sits on
            checks[owner.id].flags.append(Flag("table", text, f"task-{owner.id}"))
    flagged = [t for t in live if checks[t.id].flags]
    for here, there in pairwise(flagged):
        checks[here.id].next_anchor = f"task-{there.id}"
    counts = {kind: sum(1 for t in flagged for f in checks[t.id].flags if f.kind == kind) for kind in KINDS}
    manual = sum(1 for t in live
                 if any(m.manual_override for m in t.milestones) or any(a.manual for a in t.assignments))
    return {"checks": checks, "flagged": flagged, "counts": {k: n for k, n in counts.items() if n},
            "kind_names": KINDS, "plan_warnings": plan_warnings, "live_count": len(live), "manual_count": manual}


def shown_tasks(plan: Plan, checks: dict[int, TaskCheck], only_flagged: bool, kind: str | None) -> list[Task]:
    """The tasks the page lists: all of them, or only those that need checking (of one warning kind)."""
    if not only_flagged:
        return list(plan.tasks)
    return [t for t in plan.tasks if t.cancelled_at is None and checks[t.id].flags
            and (kind is None or any(f.kind == kind for f in checks[t.id].flags))]


def recurrence_view(m: Milestone) -> dict[str, Any]:
    """The recurring form's starting values: the fields, their words and the RRULE text (one rule per line)."""
    fields = fields_of(m.rrule)
    return {"fields": fields, "words": words(fields), "text": normalize(m.rrule)}
