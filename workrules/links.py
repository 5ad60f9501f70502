"""Cross-plan links: "Theo lộ trình Kế hoạch số 220/KH-UBND" points at plan 220/KH-UBND once it is imported.

A ``by_reference`` milestone whose reference cites a document number is linked (``linked_plan_id``) to the
plan with that number, whichever of the two is imported first: ``link_references`` runs after every import
and looks both ways. The link is a soft reference (no foreign key): a deleted plan no longer matches, and
the next import of a plan with that number links again. Numbers compare without spaces, case or diacritics
("220/KH-UBND" = "220 / kh-ubnd"); when several plans share a number, the cited date and issuer decide, and
a doubt links nothing.

The task page then lists the cited plan's tasks that match the task (shared words), with their dates, and the
admin may adopt one of those dates in one action (``adopt``): a manual override that records where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from deadlines.model import Kind
from deadlines.normalize import fold
from models import AuditLog, Milestone, Occurrence, OccurrenceStatus, Plan, Task
from models.live import MILESTONE_KEPT
from models.revisions import PlanRevision
from workrules.dates import PlanFacts, Wanted, sync
from workrules.rules import WorkRules

MATCH_LIMIT = 5
MIN_SIMILARITY = 0.2
_WORD = re.compile(r"[a-z0-9]+")
# Words every task uses: they say nothing about which task it is.
_COMMON = frozenset((
    "cac", "cua", "va", "cho", "voi", "trong", "tren", "theo", "de", "la", "co", "duoc", "nhung", "mot", "so", "ve",
    "tai", "tu", "den", "khi", "nay", "do", "thuc", "hien", "to", "chuc", "trien", "khai", "nam", "ke", "hoach",
    "nhiem", "vu", "cong", "tac", "bao", "cao", "ket", "qua", "tinh", "huyen", "xa", "ubnd", "dia", "ban", "can",
    "cu", "quy", "dinh", "tiep", "tuc", "nang", "chat", "luong", "hieu", "dam"))


def number_key(number: str | None) -> str:
    """"220/KH-UBND", "220 /KH - UBND", "số 220/kh-ubnd" → "220/kh-ubnd"."""
    text = fold(number or "").folded
    text = re.sub(r"^\s*so\s*", "", text)
    return re.sub(r"\s+", "", text)


def cited_number(milestone: Any) -> str | None:
    """The document number a by_reference milestone cites, as its key; None when it cites none."""
    return cited_key(milestone.kind, milestone.reference)


def cited_key(kind: str, reference: Any) -> str | None:
    """``cited_number`` from a milestone's stored values (what the importer writes to ``milestones.cited_key``)."""
    if kind != Kind.BY_REFERENCE or not isinstance(reference, dict):
        return None
    document = reference.get("document") or {}
    key = number_key(document.get("number"))
    return key[:100] if "/" in key else None


def link_references(session: Session, plan_id: int) -> int:
    """Link the plan's citing milestones to the plans they cite, and other plans' milestones citing it to it.
    Returns how many links were set or changed. Flushes.

    Runs after every import, so its cost must not grow with the database: other plans' citations are found by
    the indexed ``milestones.cited_key``, candidate plans narrowed in SQL by the digits of the numbers involved
    (a cheap superset), then compared exactly here.
    """
    this = session.execute(select(Plan.id, Plan.number).where(Plan.id == plan_id)).first()
    if this is None:
        return 0
    citing = (select(Milestone, Task.plan_id).join(Milestone.task)
              .where(Milestone.kind == Kind.BY_REFERENCE.value, MILESTONE_KEPT))
    mine = [(m, owner) for m, owner in session.execute(citing.where(Task.plan_id == plan_id))]
    own_key = number_key(this.number)
    others = []
    if this.number and own_key:
        near = citing.where(Task.plan_id != plan_id, Milestone.cited_key == own_key[:100])
        others = [(m, owner) for m, owner in session.execute(near) if cited_number(m) == own_key]
    pairs = [*mine, *others]
    keys = {key for m, _ in pairs if (key := cited_number(m))}
    by_number = _plans_by_number(session, keys)
    changed = 0
    for milestone, owner in pairs:
        key = cited_number(milestone)
        target = _choose(by_number.get(key, []), milestone.reference.get("document") or {}, owner) if key else None
        if milestone.linked_plan_id != target:
            milestone.linked_plan_id = target
            changed += 1
    session.flush()
    return changed


def _digits(key: str) -> str:
    """The first run of digits of a number key ("220/kh-ubnd" → "220"): what any spelling of it contains."""
    found = re.search(r"\d+", key)
    return found.group() if found else ""


def _plans_by_number(session: Session, keys: set[str]) -> dict[str, list[Any]]:
    """The plans whose number is one of ``keys`` (a plan's other versions are not other plans)."""
    patterns = {d for key in keys if (d := _digits(key))}
    if not patterns:
        return {}
    rows = session.execute(select(Plan.id, Plan.number, Plan.issuer, Plan.issued_on, Plan.status)
                           .where(or_(*(Plan.number.like(f"%{d}%") for d in patterns)),
                                  Plan.id.not_in(select(PlanRevision.plan_id)))).all()
    found: dict[str, list[Any]] = {}
    for row in rows:
        if (key := number_key(row.number)) in keys:
            found.setdefault(key, []).append(row)
    return found


def _choose(candidates: list[Any], cited: dict[str, Any], citing_plan_id: int) -> int | None:
    """The one plan among ``candidates`` the citation means: same date when it gives one, same issuer when
    several remain; None when none or still several do."""
    found = [c for c in candidates if c.id != citing_plan_id]
    issued = cited.get("issued_on")
    if issued:
        found = [c for c in found if c.issued_on is None or c.issued_on == date.fromisoformat(issued)]
    if len(found) > 1 and cited.get("issuer"):
        issuer = fold(cited["issuer"]).folded
        same = [c for c in found if c.issuer and (issuer in fold(c.issuer).folded or fold(c.issuer).folded in issuer)]
        found = same or found
    return found[0].id if len(found) == 1 else None


@dataclass(frozen=True)
class CitedTask:
    """A task of the cited plan that matches the citing task, with its live occurrences."""

    task: Task
    similarity: float
    occurrences: list[Occurrence]


def matching_tasks(session: Session, milestone: Milestone, limit: int = MATCH_LIMIT) -> list[CitedTask]:
    """The cited plan's live tasks most alike the milestone's task (at least ``MIN_SIMILARITY`` of shared
    distinctive words), best first."""
    if milestone.linked_plan_id is None:
        return []
    mine = _words(f"{milestone.task.content} {milestone.task.product or ''}")
    tasks = session.scalars(select(Task).where(Task.plan_id == milestone.linked_plan_id, Task.cancelled_at.is_(None))
                            .options(selectinload(Task.milestones).selectinload(Milestone.occurrences))).all()
    scored = []
    for task in tasks:
        theirs = _words(f"{task.content} {task.product or ''}")
        similarity = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
        if similarity >= MIN_SIMILARITY:
            live = [o for m in task.milestones if m.cancelled_at is None for o in m.occurrences
                    if o.status != OccurrenceStatus.CANCELLED]
            scored.append(CitedTask(task, similarity, sorted(live, key=lambda o: o.effective_due)))
    scored.sort(key=lambda c: (-c.similarity, c.task.position))
    return scored[:limit]


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text).folded) if len(w) > 1 and w not in _COMMON}


def adopt(session: Session, milestone: Milestone, occurrence_id: int, rules: WorkRules, *, actor: str,
          now: datetime) -> Occurrence:
    """Take over the date of one occurrence of the cited plan as this milestone's deadline: the milestone
    becomes a one-off due on that nominal date (a manual override naming its source), audited.

    Raises LookupError when the occurrence is not a live occurrence of the linked plan.
    """
    cited = session.get(Occurrence, occurrence_id)
    if cited is None or cited.status == OccurrenceStatus.CANCELLED or milestone.linked_plan_id is None \
            or cited.milestone.task.plan_id != milestone.linked_plan_id:
        raise LookupError(f"occurrence {occurrence_id} is not a live date of the plan milestone {milestone.id} cites")
    plan = cited.milestone.task.plan
    before = {"kind": milestone.kind, "due": milestone.due.isoformat() if milestone.due else None,
              "manual_override": milestone.manual_override}
    source = {"plan_id": plan.id, "plan_number": plan.number, "task_id": cited.milestone.task_id,
              "occurrence_id": cited.id, "due": cited.due.isoformat(), "strict": cited.milestone.strict}
    milestone.kind, milestone.due, milestone.strict = Kind.ONCE.value, cited.due, cited.milestone.strict
    milestone.manual_override = {**(milestone.manual_override or {}), "kind": Kind.ONCE.value,
                                 "due": cited.due.isoformat(), "adopted": source}
    facts = PlanFacts.of(milestone.task.plan)
    sync(milestone, Wanted([(cited.due, None)], milestone.strict), facts, rules)
    session.add(AuditLog(at=now, actor=actor, action="milestone.adopt", entity="milestones", entity_id=milestone.id,
                         before=before, after={"kind": milestone.kind, "due": cited.due.isoformat(), "adopted": source,
                                               "note": f"Áp dụng hạn {cited.due:%d/%m/%Y} của Kế hoạch "
                                                       f"{plan.number or plan.id}"}))
    session.flush()
    return cited

