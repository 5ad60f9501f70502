"""A document as hanchot reads it, whatever the file format: paragraphs and tables in order.

Every reader (text layouts, DOCX, PDF) produces a ``Document``; one plan builder turns it into a
plan draft, so the same plan gives the same tasks from any format.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    """Rows of cells; a cell's paragraphs and list items are joined with "\\n" (bullets kept as "- ")."""

    rows: list[list[str]]
    # Rows whose TT cell is merged with the row above (Word, ruled PDF): certainly the same task.
    continued: set[int] = field(default_factory=set)
    # Slots covered by a cell merged vertically from a row above (Word, ruled PDF): row → {column: the cell's text}.
    merged: dict[int, dict[int, str]] = field(default_factory=dict)
    # Rows that are one cell merged across the whole width (Word): headings or notes, never tasks.
    spanning: set[int] = field(default_factory=set)
    # Read from text flattened from a PDF (``ingest.pdf_flat``): each row is already one task, and a cell past the
    # header's columns is the reader's warning about that row.
    flattened: bool = False


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block]
    source_name: str = ""
    layout: str = ""  # which reader produced it: "tsv-html", "tab-cells", "pdf-flat", "docx", "pdf-tables"
    warnings: list[str] = field(default_factory=list)
