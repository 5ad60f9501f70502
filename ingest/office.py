"""Old Word (.doc), OpenDocument (.odt, .ods), RTF and old Excel (.xls) through LibreOffice, headless.

Each is converted to its Office Open XML sibling (.docx or .xlsx) in a private folder, with a private user
profile (two conversions at once must not share one), and read by the reader of that format. Without
LibreOffice installed the file is refused with a message saying what to do.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import ImportRefused

TIMEOUT_S = 180
NO_LIBREOFFICE = ("Tệp {kind} cần LibreOffice để đọc nhưng máy chủ chưa cài LibreOffice: hãy mở tệp bằng Word hoặc "
                  "Excel, lưu thành {target} rồi tải lên lại.")
FAILED = "Không chuyển được tệp {kind} sang {target}: tệp hỏng, có mật khẩu hoặc không phải {kind}."
KINDS = {"doc": "Word định dạng cũ (.doc)", "odt": "OpenDocument (.odt)", "rtf": "RTF (.rtf)",
         "xls": "Excel định dạng cũ (.xls)", "ods": "OpenDocument bảng tính (.ods)"}
TARGETS = {"doc": "docx", "odt": "docx", "rtf": "docx", "xls": "xlsx", "ods": "xlsx"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def converted(path: Path, kind: str, folder: Path) -> Path:
    """``path`` (of ``kind``: doc, odt, rtf, xls, ods) converted into ``folder``; raises ImportRefused."""
    target = TARGETS[kind]
    program = soffice()
    if program is None:
        raise ImportRefused(NO_LIBREOFFICE.format(kind=KINDS[kind], target=f".{target}"))
    source = folder / f"source.{kind}"  # a plain name: LibreOffice names its output after its input
    shutil.copyfile(path, source)
    with tempfile.TemporaryDirectory(prefix="hanchot-lo-") as profile:
        command = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", target, "--outdir", str(folder), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
        except (subprocess.TimeoutExpired, OSError) as e:
            raise ImportRefused(FAILED.format(kind=KINDS[kind], target=f".{target}")) from e
    result = folder / f"source.{target}"
    if not result.is_file() or result.stat().st_size == 0:
        raise ImportRefused(FAILED.format(kind=KINDS[kind], target=f".{target}"))
    return result
