"""Decide what a file really is from its bytes, and refuse what cannot be a plan before any reader runs.

The extension is a hint only: a ".docx" that is not a Word zip, or a ".pdf" without the "%PDF-" header,
is refused with the same Vietnamese message as any other unreadable file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.errors import EMPTY_FILE, MAX_BYTES, NOT_A_DOCUMENT, TOO_LARGE, ImportRefused

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLD_WORD = "Tệp Word định dạng cũ (.doc) chưa được hỗ trợ: hãy mở bằng Word, lưu thành .docx rồi nhập lại."


def sniff(path: Path) -> str:
    """Return "docx", "pdf" or "text" for a file a reader can open.

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
        _check_docx_zip(path)
        return "docx"
    if head.startswith(_OLE_MAGIC):  # Word 97-2003 (.doc) and other Office binaries: still common in offices
        raise ImportRefused(OLD_WORD)
    if suffix in (".pdf", ".docx", ".doc", ".docm", ".odt", ".rtf"):
        raise ImportRefused(NOT_A_DOCUMENT)
    _check_text(path)
    return "text"


def _check_docx_zip(path: Path) -> None:
    """A Word document is a readable zip holding word/document.xml; anything else is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ImportRefused(NOT_A_DOCUMENT)
            if archive.testzip() is not None:  # a member whose CRC does not match: a truncated or damaged file
                raise ImportRefused(NOT_A_DOCUMENT)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise ImportRefused(NOT_A_DOCUMENT) from e


def _check_text(path: Path) -> None:
    """A text plan is UTF-8 without NUL bytes and with something besides whitespace."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise ImportRefused(NOT_A_DOCUMENT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportRefused(NOT_A_DOCUMENT) from e
    if not text.strip():
        raise ImportRefused(EMPTY_FILE)
