"""Document → PlanDraft: the one plan builder every reader feeds, so any format gives the same tasks."""

from __future__ import annotations

import hashlib

from config.agencies import AgencyDirectory, PlanScope, normalise
from deadlines import parse, parse_day_rules
from ingest.document import Document, Paragraph
from ingest.draft import PlanDraft, TaskDraft
from ingest.errors import NO_TASK_TABLE, ImportRefused
from ingest.metadata import Metadata, read_metadata
from ingest.prose import obligations, rule_sentences, section_paragraphs
from ingest.tasks import extract_tasks

NO_LEAD = "Không xác định được cơ quan chủ trì."
NO_DEADLINE = "Ô thời gian hoàn thành để trống."


def build_plan(document: Document, *, plan_year: int | None = None,
               directory: AgencyDirectory | None = None) -> PlanDraft:
    """The plan draft of ``document``; raises ImportRefused when it holds no task table."""
    directory = directory or AgencyDirectory.load()
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    meta = metadata_of(document)
    scope = directory.scope(meta.issuer, meta.recipients)
    context = scope.context
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
                     obligations=prose, rules=rules,
                     warnings=[*document.warnings, *warnings, *_scope_warnings(scope, meta.issuer, directory)],
                     recipients=meta.recipients)


def metadata_of(document: Document) -> Metadata:
    """The plan's number, title, issuer…: from its opening paragraphs (its tables only for the province it names)."""
    paragraphs = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    cells = [cell for b in document.blocks if not isinstance(b, Paragraph) for row in b.rows for cell in row]
    return read_metadata(paragraphs, elsewhere=cells)


def _scope_warnings(scope: PlanScope, issuer: str | None, directory: AgencyDirectory) -> list[str]:
    """Say so when the plan's names are not read in the province's directory, or when its issuer is unknown."""
    if scope.guessed:
        return [f"Không xác định được cơ quan ban hành: tên các cơ quan được hiểu theo danh bạ tỉnh "
                f"{directory.province}, cần kiểm tra lại."]
    if scope.local:
        return []
    return [f"Kế hoạch của {issuer}: tên cơ quan được giữ như văn bản ghi (đánh dấu cần xem lại), không gán cho cơ "
            f"quan của tỉnh {directory.province}; phần giao cho UBND cấp tỉnh là nhiệm vụ của UBND tỉnh."]


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
