"""Read a plan saved as text or Markdown into a Document, whatever layout the converter produced.

Three layouts are known (see the seeds):

- ``tsv-html``: one table row per line, cells separated by tabs, HTML fragments inside cells, the
  header row repeated on every page;
- ``tab-cells``: one cell per line opened by a tab, continuation lines without a tab, rows separated
  by blank lines;
- ``md-pipe``: Markdown pipe tables (``| TT | Nội dung | … |``, ``<br>`` for line breaks in a cell);
- ``pdf-flat``: text flattened from a PDF, the table's columns interleaved line by line (handled by
  ``ingest.pdf_flat``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ingest.cells import clean_cell, clean_lines
from ingest.document import Document, Paragraph, Table
from ingest.errors import EMPTY_FILE, ImportRefused

_HEADER_FIRST_CELL = re.compile(r"^\s*(?:<[^>]+>\s*)*(?:TT|STT|Số TT)\s*(?:<[^>]+>\s*)*$", re.IGNORECASE)
_MARKDOWN_DECORATION = re.compile(r"^\s*#{1,6}\s*|\*\*|__")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?$")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")


def read_text(text: str, source_name: str = "") -> Document:
    """Parse ``text`` (already decoded) into a Document; raises ImportRefused for an empty text."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).lstrip("\ufeff")
    if not text.strip():
        raise ImportRefused(EMPTY_FILE)
    layout = detect_layout(text)
    if layout == "tab-cells":
        blocks = _read_tab_cells(text)
    elif layout == "tsv-html":
        blocks = _read_tsv(text)
    elif layout == "md-pipe":
        blocks = _read_pipe_tables(text)
    else:
        from ingest.pdf_flat import read_pdf_flat

        return read_pdf_flat(text, source_name)
    return Document(blocks=blocks, source_name=source_name, layout=layout)


def detect_layout(text: str) -> str:
    lines = text.split("\n")
    if any(line.rstrip() == "\tTT" or line.rstrip() == "\tSTT" for line in lines):
        return "tab-cells"
    if any("\t" in line and _is_header(line.split("\t")) for line in lines):
        return "tsv-html"
    if any(_PIPE_ROW.match(line) and _is_header(_pipe_cells(line)) for line in lines):
        return "md-pipe"
    return "pdf-flat"


def _is_header(cells: list[str]) -> bool:
    """A task table's header row: its first cell is TT, or its cells name the columns of one without TT
    ("Tên văn bản | Cơ quan soạn thảo | Tiến độ")."""
    if _HEADER_FIRST_CELL.match(cells[0]):
        return True
    from ingest.columns import read_header

    return len(cells) >= 3 and read_header([clean_cell(c) for c in cells]) is not None


def paragraph_text(line: str) -> str:
    """A prose line without its Markdown decoration (headings, bold)."""
    return clean_lines(_MARKDOWN_DECORATION.sub("", line)).strip()


def _read_tsv(text: str) -> list[Paragraph | Table]:
    return _read_line_rows(text, lambda line: [clean_cell(cell) for cell in line.split("\t")] if "\t" in line else None)


def _read_pipe_tables(text: str) -> list[Paragraph | Table]:
    """Markdown pipe tables; the rule under the header row is skipped, every other line is prose."""
    def cells(line: str) -> list[str] | None:
        if _PIPE_RULE.match(line):
            return []
        return [clean_cell(cell) for cell in _pipe_cells(line)] if _PIPE_ROW.match(line) else None

    return _read_line_rows(text, cells)


def _read_line_rows(text: str, cells_of: Callable[[str], list[str] | None]) -> list[Paragraph | Table]:
    """Tables written one row per line between prose lines: ``cells_of`` gives a line's cells, [] for a line to
    skip, or None for prose, which ends the table above it."""
    blocks: list[Paragraph | Table] = []
    rows: list[list[str]] = []
    for line in text.split("\n"):
        cells = cells_of(line)
        if cells is not None:
            if cells:
                rows.append(cells)
            continue
        if rows and line.strip():
            blocks.append(Table(rows=rows))
            rows = []
        if line.strip():
            blocks.append(Paragraph(text=paragraph_text(line)))
    if rows:
        blocks.append(Table(rows=rows))
    return _merge_adjacent_tables(blocks)


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [_MARKDOWN_DECORATION.sub("", cell).replace("\\|", "|").strip() for cell in _PIPE_SPLIT.split(inner)]


def _read_tab_cells(text: str) -> list[Paragraph | Table]:
    """Cells open with a tab; a line without a tab continues the cell above; a blank line ends a row."""
    blocks: list[Paragraph | Table] = []
    rows: list[list[str]] = []
    row: list[str] = []

    def end_row() -> None:
        nonlocal row
        if row:
            rows.append([clean_lines(cell) for cell in row])
            row = []

    blank = False
    for line in text.split("\n"):
        if line.startswith("\t"):
            if blank:
                end_row()
            row.append(line[1:])
        elif not line.strip():
            blank = True
            continue
        elif row and (not blank or line.lstrip().startswith(("-", "+", "•")) or line.lstrip()[:1].islower()):
            row[-1] += "\n" + line  # a blank line inside a cell does not end the row when a list item follows
        else:
            end_row()
            if rows:
                blocks.append(Table(rows=rows))
                rows = []
            blocks.append(Paragraph(text=paragraph_text(line)))
        blank = False
    end_row()
    if rows:
        blocks.append(Table(rows=rows))
    return _merge_adjacent_tables(blocks)


def _merge_adjacent_tables(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """Drop empty paragraphs (page-split tables end up adjacent: the builder joins them) and re-join a
    sentence that a page break cut in two (the second half starts in lower case)."""
    merged: list[Paragraph | Table] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if not block.text:
                continue
            if merged and isinstance(merged[-1], Paragraph) and block.text[:1].islower() \
                    and not re.match(r"[a-zđ]\)\s", block.text):
                merged[-1] = Paragraph(text=merged[-1].text + " " + block.text)
                continue
        merged.append(block)
    return merged
