"""Reading plans: files → Document (readers) → PlanDraft (plan builder)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.document import Document
    from ingest.draft import PlanDraft


def read_document(path: Path) -> Document:
    """Dispatch on what the file really is (ingest.sniff): DOCX, PDF or one of the text layouts."""
    from ingest.errors import NOT_A_DOCUMENT, ImportRefused
    from ingest.sniff import sniff

    kind = sniff(path)
    if kind == "docx":
        from ingest.docx_reader import read_docx

        return read_docx(path)
    if kind == "pdf":
        from ingest.pdf_reader import read_pdf

        return read_pdf(path)
    from ingest.text_layouts import read_text

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(NOT_A_DOCUMENT) from None
    return read_text(text, path.name)


def build_plan(document: Document, *, plan_year: int | None = None) -> PlanDraft:
    from ingest.builder import build_plan as build

    return build(document, plan_year=plan_year)


def read_plan(path: Path, plan_year: int | None = None) -> PlanDraft:
    return build_plan(read_document(Path(path)), plan_year=plan_year)
