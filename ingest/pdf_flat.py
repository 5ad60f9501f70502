"""Best-effort reading of text flattened from a PDF, where a table's columns come out interleaved.

Seed 001 is the model: each cell is broken into short lines, a row's cells follow one another (TT,
content, product, lead, support, deadline), Roman numerals open the sections, and a page break can
spill the end of one cell after the next. Lines are assigned to columns by a small state machine;
every row whose lines came out of order carries a warning so a person checks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.cells import clean_lines
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


@dataclass
class _Row:
    number: str = ""
    columns: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in ("content", "product", "agency",
                                                                                     "deadline")})
    state: str = "content"
    lines_seen: int = 0
    uncertain: bool = False

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
    return Table(rows=rows), warnings


def _starts_unnumbered_row(row: _Row, line: str) -> bool:
    """A capitalised, long, non-deadline line after a finished row opens a row that has no TT."""
    # deadline cells are narrow: a line this long is the content column
    return (row.state == "deadline" and line[:1].isupper() and len(line) > 25 and ":" not in line
            and not _AGENCY.search(line) and not _PRODUCT.match(line))


def _place(row: _Row, line: str) -> None:
    state = row.state
    if state == "content":
        if line.startswith("-") or (_PRODUCT.match(line) and row.columns["content"]):
            row.state = "product"
        elif _AGENCY.search(line) and len(line) <= 25 and row.columns["content"]:
            row.state = "agency"
    elif state == "product":
        if _AGENCY.search(line) and len(line) <= 30 and not _PRODUCT.match(line):
            row.state = "agency"
    elif state == "agency":
        glued = _GLUED_DEADLINE.search(line)
        if glued and _AGENCY.search(line[:glued.start()]):  # the PDF put two cells on one line
            row.add("agency", line[:glued.start()])
            row.state, line = "deadline", line[glued.start():].strip()
            row.uncertain = True
        elif _DEADLINE.match(line) and not _AGENCY.search(line):
            row.state = "deadline"
    elif state == "deadline" and not _DEADLINE.match(line):
        spill = _spilled_column(line)
        if spill:
            row.uncertain = True
            row.add(spill, line)
            return
    row.add(row.state, line)


def _spilled_column(line: str) -> str | None:
    """Where a line found after the deadline belongs when a page break pushed it there."""
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
    cells = [row.number, " ".join(row.columns["content"]), _items(row.columns["product"]), lead, support,
             _items(row.columns["deadline"])]
    missing = [name for name, cell in zip(HEADER[1:], cells[1:], strict=True) if not cell]
    if row.uncertain or missing or not row.number:
        warnings.append(f"{UNCERTAIN} (TT {row.number or '?'}: {cells[1][:60]})")
        cells.append(UNCERTAIN)
    rows.append(cells)


def _items(lines: list[str]) -> str:
    """Join broken lines back into list items: a line opening with a dash starts a new item."""
    items: list[str] = []
    for line in lines:
        if not items or line.startswith(("-", "+", "•")):
            items.append(line)
        else:
            items[-1] += " " + line
    return "\n".join(re.sub(r"^([-+•])(?=\S)", r"\1 ", item) for item in items)


def _split_agencies(lines: list[str]) -> tuple[str, str]:
    """Lead and support columns were read as one run of items: the last item is the support column."""
    items = _items(lines).split("\n") if lines else []
    items = [item for item in items if item]
    if len(items) <= 1:
        return (items[0] if items else ""), ""
    return "\n".join(items[:-1]), items[-1]
