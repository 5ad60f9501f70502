"""Table grids with merged cells, shared by the DOCX and PDF readers.

A slot covered by a vertically merged cell that started on an earlier row is a ``Merged`` marker until
the rows are resolved: on a row that starts a new item (its first cell has text of its own) the merged
text is repeated, because Word plans merge the agency column over several tasks to mean "each of
them"; on a row that continues the item above it is "", so joining the rows never duplicates the text.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def pad(rows: list[list[str | Merged]]) -> list[list[str | Merged]]:
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]
