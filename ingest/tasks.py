"""Task tables → TaskDrafts: headers, sections, merged cells, page-break continuations, shifted columns.

Every table row is one of: a header (its first line, its second line, a column-number row, or the header
repeated on a page or a later table), a section heading (``ingest.sections``), an elision ("…"), a task, or
the rest of the task above it. How a row without TT is read (see README "How plans are read"):

- under a TT cell merged with the row above (Word, ruled PDF): the same task, unless the row has its own
  content or agency and other cells of the task above are merged over it too (a group of tasks sharing
  their agency or their name): then it is a task of its own with the merged cells' text;
- in a table whose TT column is empty throughout: a task of its own;
- in text, where a merged cell is an empty cell: a task under the merged cells above (number and empty
  cells taken from the row above, flagged) when, after a finished sentence, it has its own content and
  deadline but no lead, or its own lead and support or deadline but no content;
- a full row of its own (content, agency and deadline after a finished sentence): a task without number,
  flagged; anything else: the rest of the row above, cut by a page break.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from config.agencies import AgencyDirectory, normalise
from ingest.cells import joined
from ingest.columns import Columns, is_column_numbers, read_header, sub_header
from ingest.content_deadline import deadline_in_content
from ingest.document import Document, Paragraph, Table
from ingest.draft import TaskDraft
from ingest.grid import TT_CELL
from ingest.roles import Roles, split_roles
from ingest.sections import LABEL, SectionPath, follows, heading, is_letter_or_roman, rank, same_kind, split_label

_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# "Phụ lục số 01: …", "PHỤ LỤC 3.", "Phụ lục II - …" (Roman numbers are the same appendices: II = 02)
_APPENDIX = re.compile(r"^(?:PHỤ LỤC|Phụ lục)\s*(?:số|SỐ)?\s*(?:0*(\d+)|(" + "|".join(reversed(_ROMANS)) + r"))\b"
                       r"\s*[-–:.]?\s*(.*)$")
UNNUMBERED = ("Hàng không có số thứ tự nhưng có đủ nội dung, cơ quan và thời hạn: đọc như một nhiệm vụ riêng, "
              "cần kiểm tra lại.")
INHERITED = "Ô {} để trống: lấy theo ô của hàng trên (ô gộp), cần kiểm tra lại."
_COMPLETE_CELL = re.compile(r"[.;!?…:)”\"]\s*$")  # a cell that ends as a sentence or list ends
_ITEM = re.compile(r"[a-zđ]\)?|[-+•]")  # "a)", "b", "-": the items of the row above
_ELISION = re.compile(r"^[\s.…·_-]*$")
_NOTE = re.compile(r"^(?:\(.*\)|\[\d{1,3}\].*|\*.*|(?:Ghi chú|Lưu ý|Chú thích)\b.*)$", re.IGNORECASE)
_HEADING_TEXT = re.compile(r"^[A-ZĐÀ-Ỹ(]")
_ROLE_NAMES = {"lead": "chủ trì", "support": "phối hợp", "deadline": "thời hạn", "content": "nội dung",
               "product": "sản phẩm"}


@dataclass
class _Row:
    """One data row's cells by role and its extra columns by header."""

    cells: dict[str, str]
    extra: dict[str, str]
    number: str

    def own(self, role: str) -> str:
        return self.cells.get(role, "").strip()


@dataclass
class _Reader:
    directory: AgencyDirectory
    context: str | None
    tasks: list[TaskDraft] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    path: SectionPath = field(default_factory=SectionPath)
    column_headings: set[int] = field(default_factory=set)  # ids of headings read from a row's TT cell
    items_under_heading: list[str] = field(default_factory=list)  # task numbers since the last heading
    columns: Columns | None = None
    pending_title: bool = False
    raw: dict[int, _Row] = field(default_factory=dict)  # id(task) → its cells as read so far
    last: TaskDraft | None = None  # the task the next row may continue or share merged cells with

    def paragraph(self, text: str, before_table: bool) -> None:
        text = text.strip()
        found = _APPENDIX.match(text)
        if found:
            number = int(found.group(1)) if found.group(1) else _ROMANS.index(found.group(2)) + 1
            title = found.group(3).strip() or None
            self.path.reset(str(number), title)
            self.pending_title = title is None
            self.last = None
        elif self.pending_title:
            self.path.appendix_title, self.pending_title = text, False
        elif (self.columns is not None or self.path.appendix or before_table) and len(text) <= 200 \
                and not text.endswith((".", ";", ",")):
            labelled = split_label(text)
            if labelled and rank(labelled[0]) is not None:  # "2. Các nhiệm vụ về …" between two tables
                self.path.open(heading(labelled[0].rstrip(".)"), labelled[1], self.path.headings))
                self.last = None

    def table(self, table: Table) -> None:
        rows = table.rows
        known: dict[tuple[str, ...], Columns | None] = {}  # a header repeated on every page is read once
        headers = [known[key] if (key := tuple(row)) in known else known.setdefault(key, read_header(row))
                   for row in rows]
        if self.columns is not None and all(h is None for h in headers) and _closing_block(rows, self.columns.width):
            return
        numbered = self._has_numbers(rows, headers)
        skip: set[int] = set()
        for i, row in enumerate(rows):
            if i in skip:
                continue
            header = headers[i]
            if i + 1 < len(rows) and (header is not None or TT_CELL.match(row[0] if row else "")):
                folded = sub_header(row, rows[i + 1])  # the header's second line ("Chủ trì | Phối hợp")
                if folded and (both := read_header(folded)) is not None:
                    header = both
                    skip.add(i + 1)
            if header is not None:
                self._header(header)
                continue
            if self.columns is None:
                filled = [c for c in row if c.strip()]
                if len(filled) == 1:  # the document's lines above the header, typed into the table
                    self.paragraph(filled[0], before_table=True)
                continue
            if is_column_numbers(row) or not any(c.strip() for c in row):
                continue
            self._row(table, i, row, numbered and not table.flattened)

    def _header(self, header: Columns) -> None:
        current = self.columns
        if current is not None and (header.roles == current.roles or (
                "number" not in header and "number" in current and set(header.order()) == set(current.order()))):
            return  # the header repeated on a page or over the next table (its TT cell may be merged into the next)
        self.columns = header
        self.last = None

    def _has_numbers(self, rows: list[list[str]], headers: list[Columns | None]) -> bool:
        """Whether any row of the table numbers a task (a TT column empty throughout numbers nothing)."""
        columns = self.columns
        for row, found in zip(rows, headers, strict=True):
            if found is not None:
                columns = found
                continue
            if columns is None or "number" not in columns:
                continue
            first = _cell(row, columns.roles["number"]).strip()
            others = sum(1 for i, c in enumerate(row) if c.strip() and i != columns.roles["number"])
            if first and others >= 2 and not _ELISION.match(first):
                return True
        return False

    def _row(self, table: Table, i: int, row: list[str], numbered: bool) -> None:
        columns = self.columns
        assert columns is not None
        warnings: list[str] = []
        if table.flattened and len(row) > columns.width:
            warnings.extend(row[columns.width:])
            row = row[:columns.width]
        elif len(row) > columns.width and any(c.strip() for c in row[columns.width:]):
            row = _unshift(row, columns.width, self.directory, self.context)
            warnings.append("Hàng có nhiều ô hơn tiêu đề bảng: đã ghép hai ô liền nhau, cần kiểm tra lại.")
        filled = [(c, text) for c, text in enumerate(row) if text.strip()]
        if all(_ELISION.match(text) for _, text in filled):
            return
        data = _read(row, columns)
        if self._heading(table, i, row, data, filled):
            return
        merged = table.merged.get(i, {})
        if data.number:
            self._numbered(data, table, merged, warnings)
            return
        last = self.last
        raw = self.raw.get(id(last)) if last is not None else None
        if table.flattened or last is None or raw is None:
            self._add(data, None, warnings)
            return
        number_merged = columns.roles.get("number") in merged
        merged_cells = {role for role, c in columns.roles.items() if c in merged and role != "number"}
        if merged:  # Word or ruled PDF: the merged cells say which rows belong together
            if merged_cells and (data.own("content") or data.own("lead") or data.own("support")):
                self._fill_merged(data, columns, merged)
                self._add(data, _merged_number(merged, columns) if number_merged else None, warnings)
            elif number_merged and not _continues(raw.cells, data.cells):
                self._add(data, _merged_number(merged, columns), warnings)  # its own content: its own task
            elif number_merged:
                self._continue(last, data)
            else:
                self._unmerged(last, raw, data, warnings, numbered, table)
            return
        if i in table.continued:
            self._continue(last, data)
            return
        self._unmerged(last, raw, data, warnings, numbered, table)

    def _unmerged(self, last: TaskDraft, raw: _Row, data: _Row, warnings: list[str], numbered: bool,
                  table: Table) -> None:
        """A row without TT and without merge marks: a task of its own, a task under merged cells, or the rest
        of the row above."""
        if not numbered:
            self._add(data, None, warnings)
        elif _under_merged(raw, data, self.columns):
            inherited = _inherit(data, raw, every_cell=True)
            names = [_ROLE_NAMES.get(r, r) for r in inherited if r in _ROLE_NAMES]
            self._add(data, last.number, [*warnings, *([INHERITED.format(", ".join(names))] if names else [])])
        elif _continues(raw.cells, data.cells):
            self._continue(last, data)  # a row the page break cut
        else:
            self._add(data, None, [*warnings, UNNUMBERED])

    def _numbered(self, data: _Row, table: Table, merged: dict[int, str], warnings: list[str]) -> None:
        """A numbered task; in a table without merge marks, an empty lead or deadline cell is the merged cell
        of the row above (a support cell only with the lead)."""
        last = self.last
        raw = self.raw.get(id(last)) if last is not None else None
        if raw is not None and not table.merged and not table.flattened:
            inherited = _inherit(data, raw, every_cell=False)
            if inherited:
                names = ", ".join(_ROLE_NAMES[r] for r in inherited)
                warnings = [*warnings, INHERITED.format(names)]
        self._add(data, data.number, warnings)

    def _fill_merged(self, data: _Row, columns: Columns, merged: dict[int, str]) -> None:
        for role, c in columns.roles.items():
            if c in merged and role != "number" and not data.cells.get(role, "").strip():
                data.cells[role] = merged[c]
        for c, name in columns.extra.items():
            if c in merged and not data.extra.get(name):
                data.extra[name] = merged[c]

    def _heading(self, table: Table, i: int, row: list[str], data: _Row, filled: list[tuple[int, str]]) -> bool:
        """Open the section a heading row names; False when the row is not a heading."""
        columns = self.columns
        assert columns is not None
        texts = [text for _, text in filled]
        number_column = columns.roles.get("number")
        if i in table.spanning or len(filled) == 1:
            text = texts[0]
            if _APPENDIX.match(text.strip()) or self.pending_title:  # a document's lines typed as rows of its table
                self.paragraph(text, before_table=False)
                return True
            if _NOTE.match(" ".join(text.split())):
                return True  # "(Kèm theo …)", "[1] …", "Ghi chú: …": a note, neither a heading nor a task
            labelled = split_label(text)
            if labelled:
                return self._open(labelled[0], labelled[1])
            only = filled[0][0]
            if (i in table.spanning and rank(text) is not None) or (only == number_column and is_letter_or_roman(text)):
                return self._open(text.strip(), None, in_column=only == number_column)
            if i in table.spanning:
                return self._open(None, text)
            line = " ".join(text.split())
            if only == 0 and line.isupper() and len(line.split()) >= 2 and not _COMPLETE_CELL.search(line):
                return self._open(None, line)  # "BỘ Y TẾ" alone in the first column of a table without TT
            if only != columns.roles.get("content") and only != number_column:
                return False
            if data.number or only == number_column:
                return False
            if _HEADING_TEXT.match(line) and not _COMPLETE_CELL.search(line) and len(line) <= 200:
                return self._open(None, line)  # "Nhiệm vụ giao Bộ trưởng Bộ Y tế chỉ đạo"
            return False
        if not data.number or data.own("deadline"):
            return False
        if any(data.own(role) for role in ("lead", "support", "product")) and (data.own("content") or len(filled) > 2):
            return False  # a task; "5.2 | | Công nghiệp và năng lượng" has its title in another column
        title = data.own("content") or next((t for c, t in filled if c != number_column), "")
        label = _cell(row, number_column).strip() if number_column is not None else data.number
        if rank(label) is None:
            return False
        if (is_letter_or_roman(label) or not data.own("content") or title.isupper()
                or (LABEL.match(label) and LABEL.match(label).group("roman") is not None)
                or self._parent_of_next(table, i, label)):
            return self._open(label, " ".join(title.split()) or None, in_column=True)
        return False

    def _parent_of_next(self, table: Table, i: int, label: str) -> bool:
        """"5.1" above "5.1.1", "1" above "a)": a numbered row whose items the next numbered row opens is a
        heading."""
        c = self.columns.roles.get("number") if self.columns else None
        if c is None:
            return False
        for row in table.rows[i + 1:]:
            following = _cell(row, c).strip().rstrip(".")
            if following:
                return following.startswith(label.rstrip(".") + ".") or _ITEM.fullmatch(following) is not None
        return False

    def _open(self, label: str | None, title: str | None, in_column: bool = False) -> bool:
        opened = heading(label, title, self.path.headings)
        self.path.open(opened)
        if in_column:
            self.column_headings.add(id(opened))
        self.items_under_heading = []
        self.last = None
        return True

    def _add(self, data: _Row, number: str | None, warnings: list[str]) -> None:
        innermost = self.path.headings[-1] if self.path.headings else None
        if number and innermost is not None and id(innermost) in self.column_headings \
                and follows(innermost.label, number) \
                and not any(same_kind(item, number) for item in self.items_under_heading):
            # "b)" heading, items "1", "2", then task "c)": a sibling of the heading, not one of its items
            self.path.headings = self.path.headings[:-1]
        if number:
            self.items_under_heading.append(number)
        where = self.path
        task = TaskDraft(key="", appendix_number=where.number, appendix_title=where.title, number=number or None,
                         content="", product=None, lead=[], support=[], synthesis=[], deadline_text="",
                         milestones=[], warnings=list(warnings), section=where.text, extra=dict(data.extra))
        task.__dict__["_key_prefix"] = where.key
        self.raw[id(task)] = data
        _fill(task, data.cells, self.directory, self.context)
        self.tasks.append(task)
        self.last = task

    def _continue(self, task: TaskDraft, data: _Row) -> None:
        raw = self.raw[id(task)]
        for name, value in data.cells.items():
            if value.strip():
                raw.cells[name] = _join_cell(raw.cells.get(name, ""), value)
        for name, value in data.extra.items():
            if value.strip():
                raw.extra[name] = _join_cell(raw.extra.get(name, ""), value)
        task.extra = {k: joined(v) for k, v in raw.extra.items() if v.strip()}
        _fill(task, raw.cells, self.directory, self.context)


_CLOSING = re.compile(r"^\s*(?:Nơi nhận|TM\.|KT\.|Q\.|TL\.)", re.IGNORECASE)


def _closing_block(rows: list[list[str]], width: int) -> bool:
    """The recipients and signature set as a small table after the task table ("Nơi nhận: …" | "TM. ỦY BAN
    NHÂN DÂN / CHỦ TỊCH"): no rows of the table it follows, though it has no header of its own."""
    cells = [c for row in rows for c in row if c.strip()]
    narrow = max((len(row) for row in rows), default=0) <= 2 < width
    return bool(cells) and (narrow or any(_CLOSING.match(c) for c in cells[:2])) and len(rows) <= 3


def extract_tasks(document: Document, directory: AgencyDirectory, context: str | None) -> tuple[list[TaskDraft],
                                                                                             list[str]]:
    """All tasks of the document's task tables, in order, with the warnings about the tables themselves."""
    reader = _Reader(directory, context)
    blocks = document.blocks
    for n, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            reader.paragraph(block.text, before_table=n + 1 < len(blocks) and isinstance(blocks[n + 1], Table))
        else:
            reader.table(block)
    _unique_keys(reader.tasks)
    return reader.tasks, reader.warnings


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _read(row: list[str], columns: Columns) -> _Row:
    cells = {name: _cell(row, i) for name, i in columns.roles.items()}
    extra = {name: joined(_cell(row, i)) for i, name in columns.extra.items() if _cell(row, i).strip()}
    return _Row(cells, extra, cells.get("number", "").strip().rstrip("."))


def _merged_number(merged: dict[int, str], columns: Columns) -> str | None:
    text = merged.get(columns.roles["number"], "").strip().rstrip(".")
    return text or None


def _opens(cell: str) -> bool:
    return bool(cell) and (cell[0].isupper() or cell[0].isdigit() or cell[0] in "-+•*–")


def _under_merged(above: _Row, row: _Row, columns: Columns | None) -> bool:
    """A row of text under cells merged over it: after a finished sentence, its own content and deadline with
    no lead (the agencies are merged), or its own lead with support or deadline and no content (the name is)."""
    if columns is None or not _COMPLETE_CELL.search(above.cells.get("content", "")):
        return False
    own = {role for role in ("content", "lead", "support", "deadline", "product") if row.own(role)}
    if not all(_opens(row.own(role)) for role in own):
        return False
    if "content" in own:
        return "deadline" in own and "lead" not in own and bool(above.own("lead"))
    return "lead" in own and ("support" in own or "deadline" in own)


def _inherit(row: _Row, above: _Row, *, every_cell: bool) -> list[str]:
    """Fill the row's empty cells from the row above; return the roles filled.

    Under merged cells every empty cell is the merged one; on a numbered row only the lead and the deadline
    (and the support with the lead), which a task cannot be without.
    """
    roles = [r for r in row.cells if r != "number"] if every_cell else ["lead", "deadline"]
    if deadline_in_content(row.own("content")):  # a task that writes its own deadline: its cell is empty, not merged
        roles = [r for r in roles if r != "deadline"]
    filled = [r for r in roles if not row.own(r) and above.own(r)]
    if not every_cell and "lead" in filled and not row.own("support") and above.own("support"):
        filled.append("support")
    for role in filled:
        row.cells[role] = above.cells[role]
    if every_cell:
        for name, value in above.extra.items():
            row.extra.setdefault(name, value)
    return filled


def _continues(above: dict[str, str], cells: dict[str, str]) -> bool:
    """Whether a row without TT is the rest of the row above, cut by a page break.

    It is a task of its own only when it reads as one: the content above ends its sentence, and this row
    has its own content, agency and deadline, each opening as a cell opens (a capital, a digit or a bullet).
    """
    if not _COMPLETE_CELL.search(above.get("content", "")):
        return True
    own = [cells.get(name, "").strip() for name in ("content", "deadline")]
    own.append(cells.get("lead", "").strip() or cells.get("support", "").strip())
    return not all(_opens(cell) for cell in own)


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


def _join_cell(upper: str, lower: str) -> str:
    if not upper:
        return lower
    first, _, rest = lower.partition("\n")
    return upper + " " + first + ("\n" + rest if rest else "")


def _fill(task: TaskDraft, raw: dict[str, str], directory: AgencyDirectory, context: str | None) -> None:
    task.content = joined(raw.get("content", ""))
    task.product = raw.get("product", "").strip() or None
    roles = Roles()
    for column, default in (("lead", "lead"), ("support", "support")):
        found = split_roles(raw.get(column, ""), default, directory, context)
        for role in ("lead", "support", "synthesis"):
            roles.add(role, getattr(found, role))
        roles.notes.update(found.notes)
    task.lead, task.support, task.synthesis = roles.lead, roles.support, roles.synthesis
    task.notes = roles.notes
    task.deadline_text = joined(raw.get("deadline", ""))


def _unique_keys(tasks: list[TaskDraft]) -> None:
    """"<section path>-<number>"; a task without number, or whose number is met again under the same path,
    by a digest of its content ("I-h0e1151e3ab", "2-22~3fa1c2"): stable as long as the row's text is."""
    seen: set[str] = set()
    for task in tasks:
        prefix = task.__dict__.pop("_key_prefix", str(task.appendix_number))
        key = f"{prefix}-{task.number}" if task.number else f"{prefix}-h{_digest(task)[:10]}"
        if key in seen and task.number:
            key = f"{key}~{_digest(task)[:6]}"
        count = 1
        base = key
        while key in seen:
            count += 1
            key = f"{base}#{count}"
        seen.add(key)
        task.key = key


def _digest(task: TaskDraft) -> str:
    return hashlib.sha256(normalise(task.content).encode()).hexdigest()
