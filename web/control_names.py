"""What a link or button that acts on one task or deadline says to a screen reader.

A page lists many tasks with the same words ("Báo cáo kết quả thực hiện", numbered 1 in each appendix) and the same
buttons ("Đánh dấu hoàn thành"); read out of their rows, in a screen reader's list of controls, they must still say
which task they act on: the task's words, its deadline, and where it sits (plan number, appendix, section, number).
Registered as template globals by web.templating.
"""

from __future__ import annotations

from models import Milestone, Occurrence, Task
from web.review_summary import short, task_heading


def task_place(task: Task) -> str:
    """"12/KH-UBND · PL 2 · Mục II · TT 2": the plan and the task's place in it."""
    return f"{task.plan.number or short(task.plan.title, 40)} · {task_heading(task)}"


def deadline_name(task: Task, milestone: Milestone, occurrence: Occurrence, day: str) -> str:
    """"2. Báo cáo tình hình an ninh (Quý I), hạn 09/12/2026 — 12/KH-UBND · TT 2", after a button's verb;
    ``day`` as the page writes it (the vn_date filter)."""
    number = f"{task.number}. " if task.number else ""
    period = f" ({occurrence.period})" if occurrence.period else ""
    return f"{number}{short(milestone.label or task.content, 80)}{period}, hạn {day} — {task_place(task)}"
