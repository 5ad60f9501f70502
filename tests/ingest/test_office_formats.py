"""Plans as offices receive them: old Word, OpenDocument, RTF and Excel files, and text in every encoding still met.

Every file is built here for real: LibreOffice converts a Word rendering of a seed plan to .doc, .odt and .rtf;
openpyxl writes an Excel appendix with merged cells; the encoders of tests/support/legacy_text.py write the
seed's text as TCVN3, VNI, Windows-1258 and UTF-16. Each must give the same tasks as the plan's UTF-8 text.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from config.agencies import normalise
from ingest import read_document, read_plan
from ingest.document import Paragraph, Table
from ingest.errors import ImportRefused
from ingest.pdf_reader import NO_TEXT
from ingest.text_encodings import decode_text, from_tcvn3, from_vni, unreadable
from ingest.text_layouts import read_text
from tests.support.data import PLANS, SEEDS
from tests.support.legacy_text import to_cp1258, to_tcvn3, to_vni
from tests.support.render_docs import soffice, word_shaped, write_docx

ROOT = Path(__file__).resolve().parents[2]
[SEED] = SEEDS.glob("002_*.txt")
APPENDIX = PLANS / "03-ttg-chuyen-doi-so-ket-cau-ha-tang.txt"


def _tasks(draft, fold_case: bool = False) -> list[tuple]:  # type: ignore[no-untyped-def]
    """What a plan says, task by task: the fields a focal point reads and the dates they get."""
    text = normalise if fold_case else (lambda s: " ".join((s or "").split()))
    return [(t.key, text(t.content), [text(n) for n in t.lead], [text(n) for n in t.support], text(t.deadline_text),
             [(m.kind, m.due, tuple(o.due for o in m.occurrences)) for m in t.milestones]) for t in draft.tasks]


@pytest.fixture(scope="module")
def expected():  # type: ignore[no-untyped-def]
    return _tasks(read_plan(SEED))


@pytest.fixture(scope="module")
def word(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("office")
    document = word_shaped(read_text(SEED.read_text(encoding="utf-8"), SEED.name))
    document.blocks.append(Paragraph("Nơi nhận: như trên."))  # Word always ends a document with a paragraph
    return write_docx(document, folder / "hoang-phu.docx")


def _convert(source: Path, target: str, folder: Path) -> Path:
    program = soffice()
    assert program, "LibreOffice is missing: tests/support/install_test_deps.sh installs it"
    subprocess.run([program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", target, "--outdir", str(folder), str(source)], check=True, capture_output=True,
                   timeout=240)
    return folder / f"{source.stem}.{target}"


def test_the_word_rendering_itself_gives_the_text_s_tasks(word, expected):
    assert _tasks(read_plan(word)) == expected


@pytest.mark.slow
@pytest.mark.parametrize("target", ["doc", "odt", "rtf"])
def test_old_word_opendocument_and_rtf_give_the_same_tasks(word, expected, tmp_path, target):
    converted = _convert(word, target, tmp_path)
    draft = read_plan(converted)
    assert _tasks(draft) == expected
    assert draft.source_name == converted.name


def test_without_libreoffice_an_old_word_file_gets_one_vietnamese_line_and_nothing_is_written(
        word, tmp_path, migrated_sqlite_url):
    doc = _convert(word, "doc", tmp_path)
    env = {**os.environ, "HANCHOT_DATABASE_URL": migrated_sqlite_url, "PATH": str(tmp_path / "empty-bin")}
    run = lambda *args: subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env,  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    result = run("import", str(doc))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cần LibreOffice để đọc nhưng máy chủ chưa cài LibreOffice" in lines[0]
    assert "Word định dạng cũ (.doc)" in lines[0] and ".docx" in lines[0]
    assert "(chưa" not in run("plans", "list").stdout, "nothing was stored"


def _appendix_workbook(path: Path) -> Path:
    """Plan 03 as an Excel appendix: title rows merged across, the header, each task; a lead cell merged down over
    the two rows of task 1 (the way the Word table has it)."""
    document = read_text(APPENDIX.read_text(encoding="utf-8"), APPENDIX.name)
    [table] = [b for b in document.blocks if isinstance(b, Table)]
    titles = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    book = Workbook()
    sheet = book.active
    width = len(table.rows[0])
    for row, title in enumerate(titles[:3], start=1):
        sheet.cell(row, 1, title)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    first = len(titles[:3]) + 2  # a blank row before the table, as offices leave one
    for r, cells in enumerate(table.rows):
        for c, text in enumerate(cells, start=1):
            sheet.cell(first + r, c, int(text) if text.isdigit() else (text or None))
    sheet.column_dimensions["B"].width = 60
    book.create_sheet("Ghi chú").cell(1, 1, "Trang tính chỉ có một ô")
    hidden = book.create_sheet("Ẩn")
    hidden.sheet_state = "hidden"
    hidden.cell(1, 1, "TT")
    book.save(path)
    return path


def test_an_excel_appendix_gives_the_same_tasks_as_its_text(tmp_path):
    expected = read_plan(APPENDIX, plan_year=2025)
    draft = read_plan(_appendix_workbook(tmp_path / "phu-luc.xlsx"), plan_year=2025)
    assert (draft.number, draft.issuer, draft.title) == (expected.number, expected.issuer, expected.title)
    assert _tasks(draft) == _tasks(expected)


def test_excel_merged_cells_are_read_as_words_are(tmp_path):
    book = Workbook()
    sheet = book.active
    rows = [["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian hoàn thành"],
            ["I", "CẢI CÁCH THỂ CHẾ", None, None],
            [1, "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", "Quý I/2026"],
            [2, "Kiểm tra văn bản sau ban hành", None, "Quý II/2026"],
            [None, "(tiếp) báo cáo kết quả kiểm tra", None, None]]
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells, start=1):
            sheet.cell(r, c, value)
    sheet.merge_cells("B2:D2")  # a section heading across the width
    sheet.merge_cells("C3:C5")  # one lead for tasks 1 and 2
    sheet.merge_cells("A4:A5")  # task 2 runs over two rows
    book.save(tmp_path / "merged.xlsx")
    [table] = read_document(tmp_path / "merged.xlsx").blocks
    assert table.rows[1] == ["I", "CẢI CÁCH THỂ CHẾ", "", ""]
    assert [row[2] for row in table.rows[2:]] == ["Sở Tư pháp", "Sở Tư pháp", ""]
    assert table.continued == {4}


@pytest.mark.parametrize(("name", "encode", "label", "fold_case"), [
    ("utf8-bom", lambda t: t.encode("utf-8-sig"), None, False),
    ("utf16-le", lambda t: t.encode("utf-16-le").join([b"\xff\xfe", b""]), "UTF-16 LE", False),
    ("utf16-be", lambda t: t.encode("utf-16-be").join([b"\xfe\xff", b""]), "UTF-16 BE", False),
    ("utf16-no-bom", lambda t: t.encode("utf-16-le"), "UTF-16 LE", False),
    ("windows-1258", to_cp1258, "Windows-1258", False),
    ("vni", to_vni, "VNI", False),
    # TCVN3 has no capitals with a tone (an all-capitals font draws them): "Ủy" comes back as "ủy".
    ("tcvn3", to_tcvn3, "TCVN3 (ABC)", True),
])
def test_text_in_every_encoding_gives_the_same_tasks(tmp_path, expected, name, encode, label, fold_case):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(encode(SEED.read_text(encoding="utf-8")))
    draft = read_plan(path)
    assert _tasks(draft, fold_case) == (_tasks(read_plan(SEED), fold_case) if fold_case else expected)
    notes = [w for w in draft.warnings if "bảng mã" in w]
    assert notes == ([f"Tệp văn bản dùng bảng mã {label}: đã chuyển sang Unicode."] if label else [])


def test_the_legacy_tables_read_known_strings_of_real_documents():
    assert from_tcvn3("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert from_tcvn3("Tr\xadêng §¹i häc") == "Trường Đại học"
    assert from_tcvn3("KÕ HO¹CH C¶I C¸CH") == "KẾ HOẠCH CẢI CÁCH"  # typed in .VnTimeH
    assert from_vni("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert from_vni("COÄNG HOØA; Ñieàu 1; tröôøng; Sôû Tö phaùp; Quyù II") == \
        "CỘNG HÒA; Điều 1; trường; Sở Tư pháp; Quý II"


def test_a_word_file_typed_in_vntime_and_vni_fonts_is_converted(tmp_path, expected):
    """Word holds a legacy font's bytes as Windows-1252 characters: the runs typed in .VnTime or VNI-Times."""
    document = word_shaped(read_text(SEED.read_text(encoding="utf-8"), SEED.name))
    for encode, label in ((to_tcvn3, "TCVN3 (ABC)"), (to_vni, "VNI")):
        legacy = type(document)([Paragraph(encode(b.text).decode("cp1252", "replace"))
                                 if isinstance(b, Paragraph) else
                                 Table([[encode(c).decode("cp1252", "replace") for c in row] for row in b.rows])
                                 for b in document.blocks], document.source_name)
        draft = read_plan(write_docx(legacy, tmp_path / f"{label[:4]}.docx"))
        fold = label.startswith("TCVN3")
        assert _tasks(draft, fold) == (_tasks(read_plan(SEED), fold) if fold else expected)
        assert f"Văn bản gõ bằng phông chữ {label}: đã chuyển sang Unicode, hãy kiểm tra chính tả." in draft.warnings


def test_a_unicode_document_is_left_alone(word):
    draft = read_plan(word)
    assert not [w for w in draft.warnings if "phông chữ" in w or "bảng mã" in w]


@pytest.mark.parametrize(("data", "seen"), [
    ("Kế hoạch".encode("utf-32"), "UTF-32"),
    ("Le plan de réforme administrative de l'année, élaboré à Genève, réunit été après été les acteurs "
     "concernés".encode("cp1252"), "Windows-1252 (Tây Âu), không phải tiếng Việt"),
    (bytes(range(0x80, 0x100)) * 3, "không xác định, không phải tiếng Việt"),
    ("計画の実施について、各部署は報告する".encode("shift_jis"), "không xác định, không phải tiếng Việt"),
])
def test_text_in_an_encoding_we_cannot_read_is_refused_naming_what_was_seen(data, seen):
    with pytest.raises(ImportRefused) as refused:
        decode_text(data)
    assert str(refused.value) == unreadable(seen)


def test_a_scanned_pdf_gets_one_vietnamese_line_and_nothing_is_written(word, tmp_path, migrated_sqlite_url):
    """A PDF of page pictures, as a scanner makes: the Word rendering printed, each page rasterised."""
    import pypdfium2

    from tests.support.render_docs import docx_to_pdf

    [printed] = docx_to_pdf([word], tmp_path)
    with pypdfium2.PdfDocument(str(printed)) as pdf:
        pages = [page.render(scale=150 / 72).to_pil().convert("RGB") for page in pdf]
    scan = tmp_path / "ban-quet.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=150)
    # PATH without tesseract: the office that has no OCR installed (tests/ingest/test_scanned_pdf.py reads through it)
    env = {**os.environ, "HANCHOT_DATABASE_URL": migrated_sqlite_url, "PATH": str(tmp_path)}
    run = lambda *args: subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env,  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    result = run("import", str(scan))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"hanchot: {NO_TEXT}"]
    assert run("plans", "list").stdout.strip() == ""
