"""Read a scanned PDF (page pictures, no text layer) through Tesseract's Vietnamese OCR when it is installed.

OCR text is never as sure as a text layer: the document carries ``OCR_WARNING`` so the reviewer checks every
task. Without the ``tesseract`` program or its Vietnamese data (Debian: ``tesseract-ocr-vie``) the caller
refuses the file with its clear message instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

OCR_WARNING = ("Nội dung được đọc từ bản quét bằng nhận dạng chữ (OCR), có thể sai chữ, sai số hoặc lệch cột: "
               "cần đối chiếu từng nhiệm vụ với bản gốc.")
_DPI = 300  # Tesseract reads Vietnamese diacritics reliably from about 300 dpi
_COLUMN_GAP = re.compile(r" {3,}")  # OCR keeps a table's column gaps as runs of spaces
_PAGE_TIMEOUT = 120  # seconds per page: a stuck OCR run must not hold an import forever


@lru_cache(maxsize=1)
def vietnamese_ocr() -> str | None:
    """The tesseract program when it is installed with its Vietnamese data, else None."""
    program = shutil.which("tesseract")
    if program is None:
        return None
    try:
        listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    languages = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    return program if "vie" in languages else None


def ocr_pdf(path: Path) -> str | None:
    """The text Tesseract reads on every page of ``path`` (pages in order), or None when OCR is unavailable."""
    program = vietnamese_ocr()
    if program is None:
        return None
    import io

    import pypdfium2  # installed with pdfplumber

    texts: list[str] = []
    with pypdfium2.PdfDocument(str(path)) as pdf:
        for page in pdf:
            picture = io.BytesIO()
            page.render(scale=_DPI / 72).to_pil().convert("L").save(picture, format="PNG")
            # --psm 6: one block, a table row on one line; kept spaces separate its columns as in a PDF without rules
            run = subprocess.run([program, "-", "-", "-l", "vie", "--psm", "6", "--dpi", str(_DPI),
                                  "-c", "preserve_interword_spaces=1"],
                                 input=picture.getvalue(), capture_output=True, timeout=_PAGE_TIMEOUT)
            texts.append(run.stdout.decode("utf-8", errors="replace"))
    return "\n".join(texts)


def as_cells(text: str) -> str:
    """OCR lines with their column gaps as tabs, so the text readers find the table's cells as in a text plan."""
    lines = []
    for line in text.splitlines():
        cells = [c.strip() for c in _COLUMN_GAP.split(line.strip())]
        lines.append("\t".join(cells) if len(cells) >= 3 else line.strip())
    return "\n".join(line for line in lines if line)
