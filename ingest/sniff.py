"""Decide what a file really is from its bytes, and refuse what cannot be a plan before any reader runs.

The extension is a hint only: a ".docx" that is not a Word zip, or a ".pdf" without the "%PDF-" header,
is refused with the same Vietnamese message as any other unreadable file. Zip files are told apart by what
they hold (Word, Excel, OpenDocument text or spreadsheet); old Office binaries by their extension.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.errors import EMPTY_FILE, MAX_BYTES, NOT_A_DOCUMENT, TOO_LARGE, ImportRefused

# What a plan file may be called, in the order the messages list them (the CLI's folders, the web upload).
PLAN_SUFFIXES = (".docx", ".doc", ".odt", ".rtf", ".pdf", ".xlsx", ".xls", ".ods", ".txt", ".md")
SUFFIXES_TEXT = ", ".join(PLAN_SUFFIXES)
_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF_MAGIC = b"{\\rtf"
_ODF_TYPES = {b"application/vnd.oasis.opendocument.text": "odt",
              b"application/vnd.oasis.opendocument.spreadsheet": "ods"}


def sniff(path: Path) -> str:
    """Return "docx", "xlsx", "pdf", "text", or "doc", "odt", "rtf", "xls", "ods" (read through LibreOffice).

    Raises ``ImportRefused`` for a missing, empty, oversized, binary or corrupt file.
    """
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ImportRefused(f"Không mở được tệp {path.name}.") from e
    if size == 0:
        raise ImportRefused(EMPTY_FILE)
    if size > MAX_BYTES:
        raise ImportRefused(TOO_LARGE)
    with path.open("rb") as f:
        head = f.read(1024)
    suffix = path.suffix.lower()
    if head.startswith(_PDF_MAGIC) or (suffix == ".pdf" and _PDF_MAGIC in head):
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(path)
    if head.startswith(_OLE_MAGIC):  # Word and Excel 97-2003: still common in offices
        return "xls" if suffix in (".xls", ".xlt") else "doc"
    if head.startswith(_RTF_MAGIC):
        return "rtf"
    if suffix in (".pdf", ".docx", ".doc", ".docm", ".odt", ".rtf", ".xlsx", ".xls", ".ods"):
        raise ImportRefused(NOT_A_DOCUMENT)
    _check_text(path)
    return "text"


def _zip_kind(path: Path) -> str:
    """A readable zip holding a Word document, an Excel workbook or an OpenDocument file; anything else is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if archive.testzip() is not None:  # a member whose CRC does not match: a truncated or damaged file
                raise ImportRefused(NOT_A_DOCUMENT)
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                kind = _ODF_TYPES.get(archive.read("mimetype").strip())
                if kind:
                    return kind
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise ImportRefused(NOT_A_DOCUMENT) from e
    raise ImportRefused(NOT_A_DOCUMENT)


def _check_text(path: Path) -> None:
    """A text plan is text in an encoding we read (ingest.text_encodings) with something besides whitespace."""
    from ingest.text_encodings import decode_text

    if not decode_text(path.read_bytes()).text.strip():
        raise ImportRefused(EMPTY_FILE)
