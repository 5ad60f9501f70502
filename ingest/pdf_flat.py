"""Best-effort reading of text flattened from a PDF, where a table's columns come out interleaved.

Seed 001 is the model: each cell is broken into short lines, a row's cells follow one another (TT,
content, product, lead, support, deadline), Roman numerals open the sections, and a page break can
spill the end of one cell after the next. Lines are assigned to columns by a small state machine;
every row whose lines came out of order carries a warning so a person checks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from config.agencies import normalise
from ingest.cells import clean_lines, join_wrapped
from ingest.document import Document, Paragraph, Table

HEADER = ["TT", "Nội dung thực hiện", "Sản phẩm/Kết quả", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
UNCERTAIN = "Hàng đọc từ bảng PDF bị dàn phẳng, các cột có thể bị lẫn: cần kiểm tra lại."

_TABLE_HEADER = re.compile(r"^\s*(?:S?TT)\s+Nội dung", re.IGNORECASE)
_SECTION = re.compile(r"^\s*(I|II|III|IV|V|VI|VII|VIII|IX|X)\s+(\S.*)$")
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*\.?\s*$")
_PROSE_START = re.compile(r"^\s*(?:Thực hiện\s|Căn cứ\s|\d+(?:\.\d+)*\.\s|[a-zđ]\)\s|[-+•]\s?|[IVX]+\.\s)")
_DEADLINE = re.compile(
    r"^\s*-?\s*(?:Thường|Quý|Tháng|Năm\b|Trong năm|Định kỳ|Chậm nhất|Trước|Sau khi|Ngay sau|Tổ chức thực|"
    r"Thực hiện Kế|Xây dựng kế|Kế hoạch kiểm|BC\b|KH\b|Báo cáo kết|Hoàn thành)", re.IGNORECASE)
_PRODUCT = re.compile(r"^\s*-?\s*(?:Báo cáo|Kế hoạch|Quyết định|Văn bản|Các văn bản|Các Quyết định|Thông báo|"
                      r"Phương án|BC\b|Chương trình|Hợp đồng|Tờ trình)")
_GLUED_DEADLINE = re.compile(r"\s(?:Thường xuyên|Quý [IV\d]|Tháng \d|Năm 20\d\d)")
_AGENCY = re.compile(r"Công chức|UBND|Văn phòng|[Bb]ộ phận|Công an|MTTT?Q|Đài truyền|Thống kê|chuyên môn")
# A line opening with one of these starts a new agency item unless the item above is left hanging.
_AGENCY_HEAD = re.compile(r"^(?:Công chức|Cán bộ|Các bộ phận|Bộ phận|UBND|Ủy ban|Công an|MTTT?Q|Đài|Phòng|Ban|"
                          r"Trung tâm|Hội|Đoàn)\b")
# An item or a cell ending like this was cut mid-name or mid-phrase: the next line finishes it.
_HANGING = re.compile(r"(?:[-–—,&]|\b(?:Văn phòng|Công chức|Cán bộ|Chủ tịch|Bộ phận|Trung tâm|Ban|Ủy ban|của|và|"
                      r"với|theo|cho|tại|các|thuộc))\s*$")
_GLUED_AGENCY = re.compile(r"\s[-–]\s?(?=(?:Công chức|Cán bộ|Bộ phận|Các bộ phận)\b)")
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


@dataclass
class _Row:
    number: str = ""
    columns: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in ("content", "product", "agency",
                                                                                     "deadline")})
    state: str = "content"
    lines_seen: int = 0
    uncertain: bool = False
    spill: str | None = None  # the column the page break's remnants are going to, once they start

    def add(self, column: str, line: str) -> None:
        self.columns[column].append(line.strip())


def read_pdf_flat(text: str, source_name: str = "") -> Document:
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), None)
    prose = lines if start is None else lines[:start]
    blocks: list[Paragraph | Table] = [Paragraph(text=p) for p in _paragraphs(prose)]
    warnings: list[str] = []
    if start is not None:
        table, warnings = _read_table(lines[start + 1:])
        blocks.append(table)
    return Document(blocks=blocks, source_name=source_name, layout="pdf-flat", warnings=warnings)


def _paragraphs(lines: list[str]) -> list[str]:
    """Re-join the PDF's broken lines: a new paragraph starts at a numbering, a bullet or a heading."""
    paragraphs: list[str] = []
    for raw in lines:
        line = clean_lines(raw)
        if not line:
            continue
        if not paragraphs or _PROSE_START.match(line) or line.isupper() or paragraphs[-1].isupper():
            paragraphs.append(line)
        else:
            paragraphs[-1] += " " + line
    return paragraphs


def _read_table(lines: list[str]) -> tuple[Table, list[str]]:
    rows: list[list[str]] = [list(HEADER)]
    warnings: list[str] = []
    row: _Row | None = None
    in_header = True
    for raw in lines:
        line = clean_lines(raw)
        if not line:
            continue
        section = _SECTION.match(line)
        if section:
            in_header = False
            _flush(row, rows, warnings)
            row = None
            rows.append([section.group(1), section.group(2).strip(), "", "", "", ""])
            continue
        if in_header:
            continue
        number = _NUMBER.match(line)
        if number:
            if row is not None and not row.number and not row.columns["deadline"] and row.lines_seen <= 6:
                row.number = number.group(1)  # the number came out after the first lines of its row
                row.uncertain = True
                continue
            _flush(row, rows, warnings)
            row = _Row(number=number.group(1))
            continue
        if row is None or _starts_unnumbered_row(row, line):
            _flush(row, rows, warnings)
            row = _Row()
        row.lines_seen += 1
        _place(row, line)
    _flush(row, rows, warnings)
    return Table(rows=rows, flattened=True), warnings


def _starts_unnumbered_row(row: _Row, line: str) -> bool:
    """A capitalised, long, non-deadline line after a finished row opens a row that has no TT."""
    # deadline cells are narrow: a line this long is the content column
    return (row.state == "deadline" and line[:1].isupper() and len(line) > 25 and ":" not in line
            and not _AGENCY.search(line) and not _PRODUCT.match(line))


def _place(row: _Row, line: str) -> None:
    state = row.state
    if state == "product" and line[:1].islower() and len(line) > 30:
        row.state = state = "content"  # product cells are narrow: a long lower-case line is the content going on
    if state == "content":
        content = row.columns["content"]
        wrapped_range = content and re.match(r"-\s*\d", line) and content[-1][-1:].isdigit()  # "2021" / "- 2025"
        if (line.startswith("-") and not wrapped_range) or (
                _PRODUCT.match(line) and content and not _HANGING.search(content[-1])):
            row.state = state = "product"
        elif _AGENCY.search(line) and len(line) <= 25 and content and line[:1].isupper():
            row.state = "agency"  # a lower-case line goes on with the content, whatever it names
    if state == "product":
        glued = _GLUED_AGENCY.search(line)
        if glued:  # the PDF put the product's last line and the agency's first on one line
            row.add("product", line[:glued.start()])
            row.state, line = "agency", line[glued.start():].strip()
            row.uncertain = True
        elif _AGENCY.search(line) and len(line) <= 30 and not _PRODUCT.match(line):
            row.state = "agency"
    elif state == "agency":
        glued = _GLUED_DEADLINE.search(line)
        if glued and _AGENCY.search(line[:glued.start()]):  # the PDF put two cells on one line
            row.add("agency", line[:glued.start()])
            row.state, line = "deadline", line[glued.start():].strip()
            row.uncertain = True
        elif _DEADLINE.match(line) and not _AGENCY.search(line):
            row.state = "deadline"
    elif state == "deadline" and not (_DEADLINE.match(line) and row.spill is None):
        spill = _spilled_column(row, line)
        if spill:
            row.uncertain = True
            row.spill = spill
            _add_spill(row, spill, line)
            return
    row.add(row.state, line)


def _add_spill(row: _Row, column: str, line: str) -> None:
    """A remnant finishes the item the page break cut: it goes after the last line left hanging."""
    lines = row.columns[column]
    ends = [i for i in range(len(lines)) if i + 1 == len(lines) or lines[i + 1].startswith(("-", "+", "•"))]
    hanging = [i for i in ends if _HANGING.search(lines[i])]
    if column == "agency" and hanging:
        lines.insert(hanging[-1] + 1, line.strip())
    else:
        row.add(column, line)


def _spilled_column(row: _Row, line: str) -> str | None:
    """Where a line found after the deadline belongs when a page break pushed it there.

    The remnants come in column order (content, product, agencies); a lower-case line goes on with the
    remnant above it until that one ends its sentence.
    """
    deadline = row.columns["deadline"]
    if row.spill is None and deadline and _HANGING.search(deadline[-1]):
        return None  # "Sau khi có quyết định của" / "UBND tỉnh": the deadline itself goes on
    if row.spill and line[:1].islower() and not _SENTENCE_END.search(row.columns[row.spill][-1]):
        return row.spill
    if line[:1].islower() and len(line) > 25:
        return "content"
    if _AGENCY.search(line):
        return "agency"
    if _PRODUCT.match(line):
        return "product"
    return None


def _flush(row: _Row | None, rows: list[list[str]], warnings: list[str]) -> None:
    if row is None:
        return
    lead, support = _split_agencies(row.columns["agency"])
    cells = [row.number, join_wrapped(row.columns["content"]), "\n".join(_items(row.columns["product"])), lead,
             support, "\n".join(_items(row.columns["deadline"]))]
    missing = [name for name, cell in zip(HEADER[1:], cells[1:], strict=True) if not cell]
    if row.uncertain or missing or not row.number:
        warnings.append(f"{UNCERTAIN} (TT {row.number or '?'}: {cells[1][:60]})")
        cells.append(UNCERTAIN)
    rows.append(cells)


def _items(lines: list[str], opens: Callable[[str, str], bool] = lambda previous, line: False) -> list[str]:
    """Join broken lines back into list items: a line opening with a dash starts a new item, and so does a line
    that ``opens`` says opens one after the item above."""
    items: list[str] = []
    for line in lines:
        if not items or line.startswith(("-", "+", "•")) or opens(items[-1], line):
            items.append(line)
        else:
            items[-1] += " " + line
    return [re.sub(r"^([-+•])(?=\S)", r"\1 ", item) for item in items]


def _split_agencies(lines: list[str]) -> tuple[str, str]:
    """Lead and support columns were read as one run of items: the support column starts where an item is
    named a second time (a column lists an agency once), or else it is the last item."""
    items = [item for item in _items(lines, _opens_agency) if item.strip(" -;,.")]
    if len(items) <= 1:
        return (items[0] if items else ""), ""
    keys = [normalise(item) for item in items]
    cut = next((i for i in range(1, len(keys)) if keys[i] in keys[:i]), len(items) - 1)
    return "\n".join(items[:cut]), "\n".join(items[cut:])


def _opens_agency(previous: str, line: str) -> bool:
    """After a finished item, or at an agency head word unless the item above is left hanging."""
    return previous.endswith((";", ".")) or bool(_AGENCY_HEAD.match(line) and not _HANGING.search(previous))
