"""Document → PlanDraft: the one plan builder every reader feeds, so any format gives the same tasks."""

from __future__ import annotations

import hashlib
import re

from config.agencies import AgencyDirectory, PlanScope, normalise
from deadlines import parse, parse_day_rules
from ingest.content_deadline import FROM_CONTENT, deadline_in_content
from ingest.document import Document, Paragraph
from ingest.draft import PlanDraft, TaskDraft
from ingest.errors import NO_TASK_TABLE, ImportRefused
from ingest.metadata import Metadata, read_metadata
from ingest.prose import obligations, rule_sentences, section_paragraphs
from ingest.tasks import extract_tasks

NO_LEAD = "Không xác định được cơ quan chủ trì."
NO_DEADLINE = "Ô thời gian hoàn thành để trống."
# A deadline cell is a few lines; one far longer is a misread table (a whole column in one cell) or garbage, and
# every milestone read from it becomes rows and reminders. Past this many characters only the start is read.
MAX_DEADLINE_CELL = 2_000
_CUT_BEFORE = re.compile(r".*[\n;.,]|.*\s", re.DOTALL)  # the last break at or before the limit, else the last blank


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
    if not task.deadline_text and task.origin == "table" and _deadline_from_content(task, year, rules):
        return
    if not task.deadline_text:
        task.warnings.append(NO_DEADLINE)
        return
    text = deadline_read(task.deadline_text)
    task.milestones = list(parse(text, year, rules=tuple(rules)))
    if text != task.deadline_text:  # on the task (import report) and its first milestone (stored, reviewed)
        clipped = (f"Ô thời hạn dài {_number(len(task.deadline_text))} ký tự, quá giới hạn "
                   f"{_number(MAX_DEADLINE_CELL)}: chỉ đọc {_number(len(text))} ký tự đầu; phần còn lại cần "
                   f"kiểm tra và nhập tay nếu có thời hạn.")
        task.warnings.append(clipped)
        if task.milestones:
            task.milestones[0].warnings.append(clipped)


def _deadline_from_content(task: TaskDraft, year: int, rules: list) -> bool:
    """A row without a deadline cell: the dated deadline its own text writes, flagged on every milestone."""
    phrase = deadline_in_content(task.content)
    milestones = [m for m in parse(phrase, year, rules=tuple(rules)) if m.due or m.occurrences] if phrase else []
    if not milestones:
        return False
    warning = FROM_CONTENT.format(phrase)
    for milestone in milestones:
        milestone.warnings.append(warning)
    task.deadline_text, task.milestones = phrase, milestones
    task.warnings.append(warning)
    return True


def deadline_read(text: str) -> str:
    """The part of a deadline cell that is read: all of it up to ``MAX_DEADLINE_CELL`` characters, else the start
    up to the last break before the limit (never half a date)."""
    if len(text) <= MAX_DEADLINE_CELL:
        return text
    head = text[:MAX_DEADLINE_CELL]
    if not (text[MAX_DEADLINE_CELL].isspace() or text[MAX_DEADLINE_CELL] in ";,."):
        cut = _CUT_BEFORE.match(head)
        head = head[:cut.end()] if cut and cut.end() > MAX_DEADLINE_CELL // 2 else head
    return head.rstrip()


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Vietnamese groups thousands with dots


def content_hash(document: Document) -> str:
    """sha256 of the document's text, normalised (case, spaces, tone marks), so a re-import is recognised."""
    parts: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            parts.append(normalise(block.text))
        else:
            parts.extend("\t".join(normalise(c) for c in row) for row in block.rows)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
