"""Upload → PlanDraft (ingest.read_plan) → stored draft plan (ingest.store.store_plan), with the re-import diff.

The diff compares the stored tasks and milestones of the plan before and after the import, by their
stable keys: what was added, changed and cancelled. It is computed here, from the database, so it shows
exactly what the importer wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ingest.errors import MAX_BYTES, TOO_LARGE, ImportRefused
from ingest.sniff import PLAN_SUFFIXES, SUFFIXES_TEXT
from ingest.store import store_plan
from models import Plan
from workrules.rules import current_work_rules

NOT_ALLOWED = f"Chỉ nhận tệp kế hoạch {SUFFIXES_TEXT}."
MAX_NAME_BYTES = 200  # file systems allow 255 bytes per name; plans.source_name holds 255 characters
LONG_NAME = "Tên tệp dài quá; hãy đặt tên ngắn hơn (dưới 60 chữ) rồi tải lên lại."


@dataclass
class Diff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, list[str]]:
        return {"added": self.added, "changed": self.changed, "cancelled": self.cancelled}


def check_upload(name: str, size: int) -> None:
    """Refuse by name and size before any reader runs (the readers check the content itself)."""
    if Path(name).suffix.lower() not in PLAN_SUFFIXES:
        raise ImportRefused(NOT_ALLOWED)
    if len(Path(name).name.encode("utf-8")) > MAX_NAME_BYTES:
        raise ImportRefused(LONG_NAME)
    if size > MAX_BYTES:
        raise ImportRefused(TOO_LARGE)


def import_file(session: Session, path: Path, plan_year: int | None, config_dir: Path, *,
                replaces: int | None = None) -> tuple[Plan, Diff | None, int | None]:
    """Read and store one plan in the caller's transaction. Raises ImportRefused.

    Returns the stored plan, the diff of a draft re-imported in place, and the live plan's id when the file was a
    new version of a published plan (then the stored plan is its pending revision: ingest.revisions)."""
    from config.agencies import AgencyDirectory
    from ingest import read_plan

    draft = read_plan(path, plan_year=plan_year)  # refuses a bad file before anything is stored
    directory = AgencyDirectory.load(Path(config_dir) / "agencies.toml")
    previous = session.scalars(select(Plan).where(or_(
        Plan.content_hash == draft.content_hash,
        (Plan.number == draft.number) & (Plan.issuer == draft.issuer) if draft.number else False,
        Plan.id == replaces if replaces is not None else False))).all()
    before = {p.id: shape(p) for p in previous}
    result = store_plan(session, draft, directory, replaces=replaces, rules=current_work_rules(config_dir))
    plan = session.get_one(Plan, result.plan_id)
    session.flush()
    session.refresh(plan)
    revision_of = result.revision_of
    changes = diff(before[plan.id], shape(plan)) if plan.id in before and revision_of is None else None
    return plan, changes, revision_of


def shape(plan: Plan) -> dict[str, Any]:
    """Per task key: its text and, per milestone key, the fields a reader of the calendar would notice."""
    from web.review_summary import task_label

    return {t.key: {"label": task_label(t),  # appendix, section, number and content cut at a word
                    "live": t.cancelled_at is None, "content": t.content, "deadline": t.deadline_text,
                    "milestones": {m.key: (m.cancelled_at is None, m.kind, m.due, m.rrule, m.label, m.event)
                                   for m in t.milestones}}
            for t in plan.tasks}


def diff(before: dict[str, Any], after: dict[str, Any]) -> Diff:
    result = Diff()
    for key, task in after.items():
        old = before.get(key)
        if task["live"] and (old is None or not old["live"]):
            result.added.append(task["label"])
        elif not task["live"] and old is not None and old["live"]:
            result.cancelled.append(task["label"])
        elif task["live"] and (old["content"], old["deadline"], old["milestones"]) != \
                (task["content"], task["deadline"], task["milestones"]):
            result.changed.append(task["label"])
    return result
