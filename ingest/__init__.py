"""Reading plans: files → Document (readers) → PlanDraft (plan builder)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.document import Document
    from ingest.draft import PlanDraft


def read_document(path: Path) -> Document:
    """Dispatch on what the file really is (ingest.sniff): Word, Excel, PDF, text, or an older or open format
    converted by LibreOffice; text typed in a legacy Vietnamese font comes out as Unicode."""
    from ingest.sniff import sniff

    kind = sniff(path)
    if kind in ("doc", "odt", "rtf", "xls", "ods"):
        import tempfile

        from ingest.office import converted

        with tempfile.TemporaryDirectory(prefix="hanchot-convert-") as folder:
            document = _read(converted(path, kind, Path(folder)))
    else:
        document = _read(path, kind)
    document.source_name = path.name
    return _unicode(document)


def _read(path: Path, kind: str | None = None) -> Document:
    from ingest.sniff import sniff

    kind = kind or sniff(path)
    if kind == "docx":
        from ingest.docx_reader import read_docx

        return read_docx(path)
    if kind == "xlsx":
        from ingest.xlsx_reader import read_xlsx

        return read_xlsx(path)
    if kind == "pdf":
        from ingest.pdf_reader import read_pdf

        return read_pdf(path)
    from ingest.errors import EMPTY_FILE, ImportRefused
    from ingest.text_encodings import decode_text
    from ingest.text_layouts import read_text

    decoded = decode_text(path.read_bytes())
    if not decoded.text.strip():
        raise ImportRefused(EMPTY_FILE)
    document = read_text(decoded.text, path.name)
    if decoded.encoding != "UTF-8":
        document.warnings.append(f"Tệp văn bản dùng bảng mã {decoded.encoding}: đã chuyển sang Unicode.")
    return document


def _unicode(document: Document) -> Document:
    """Paragraphs and cells typed in a TCVN3 (.VnTime) or VNI font converted to Unicode, with a warning."""
    from ingest.document import Paragraph
    from ingest.text_encodings import convert_block, legacy_font

    texts = [b.text if isinstance(b, Paragraph) else c for b in document.blocks
             for c in ([b.text] if isinstance(b, Paragraph) else [c for row in b.rows for c in row])]
    found = legacy_font(texts)
    if found is None:
        return document
    name, convert = found
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text = convert_block(block.text, convert)
        else:
            block.rows = [[convert_block(c, convert) for c in row] for row in block.rows]
    document.warnings.append(f"Văn bản gõ bằng phông chữ {name}: đã chuyển sang Unicode, hãy kiểm tra chính tả.")
    return document


def build_plan(document: Document, *, plan_year: int | None = None) -> PlanDraft:
    from ingest.builder import build_plan as build

    return build(document, plan_year=plan_year)


def read_plan(path: Path, plan_year: int | None = None) -> PlanDraft:
    return build_plan(read_document(Path(path)), plan_year=plan_year)
