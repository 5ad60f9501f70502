"""Document → PlanDraft: the one plan builder every reader feeds, so any format gives the same tasks."""

from __future__ import annotations

import hashlib

from config.agencies import AgencyDirectory, normalise
from deadlines import parse, parse_day_rules
from ingest.document import Document, Paragraph
from ingest.draft import PlanDraft, TaskDraft
from ingest.errors import NO_TASK_TABLE, ImportRefused
from ingest.metadata import read_metadata
from ingest.prose import obligations, rule_sentences, section_paragraphs
from ingest.tasks import extract_tasks

NO_LEAD = "Không xác định được cơ quan chủ trì."
NO_DEADLINE = "Ô thời gian hoàn thành để trống."


def build_plan(document: Document, *, plan_year: int | None = None,
               directory: AgencyDirectory | None = None) -> PlanDraft:
    """The plan draft of ``document``; raises ImportRefused when it holds no task table."""
    directory = directory or AgencyDirectory.load()
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    meta = read_metadata(paragraphs)
    context = _context(meta.issuer, directory)
    tasks, warnings = extract_tasks(document, directory, context)
    if not tasks:
        raise ImportRefused(NO_TASK_TABLE)
    year = plan_year or meta.plan_year or (meta.issued_on.year + 1 if meta.issued_on else None)
    if year is None:
        raise ImportRefused("Không xác định được năm của kế hoạch; hãy chỉ rõ năm kế hoạch.")
    rules = [rule for sentence in rule_sentences(section_paragraphs(paragraphs)) for rule in
             parse_day_rules(sentence, year)]
    prose = obligations(paragraphs, directory, context)
    for item in [*tasks, *prose]:
        _complete(item, year, rules)
    return PlanDraft(number=meta.number, title=meta.title, issuer=meta.issuer, place=meta.place,
                     issued_on=meta.issued_on, plan_year=year, implements=meta.implements,
                     source_name=document.source_name, content_hash=content_hash(document), tasks=tasks,
                     obligations=prose, rules=rules, warnings=[*document.warnings, *warnings])


def _context(issuer: str | None, directory: AgencyDirectory) -> str | None:
    """The plan's own government, whose offices its unqualified names ("Văn phòng HĐND&UBND") mean."""
    agency = directory.resolve(issuer) if issuer else None
    return agency.id if agency and agency.kind == "ubnd" and agency.level != "tinh" else None


def _complete(task: TaskDraft, year: int, rules: list) -> None:
    if not task.lead:
        task.warnings.append(NO_LEAD)
    if not task.deadline_text:
        task.warnings.append(NO_DEADLINE)
        return
    task.milestones = list(parse(task.deadline_text, year, rules=tuple(rules)))


def content_hash(document: Document) -> str:
    """sha256 of the document's text, normalised (case, spaces, tone marks), so a re-import is recognised."""
    parts: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            parts.append(normalise(block.text))
        else:
            parts.extend("\t".join(normalise(c) for c in row) for row in block.rows)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
