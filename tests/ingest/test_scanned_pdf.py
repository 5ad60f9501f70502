"""A scanned PDF (page pictures only): read through Tesseract's Vietnamese OCR, flagged, where it is installed;
refused with one clear Vietnamese line where it is not. The picture is drawn here, as a scanner would give it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ingest.ocr import OCR_WARNING, as_cells, vietnamese_ocr
from ingest.pdf_reader import NO_TEXT, SCAN_WITHOUT_TABLE

ROOT = Path(__file__).resolve().parents[2]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # fonts-dejavu-core, installed with LibreOffice's fonts
ROWS = [["TT", "Nội dung", "Cơ quan chủ trì", "Thời hạn hoàn thành"],
        ["1", "Rà soát thủ tục hành chính.", "Sở Tư pháp", "Quý II/2026"],
        ["2", "Xây dựng kho dữ liệu.", "Sở Nội vụ", "Tháng 9/2026"]]


def scanned_plan(path: Path) -> Path:
    font = ImageFont.truetype(FONT, 36)
    page = Image.new("RGB", (2480, 1000), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(["ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "KẾ HOẠCH", "Thực hiện chuyển đổi số năm 2026"]):
        draw.text((100, 80 + i * 70), line, fill="black", font=font)
    for r, row in enumerate(ROWS):
        for x, cell in zip((100, 250, 1000, 1650), row, strict=True):
            draw.text((x, 400 + r * 90), cell, fill="black", font=font)
    page.save(path, resolution=300)
    return path


def import_dry_run(pdf: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hanchot", "import", "--dry-run", "--json", str(pdf)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def test_a_scanned_plan_is_read_through_ocr_and_flagged_or_refused_with_the_message(tmp_path):
    result = import_dry_run(scanned_plan(tmp_path / "ban-quet.pdf"), dict(os.environ))
    if vietnamese_ocr() is None:
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [f"hanchot: {NO_TEXT}"]
        return
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert OCR_WARNING in plan["warnings"]
    assert [(t["number"], t["lead"], t["deadline_text"]) for t in plan["tasks"]] == [
        ("1", ["Sở Tư pháp"], "Quý II/2026"), ("2", ["Sở Nội vụ"], "Tháng 9/2026")]
    assert plan["tasks"][0]["content"] == "Rà soát thủ tục hành chính."


def test_without_tesseract_the_scan_gets_the_vietnamese_message(tmp_path):
    scan = scanned_plan(tmp_path / "ban-quet.pdf")
    result = import_dry_run(scan, {**os.environ, "PATH": str(tmp_path)})  # an office without OCR installed
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"hanchot: {NO_TEXT}"]


def test_ocr_column_gaps_become_cells_and_prose_stays_a_line():
    text = ("KẾ HOẠCH chuyển đổi số\nTT     Nội dung      Chủ trì     Thời hạn\n"
            "1    Rà soát.    Sở Tư pháp    Quý I/2026")
    assert as_cells(text).splitlines() == ["KẾ HOẠCH chuyển đổi số", "TT\tNội dung\tChủ trì\tThời hạn",
                                           "1\tRà soát.\tSở Tư pháp\tQuý I/2026"]


def test_a_scan_whose_ocr_text_holds_no_table_is_refused_saying_so(tmp_path):
    font = ImageFont.truetype(FONT, 36)
    page = Image.new("RGB", (2480, 600), "white")
    ImageDraw.Draw(page).text((100, 100), "Thông báo kết luận của Chủ tịch UBND tỉnh.", fill="black", font=font)
    page.save(tmp_path / "thong-bao.pdf", resolution=300)
    result = import_dry_run(tmp_path / "thong-bao.pdf", dict(os.environ))
    assert result.returncode == 2
    expected = NO_TEXT if vietnamese_ocr() is None else SCAN_WITHOUT_TABLE
    assert result.stderr.strip().splitlines() == [f"hanchot: {expected}"]
