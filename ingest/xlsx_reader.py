"""Read an Excel (.xlsx) plan or appendix into a ``Document``: each visible sheet, its title rows as paragraphs.

Offices send task tables as spreadsheets too. Rows above a sheet's first row with three filled cells (the
"PHỤ LỤC …", "(Kèm theo …)" lines, usually merged across the width) are paragraphs, so the plan's number and
title are read as from Word; the rest is the sheet's table. Merged cells are handled as Word's are
(``ingest.grid``): a horizontal merge gives its text to its first column; a vertical one repeats it on each row
that starts a task of its own. Dates typed as dates become "31/03/2025", as a plan writes them.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ingest.document import Block, Document, Paragraph
from ingest.errors import NOT_A_DOCUMENT, ImportRefused
from ingest.grid import Merged, merge_header_rows, pad, to_table

TABLE_WIDTH = 3  # filled cells that make a row part of the table rather than a title line


def read_xlsx(path: Path) -> Document:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)  # formulas as their last computed values
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as e:
        raise ImportRefused(NOT_A_DOCUMENT) from e
    blocks: list[Block] = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        blocks += _sheet_blocks(sheet)
    return Document(blocks=blocks, source_name=path.name, layout="xlsx")


def _sheet_blocks(sheet: Any) -> list[Block]:
    grid: list[list[str | Merged]] = [[_text(cell.value) for cell in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(grid):
            continue
        text = grid[top][left] if left < len(grid[top]) else ""
        for r in range(top, min(merged.max_row, len(grid))):
            for c in range(left, min(merged.max_col, len(grid[r]))):
                if (r, c) != (top, left):
                    grid[r][c] = Merged(str(text)) if c == left else ""
    rows = [row for row in grid if any(isinstance(c, Merged) or str(c).strip() for c in row)]
    blocks: list[Block] = []
    while rows and sum(1 for c in rows[0] if isinstance(c, str) and c.strip()) < TABLE_WIDTH:
        text = " ".join(c.strip() for c in rows.pop(0) if isinstance(c, str) and c.strip())
        if text:
            blocks.append(Paragraph(text))
    if rows:
        blocks.append(to_table(merge_header_rows(pad(_trim(rows)))))
    return blocks


def _trim(rows: list[list[str | Merged]]) -> list[list[str | Merged]]:
    """Columns left empty on every row (a sheet's used range often runs wider than its table) are dropped."""
    width = max(len(r) for r in rows)
    used = [c for c in range(width) if any(c < len(r) and (isinstance(r[c], Merged) or str(r[c]).strip())
                                           for r in rows)]
    return [[r[c] if c < len(r) else "" for c in used] for r in rows]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time(0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()

