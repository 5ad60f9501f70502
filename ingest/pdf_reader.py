"""Read a PDF plan into a ``Document`` with pdfplumber.

Ruled tables become ``Table`` blocks: a table that goes on at the top of the next page is joined to
the one before, its repeated header row dropped and a row split over the page break (its first cell
empty) joined to the row above. Text outside tables is rebuilt into paragraphs (a line that stops
short of the right edge ends its paragraph). A PDF with no ruled table at all is read by the text
layout readers, line by line, like the same plan saved as text; so is a stretch of text between
tables that holds a table header ("TT  Nội dung …"), a table printed without rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ingest.cells import OPEN_HYPHEN, join_wrapped
from ingest.document import Block, Document, Paragraph, Table
from ingest.errors import NOT_A_DOCUMENT, ImportRefused
from ingest.grid import Merged, merge_header_rows, merged_from, pad, to_table

NO_TEXT = ("Tệp PDF là bản quét (chỉ có ảnh, không có lớp chữ) nên không đọc được nhiệm vụ: hãy tải lên bản Word "
           "hoặc bản PDF xuất từ Word (có chữ).")
SCAN_WITHOUT_TABLE = ("Tệp PDF là bản quét: đã nhận dạng chữ (OCR) nhưng không dựng lại được bảng nhiệm vụ; hãy tải "
                      "lên bản Word hoặc bản PDF xuất từ Word (có chữ).")
_BULLETS = ("-", "+", "•", "\uf0b7", "\uf0a7", "\u2013", "*", "▪", "●")
_LINE_TOLERANCE = 3.0  # points: words whose tops differ less than this are on one line
_FLAT_TABLE_HEADER = re.compile(r"^\s*S?TT\s+Nội dung", re.MULTILINE | re.IGNORECASE)
_CELL_PADDING = 10.0  # points: inner margin (~5.4) + a space (~2.8) + slack


def read_pdf(path: Path) -> Document:
    """Return the paragraphs and tables of ``path``. Raises ``ImportRefused`` if it is not a readable PDF."""
    import pdfplumber  # heavy: only when a PDF is read

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as e:  # pdfminer raises many unrelated types for a damaged file
        raise ImportRefused(NOT_A_DOCUMENT) from e
    assembler = _Assembler(path.name)
    try:
        with pdf:
            for page in pdf.pages:
                _read_page(page, assembler)
    except ImportRefused:
        raise
    except Exception as e:
        raise ImportRefused(NOT_A_DOCUMENT) from e
    if not assembler.has_text():
        return _read_scan(path)
    return assembler.document()


def _read_scan(path: Path) -> Document:
    """A PDF of page pictures: its OCR text read like a PDF without rules, flagged; refused without OCR."""
    from ingest.ocr import OCR_WARNING, as_cells, ocr_pdf
    from ingest.text_layouts import read_text

    try:
        text = ocr_pdf(path)
    except Exception as e:  # a damaged page picture or a failed OCR run: the same refusal as without OCR
        raise ImportRefused(NO_TEXT) from e
    if text is None or not text.strip():
        raise ImportRefused(NO_TEXT)
    document = read_text(as_cells(unicodedata.normalize("NFC", text)), path.name)
    if not any(isinstance(block, Table) for block in document.blocks):
        raise ImportRefused(SCAN_WITHOUT_TABLE)
    return Document(blocks=document.blocks, source_name=path.name, layout="pdf-ocr",
                    warnings=[OCR_WARNING, *document.warnings])


@dataclass
class _Line:
    words: list[dict]

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0]["x0"]

    @property
    def x1(self) -> float:
        return self.words[-1]["x1"]

    @property
    def middle(self) -> float:
        return (self.words[0]["top"] + self.words[0]["bottom"]) / 2


def _read_page(page, assembler: _Assembler) -> None:
    # A one-column "table" is a framed box (a title, a stamp), not a task table: its words stay text.
    tables = sorted((t for t in page.find_tables() if len(t.columns) >= 2), key=lambda t: t.bbox[1])
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    inside = [t.bbox for t in tables]
    free = [w for w in words if not any(_contains(b, w) for b in inside)]
    lines = _drop_page_numbers(_lines(free), page.width)
    right_edge = max((ln.x1 for ln in lines), default=page.width)
    cursor = 0.0
    for table in tables:
        above = [ln for ln in lines if cursor <= ln.middle < table.bbox[1]]
        assembler.add_text(above, right_edge)
        assembler.add_table(_grid(table, words), at_page_top=not above and cursor == 0.0,
                            page_number=page.page_number)
        cursor = table.bbox[3]
    assembler.add_text([ln for ln in lines if ln.middle >= cursor], right_edge)


def _contains(bbox: tuple, word: dict) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _lines(words: list[dict]) -> list[_Line]:
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1].words[0]["top"] - word["top"]) < _LINE_TOLERANCE:
            lines[-1].words.append(word)
        else:
            lines.append(_Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


def _drop_page_numbers(lines: list[_Line], page_width: float) -> list[_Line]:
    """A short number alone on the first or last line of the page, centred or at the right, is the page number;
    at the left margin it is a row's TT, and "2025" is a year ending a cell."""
    def page_number(line: _Line) -> bool:
        centre = (line.x0 + line.x1) / 2
        return line.text.isdigit() and len(line.text) <= 3 and centre > page_width / 3

    if lines and page_number(lines[0]):
        lines = lines[1:]
    if lines and page_number(lines[-1]):
        lines = lines[:-1]
    return lines


def _paragraphs(lines: list[_Line], right_edge: float) -> list[str]:
    """Join wrapped lines; a line that stopped short of ``right_edge`` ended its paragraph."""
    paragraphs: list[list[str]] = []
    previous: _Line | None = None
    for line in lines:
        first_word = line.words[0]
        # The layout engine moves a word down only when it does not fit; "- " leading a wrapped line is
        # common ("…; - UBND cấp huyện;" wraps before its dash), so a dash alone proves nothing.
        breaks = previous is None or (
            previous.x1 + (first_word["x1"] - first_word["x0"]) + _CELL_PADDING < right_edge
            and not OPEN_HYPHEN.search(previous.text))  # "4278/QĐ-" wraps before "UBND", leaving room
        if breaks:
            paragraphs.append([])
        paragraphs[-1].append(line.text)
        previous = line
    return [_clean(join_wrapped(p)) for p in paragraphs]


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"^[\uf0b7\uf0a7•▪●]\s*", "- ", text)
    return " ".join(text.split())


def _grid(table, words: list[dict]) -> list[list[str | Merged]]:
    """Cells of one pdfplumber table on the page grid; covered slots become "" or ``Merged``."""
    rows = table.rows
    grid: list[list[str | Merged]] = []
    spans: list[list[tuple | None]] = [list(r.cells) for r in rows]
    for r, row in enumerate(spans):
        out: list[str | Merged] = []
        for c, bbox in enumerate(row):
            if bbox is not None:
                out.append(_cell_text(bbox, words))
            elif r > 0 and _covers_vertically(spans, r, c):
                out.append(merged_from(grid[r - 1][c]))
            else:
                out.append("")  # covered by a cell to the left: a horizontal merge
        grid.append(out)
    return merge_header_rows(pad(grid))


def _covers_vertically(spans: list[list[tuple | None]], r: int, c: int) -> bool:
    """True when a cell of an earlier row in column ``c`` reaches down over row ``r``."""
    row_top = next((b[1] for b in spans[r] if b is not None), None)
    for above in range(r - 1, -1, -1):
        bbox = spans[above][c]
        if bbox is not None:
            return row_top is None or bbox[3] > row_top + 0.5
    return False


def _cell_text(bbox: tuple, words: list[dict]) -> str:
    lines = _lines([w for w in words if _contains(bbox, w)])
    return "\n".join(_paragraphs(lines, bbox[2]))


@dataclass
class _Assembler:
    """Collects a PDF's blocks in order, joining tables that run over a page break."""

    source_name: str
    blocks: list[Block] = field(default_factory=list)
    pending_text: list[str] = field(default_factory=list)
    open_grid: list[list[str | Merged]] | None = None
    raw_lines: list[str] = field(default_factory=list)  # every line outside tables, for the text fallback
    warnings: list[str] = field(default_factory=list)

    def add_text(self, lines: list[_Line], right_edge: float) -> None:
        if not lines:
            return
        self._close_table()
        self.raw_lines.extend(_clean(line.text) for line in lines)
        self.pending_text.extend(_paragraphs(lines, right_edge))

    def add_table(self, grid: list[list[str | Merged]], *, at_page_top: bool, page_number: int) -> None:
        if not grid:
            return
        if self.open_grid is not None and at_page_top and not self.pending_text:
            self._continue_table(grid, page_number)
            return
        self._close_table()
        self._flush_text()
        self.open_grid = grid

    def has_text(self) -> bool:
        return bool(self.blocks or self.open_grid is not None or any(line.strip() for line in self.raw_lines)
                    or self.pending_text)

    def document(self) -> Document:
        if not self.blocks and self.open_grid is None:  # no ruled table anywhere: the text fallback
            if not any(line.strip() for line in self.raw_lines):
                raise ImportRefused(NO_TEXT)
            blocks = self._text_blocks("\n".join(self.raw_lines), whole_document=True)
            return Document(blocks=blocks, source_name=self.source_name, layout="pdf-text", warnings=self.warnings)
        self._close_table()
        self._flush_text()
        return Document(blocks=self.blocks, source_name=self.source_name, layout="pdf-tables", warnings=self.warnings)

    def _continue_table(self, grid: list[list[str | Merged]], page_number: int) -> None:
        previous = self.open_grid
        assert previous is not None
        if _same_row(grid[0], previous[0]):
            grid = grid[1:]  # the header row Word/LibreOffice repeats on every page
        if not grid:
            return
        grid, guessed = _carry_merges(previous[-1], grid)
        if guessed:
            self.warnings.append(f"Trang {page_number}: ô trống ở đầu trang được hiểu là ô gộp nối tiếp từ trang "
                                 "trước, cần kiểm tra lại.")
        if not _first_cell(grid[0]):
            top, grid = grid[0], grid[1:]
            previous[-1] = _join_rows(previous[-1], top)  # a row split by the page break
            _extend_merges(top, previous[-1], grid)
        previous.extend(grid)

    def _close_table(self) -> None:
        if self.open_grid is not None:
            self.blocks.append(to_table(self.open_grid))
            self.open_grid = None

    def _flush_text(self) -> None:
        if self.pending_text:
            self.blocks.extend(self._text_blocks("\n\n".join(self.pending_text), whole_document=False))
            self.pending_text = []

    def _text_blocks(self, text: str, *, whole_document: bool) -> list[Block]:
        """Paragraphs, or, for text that holds a table without rules, the blocks of the text layout readers
        (their warnings about uncertain rows join the document's).

        A PDF with no ruled table at all is read entirely as text (``whole_document``); elsewhere only a
        stretch of text with a table header line ("TT  Nội dung …") is, so prose is never taken for a table.
        """
        if whole_document or _FLAT_TABLE_HEADER.search(text):
            from ingest.text_layouts import read_text

            document = read_text(text, self.source_name)
            self.warnings.extend(document.warnings)
            return document.blocks
        return [Paragraph(p) for p in text.split("\n\n") if p.strip()]


def _first_cell(row: list[str | Merged]) -> str:
    return row[0].strip() if row and isinstance(row[0], str) else ""


def _plain(cell: str | Merged) -> str:
    return " ".join((cell.text if isinstance(cell, Merged) else cell).split())


def _same_row(a: list[str | Merged], b: list[str | Merged]) -> bool:
    return len(a) == len(b) and all(_plain(x) == _plain(y) for x, y in zip(a, b, strict=True))


def _carry_merges(last: list[str | Merged], grid: list[list[str | Merged]]) -> tuple[list[list[str | Merged]], bool]:
    """A merged cell cut by the page break goes on, empty, at the top of the next page: mark it merged.

    It is certain when the slot above the break was already merged or when the empty cell at the top
    of the page spans several rows. A merge cut into two one-row parts looks like an empty cell; in a
    row that starts a new task it is still taken as the merge (Word plans leave an agency or deadline
    cell empty far less often than a page break cuts a merged one), and the second value says so.
    """
    top = grid[0]
    guessed = False
    task_row = _first_cell(top) and any(_plain(cell) for cell in top[2:])
    if _first_cell(top) and not task_row:
        return grid, False  # a heading row ("II | Cải cách …") opens the page: no merge runs into it
    for c, cell in enumerate(last[: len(top)]):
        if c == 0 or top[c] != "" or not _plain(cell):
            continue
        spans_rows = len(grid) > 1 and c < len(grid[1]) and grid[1][c] == Merged("")
        if not (isinstance(cell, Merged) or spans_rows or task_row):
            continue
        guessed = guessed or not (isinstance(cell, Merged) or spans_rows)
        marker = merged_from(cell)
        top[c] = marker
        for row in grid[1:]:
            if c >= len(row) or row[c] != Merged(""):
                break
            row[c] = marker
    return grid, guessed


def _extend_merges(part: list[str | Merged], whole: list[str | Merged], below: list[list[str | Merged]]) -> None:
    """Rows under a split row that share one of its merged cells share the whole joined text, not its tail."""
    for c, cell in enumerate(part):
        if not isinstance(cell, str) or not cell or c >= len(whole):
            continue
        for row in below:
            if c >= len(row) or row[c] != Merged(cell):
                break
            row[c] = merged_from(whole[c])


def _join_rows(upper: list[str | Merged], lower: list[str | Merged]) -> list[str | Merged]:
    joined: list[str | Merged] = []
    for a, b in zip(upper, lower, strict=False):
        if isinstance(b, Merged) or b == "":
            joined.append(a)
        elif isinstance(a, Merged) or a == "":
            joined.append(b)
        else:  # the page break cut a paragraph unless the lower part opens a list item
            joined.append(f"{a}\n{b}" if b.lstrip().startswith(_BULLETS) else f"{a} {b}")
    return joined + upper[len(lower):]
