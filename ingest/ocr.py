"""Scanned PDFs (pages that are pictures, no text layer) read with Tesseract's Vietnamese model, where installed.

Tesseract writes a searchable PDF: the page pictures with the recognised words laid over them where they stand,
so the result goes through the PDF reader (``ingest.pdf_reader``) like any PDF printed without rules. Without
``tesseract`` and its Vietnamese data (Debian: tesseract-ocr, tesseract-ocr-vie) the file is refused with a
message saying so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ingest.errors import ImportRefused

DPI = 300  # what Tesseract is trained for
MAX_PAGES = 60
TIMEOUT_S = 900
NO_OCR = ("Tệp PDF là bản quét (chỉ có ảnh, không có lớp chữ) và máy chủ chưa cài nhận dạng chữ tiếng Việt "
          "(Tesseract, gói tesseract-ocr-vie): hãy tải lên bản Word hoặc bản PDF có chữ.")
TOO_MANY = f"Tệp PDF là bản quét dài hơn {MAX_PAGES} trang: hãy tải lên bản Word hoặc bản PDF có chữ."
FAILED = "Không nhận dạng được chữ trong bản quét PDF: hãy tải lên bản Word hoặc bản PDF có chữ."
WARNING = "Kế hoạch đọc từ bản quét bằng nhận dạng chữ (OCR): hãy đối chiếu từng nhiệm vụ với văn bản gốc."


def available() -> bool:
    program = shutil.which("tesseract")
    if program is None:
        return False
    try:
        listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "vie" in listed.split()


def searchable_pdf(path: Path, folder: Path) -> Path:
    """The scanned ``path`` with its recognised text laid over each page, written into ``folder``."""
    import pypdfium2  # ships with pdfplumber

    if not available():
        raise ImportRefused(NO_OCR)
    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as e:
        raise ImportRefused(FAILED) from e
    with pdf:
        if len(pdf) > MAX_PAGES:
            raise ImportRefused(TOO_MANY)
        pages = []
        for number, page in enumerate(pdf, start=1):
            image = folder / f"page-{number:03d}.png"
            page.render(scale=DPI / 72, grayscale=True).to_pil().save(image)
            pages.append(str(image))
    listing = folder / "pages.txt"
    listing.write_text("\n".join(pages) + "\n", encoding="utf-8")
    output = folder / "ocr"
    command = [shutil.which("tesseract") or "tesseract", str(listing), str(output), "-l", "vie", "--dpi", str(DPI),
               "pdf"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ImportRefused(FAILED) from e
    result = output.with_suffix(".pdf")
    if done.returncode != 0 or not result.is_file():
        raise ImportRefused(FAILED)
    return result
