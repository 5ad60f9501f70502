"""Table grids with merged cells, shared by the DOCX and PDF readers.

A slot covered by a vertically merged cell that started on an earlier row is a ``Merged`` marker until
the rows are resolved: on a row that starts a new item (its first cell has text of its own) the merged
text is repeated, because Word plans merge the agency column over several tasks to mean "each of
them"; on a row that continues the item above it is "", so joining the rows never duplicates the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.document import Table

TT_CELL = re.compile(r"^\s*(?:số\s*)?s?tt\.?\s*$", re.IGNORECASE)  # the first header cell: "TT", "STT", "Số TT"


@dataclass(frozen=True)
class Merged:
    """A grid slot covered by a vertically merged cell whose text is ``text``."""

    text: str


def merged_from(above: str | Merged) -> Merged:
    """The marker for a slot under ``above`` in the same merged cell."""
    return above if isinstance(above, Merged) else Merged(above)


def starts_item(row: list[str | Merged]) -> bool:
    return bool(row) and isinstance(row[0], str) and row[0].strip() != ""


def resolve_row(row: list[str | Merged]) -> list[str]:
    """Plain cells for one row (see the module docstring for what a merged slot becomes)."""
    new_item = starts_item(row)
    return [(cell.text if new_item else "") if isinstance(cell, Merged) else cell for cell in row]


def to_table(grid: list[list[str | Merged]], spanning: set[int] | None = None) -> Table:
    """The resolved table, noting the rows whose first cell is merged into the row above and every slot a
    vertically merged cell covers (the task reader decides what a row under merged cells is)."""
    continued = {i for i, row in enumerate(grid) if row and isinstance(row[0], Merged)}
    merged = {i: covered for i, row in enumerate(grid)
              if (covered := {c: cell.text for c, cell in enumerate(row) if isinstance(cell, Merged)})}
    return Table([resolve_row(r) for r in grid], continued=continued, merged=merged, spanning=spanning or set())


def pad(rows: list[list[str | Merged]]) -> list[list[str | Merged]]:
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def merge_header_rows(grid: list[list[str | Merged]]) -> list[list[str | Merged]]:
    """Fold a two-row header into one row.

    Plans often head the agency columns with one cell spanning two ("Cơ quan thực hiện") over
    "Chủ trì" | "Phối hợp", the other header cells merged down over both rows. The second row is
    recognised by its first slot being merged into the first row's; its columns become "Cơ quan thực
    hiện Chủ trì" and "Cơ quan thực hiện Phối hợp" (a slot the span covers takes the span's text).
    """
    if len(grid) < 2 or not isinstance(grid[1][0], Merged) or not TT_CELL.match(str(grid[0][0])):
        return grid
    top, below = grid[0], grid[1]
    if not any(isinstance(cell, str) and cell.strip() for cell in below):
        return grid
    header: list[str | Merged] = []
    span = ""
    for upper, lower in zip(top, below, strict=False):
        upper_text = upper.text if isinstance(upper, Merged) else upper
        own = lower if isinstance(lower, str) else ""
        span = upper_text or (span if own else "")
        header.append(f"{span} {own}".strip() if own else upper_text)
    return [header + top[len(header):], *grid[2:]]
