"""Task tables → TaskDrafts: column mapping, repeated headers, page-break continuations, shifted columns."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from config.agencies import AgencyDirectory, normalise
from ingest.cells import joined
from ingest.document import Document, Paragraph
from ingest.draft import TaskDraft
from ingest.grid import TT_CELL
from ingest.roles import Roles, split_roles

_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# "Phụ lục số 01: …", "PHỤ LỤC 3.", "Phụ lục II - …" (Roman numbers are the same appendices: II = 02)
_APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)\s*(?:số|SỐ)?\s*(?:0*(\d+)|(" + "|".join(reversed(_ROMANS)) + r"))\b"
                       r"\s*[-–:.]?\s*(.*)$")
_ROMAN = re.compile(r"^(?:" + "|".join(_ROMANS) + ")$")
UNNUMBERED = ("Hàng không có số thứ tự nhưng có đủ nội dung, cơ quan và thời hạn: đọc như một nhiệm vụ riêng, "
              "cần kiểm tra lại.")
_COMPLETE_CELL = re.compile(r"[.;!?…:)”\"]\s*$")  # a cell that ends as a sentence or list ends


@dataclass
class _Context:
    appendix: str | None = None
    title: str | None = None


def column_map(header: list[str]) -> dict[str, int] | None:
    """Column index per role, or None when the row is not the header of a task table."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        text = cell.lower()
        if i == 0 and TT_CELL.match(text):
            found["number"] = i
        elif any(w in text for w in ("thời gian", "thời hạn", "tiến độ", "hạn hoàn thành", "thời điểm")):
            found.setdefault("deadline", i)
        elif "phối hợp" in text:
            found.setdefault("support", i)
        elif (any(w in text for w in ("chủ trì", "thực hiện", "trách nhiệm"))
              and any(w in text for w in ("cơ quan", "bộ phận", "đơn vị"))) or text.strip().startswith("chủ trì"):
            found.setdefault("lead", i)
        elif "nội dung" in text or "nhiệm vụ" in text:
            found.setdefault("content", i)
        elif "sản phẩm" in text or "kết quả" in text:
            found.setdefault("product", i)
        elif "ghi chú" in text:
            found.setdefault("note", i)
    if "number" in found and "content" in found and ("lead" in found or "deadline" in found):
        return found
    return None


def extract_tasks(document: Document, directory: AgencyDirectory, context: str | None) -> tuple[list[TaskDraft],
                                                                                             list[str]]:
    """All tasks of the document's task tables, in order, with the warnings about the tables themselves."""
    tasks: list[TaskDraft] = []
    warnings: list[str] = []
    where = _Context()
    pending_title = False
    columns: dict[str, int] | None = None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            heading = _APPENDIX.match(block.text.strip())
            if heading:
                number = int(heading.group(1)) if heading.group(1) else _ROMANS.index(heading.group(2)) + 1
                where = _Context(appendix=str(number), title=heading.group(3).strip() or None)
                pending_title = where.title is None
            elif pending_title:
                where.title, pending_title = block.text.strip(), False
            continue
        for i, row in enumerate(block.rows):
            header = column_map(row)
            if header:
                columns = header
                continue
            if columns is None:
                continue
            _read_row(row, columns, where, tasks, warnings, directory, context,
                      continued=i in block.continued, flattened=block.flattened)
    _unique_keys(tasks)
    return tasks, warnings


def _read_row(row: list[str], columns: dict[str, int], where: _Context, tasks: list[TaskDraft], warnings: list[str],
              directory: AgencyDirectory, context: str | None, *, continued: bool = False,
              flattened: bool = False) -> None:
    width = max(columns.values()) + 1
    row_warnings: list[str] = []
    if len(row) > width and not flattened:
        row = _unshift(row, width, directory, context)
        row_warnings.append("Hàng có nhiều ô hơn tiêu đề bảng: đã ghép hai ô liền nhau, cần kiểm tra lại.")
    elif flattened and len(row) > width:
        row_warnings.extend(row[width:])
        row = row[:width]
    cells = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
    number = cells["number"].strip().rstrip(".")
    if _is_section(number, cells):
        where.appendix, where.title = number, cells["content"].strip() or None
        return
    if not any(v.strip() for v in cells.values()):
        return
    if not number and tasks and not flattened and tasks[-1].appendix_number == where.appendix:
        if continued or _continues(tasks[-1].__dict__.get("_raw", {}), cells):
            _continue(tasks[-1], cells, directory, context)  # a row the page break cut
            return
        row_warnings.append(UNNUMBERED)
    tasks.append(_task(cells, number or None, where, row_warnings, directory, context))


def _is_section(number: str, cells: dict[str, str]) -> bool:
    """A row that heads a section of the table: "I | Cải cách thể chế", "B | …", "2 | CẢI CÁCH THỦ TỤC …"."""
    if not number or any(cells.get(c, "").strip() for c in ("lead", "support", "deadline", "product")):
        return False
    return bool(_ROMAN.match(number) or re.fullmatch(r"[A-ZĐ]", number)
                or (number.isdigit() and cells.get("content", "").isupper()))


def _continues(above: dict[str, str], cells: dict[str, str]) -> bool:
    """Whether a row without TT is the rest of the row above, cut by a page break.

    It is a task of its own only when it reads as one: the content above ends its sentence, and this row
    has its own content, agency and deadline, each opening as a cell opens (a capital, a digit or a bullet).
    """
    if not _COMPLETE_CELL.search(above.get("content", "")):
        return True
    own = [cells.get(name, "").strip() for name in ("content", "deadline")]
    own.append(cells.get("lead", "").strip() or cells.get("support", "").strip())
    return not all(cell and (cell[0].isupper() or cell[0].isdigit() or cell[0] in "-+•*–") for cell in own)


def _unshift(row: list[str], width: int, directory: AgencyDirectory, context: str | None) -> list[str]:
    """Join the adjacent pair of cells that a converter split ("Trung tâm" | "PVHCC.")."""
    best = None
    for i in range(1, len(row) - 1):
        merged = f"{row[i]} {row[i + 1]}".strip()
        if directory.is_known(merged.rstrip(". "), context=context):
            best = i
            break
    if best is None:
        best = next((i for i in range(1, len(row) - 1) if row[i] and not row[i].rstrip().endswith((".", ";", ":"))),
                    len(row) - 2)
    fixed = [*row[:best], f"{row[best]} {row[best + 1]}".strip(), *row[best + 2:]]
    return fixed if len(fixed) <= width else _unshift(fixed, width, directory, context)


def _continue(task: TaskDraft, cells: dict[str, str], directory: AgencyDirectory, context: str | None) -> None:
    raw = task.__dict__.setdefault("_raw", {})
    for name, value in cells.items():
        if value.strip() and name != "number":
            raw[name] = _join_cell(raw.get(name, ""), value)
    _fill(task, raw, directory, context)


def _join_cell(upper: str, lower: str) -> str:
    if not upper:
        return lower
    first, _, rest = lower.partition("\n")
    return upper + " " + first + ("\n" + rest if rest else "")


def _task(cells: dict[str, str], number: str | None, where: _Context, warnings: list[str],
          directory: AgencyDirectory, context: str | None) -> TaskDraft:
    task = TaskDraft(key="", appendix_number=where.appendix, appendix_title=where.title, number=number,
                     content="", product=None, lead=[], support=[], synthesis=[], deadline_text="",
                     milestones=[], warnings=list(warnings))
    task.__dict__["_raw"] = dict(cells)
    _fill(task, cells, directory, context)
    return task


def _fill(task: TaskDraft, raw: dict[str, str], directory: AgencyDirectory, context: str | None) -> None:
    task.content = joined(raw.get("content", ""))
    task.product = raw.get("product", "").strip() or None
    roles = Roles()
    for column, default in (("lead", "lead"), ("support", "support")):
        found = split_roles(raw.get(column, ""), default, directory, context)
        for role in ("lead", "support", "synthesis"):
            roles.add(role, getattr(found, role))
    task.lead, task.support, task.synthesis = roles.lead, roles.support, roles.synthesis
    task.deadline_text = joined(raw.get("deadline", ""))


def _unique_keys(tasks: list[TaskDraft]) -> None:
    seen: set[str] = set()
    for task in tasks:
        key = f"{task.appendix_number}-{task.number}" if task.number else ""
        if not key or key in seen:
            digest = hashlib.sha256(normalise(task.content).encode()).hexdigest()[:10]
            key = f"{task.appendix_number}-h{digest}"
        seen.add(key)
        task.key = key
        task.__dict__.pop("_raw", None)
