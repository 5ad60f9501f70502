"""The DOCX and PDF readers on small documents built here: merges, lists, page breaks, bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document as new_docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ingest import build_plan, read_document
from ingest.document import Document, Paragraph, Table
from ingest.docx_reader import read_docx
from ingest.errors import EMPTY_FILE, MAX_BYTES, NOT_A_DOCUMENT, TOO_LARGE, ImportRefused
from ingest.pdf_reader import read_pdf
from ingest.sniff import sniff
from ingest.tasks import UNNUMBERED
from ingest.text_encodings import unreadable
from tests.support.render_docs import docx_to_pdf, write_docx

HEADER = ["TT", "Nội dung thực hiện", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]


def _long_plan() -> Document:
    """Forty tasks over several pages: a merged lead column crossing page breaks and a split row."""
    rows = [HEADER]
    for i in range(1, 41):
        lead = "Sở Nội vụ" if 5 <= i <= 14 else ("Sở Tư pháp" if i % 2 else "- Văn phòng UBND tỉnh;\n- Sở Tài chính.")
        content = f"Triển khai nhiệm vụ cải cách hành chính số {i} trên địa bàn, bảo đảm chất lượng. " * (1 + i % 3)
        rows.append([str(i), content.strip(), "Báo cáo kết quả", lead, "Các sở, ban, ngành",
                     "Trước ngày 30/11/2025" if i % 2 else "Quý I/2025"])
        if i == 20:
            rows.append(["", "Phần tiếp theo của nội dung số 20.", "", "", "", ""])
    return Document([Paragraph("Phụ lục số 01: Các nhiệm vụ trọng tâm về cải cách thể chế"), Table(rows),
                     Paragraph("Phụ lục số 02: Cải cách thủ tục hành chính")], "long")


def _normalised(rows: list[list[str]]) -> list[list[str]]:
    return [[" ".join(cell.split()) for cell in row] for row in rows]


@pytest.fixture(scope="module")
def long_files(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("long")
    docx_path = write_docx(_long_plan(), folder / "long.docx")
    [pdf_path] = docx_to_pdf([docx_path], folder)
    return docx_path, pdf_path


def test_it_reads_docx_tables_and_paragraphs_in_order(long_files):
    document = read_docx(long_files[0])
    assert [type(b).__name__ for b in document.blocks] == ["Paragraph", "Table", "Paragraph"]
    assert document.blocks[2].text == "Phụ lục số 02: Cải cách thủ tục hành chính"
    assert _normalised(document.blocks[1].rows) == _normalised(_long_plan().blocks[1].rows)


def test_it_repeats_a_merged_agency_on_each_task_it_covers(long_files):
    rows = read_docx(long_files[0]).blocks[1].rows
    assert [rows[i][3] for i in range(5, 15)] == ["Sở Nội vụ"] * 10


def test_it_reads_the_same_table_from_the_pdf_across_page_breaks(long_files):
    document = read_pdf(long_files[1])
    assert document.layout == "pdf-tables"
    tables = [b for b in document.blocks if isinstance(b, Table)]
    assert len(tables) == 1, "a table running over pages must come back as one table"
    assert _normalised(tables[0].rows) == _normalised(_long_plan().blocks[1].rows)
    assert document.blocks[-1] == Paragraph("Phụ lục số 02: Cải cách thủ tục hành chính")


def test_it_keeps_a_vertically_merged_continuation_from_duplicating_text(tmp_path):
    word = new_docx()
    table = word.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for c, text in enumerate(["TT", "Nội dung", "Thời gian"]):
        table.cell(0, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "1"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "Xây dựng kế hoạch kiểm tra"
    table.cell(1, 2).text = "- Kế hoạch: tháng 01/2025"
    table.cell(2, 2).text = "- Báo cáo: tháng 11/2025"
    word.save(str(tmp_path / "m.docx"))
    expected = [["TT", "Nội dung", "Thời gian"], ["1", "Xây dựng kế hoạch kiểm tra", "- Kế hoạch: tháng 01/2025"],
                ["", "", "- Báo cáo: tháng 11/2025"]]
    assert read_docx(tmp_path / "m.docx").blocks[0].rows == expected
    [pdf] = docx_to_pdf([tmp_path / "m.docx"], tmp_path)
    assert read_pdf(pdf).blocks[0].rows == expected


def test_a_row_with_its_own_content_under_a_merged_tt_cell_is_its_own_task(tmp_path):
    """Issue 13: a row under a TT cell merged over it that has its own content, agency and deadline is a task
    of its own carrying the merged number; the row below the merge is an unnumbered task flagged for review."""
    word = new_docx()
    table = word.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    rows = [["TT", "Nội dung thực hiện", "Cơ quan chủ trì", "Thời gian hoàn thành"],
            ["1", "Xây dựng kế hoạch kiểm tra.", "Sở Nội vụ", "Quý I/2025"],
            ["", "Tổ chức kiểm tra tại các sở.", "Sở Nội vụ", "Quý III/2025"],
            ["", "Tổng hợp kết quả kiểm tra.", "Sở Nội vụ", "Tháng 11/2025"]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "1"
    word.save(str(tmp_path / "tt.docx"))
    [pdf] = docx_to_pdf([tmp_path / "tt.docx"], tmp_path)
    for path in (tmp_path / "tt.docx", pdf):
        tasks = build_plan(read_document(path), plan_year=2025).tasks
        assert [t.number for t in tasks] == ["1", "1", None]
        assert [t.content for t in tasks] == [r[1] for r in rows[1:]]
        assert [t.deadline_text for t in tasks] == ["Quý I/2025", "Quý III/2025", "Tháng 11/2025"]
        assert len({t.key for t in tasks}) == 3
        assert UNNUMBERED in tasks[2].warnings


def test_a_row_cut_mid_sentence_under_a_merged_tt_cell_continues_the_task(tmp_path):
    """A row under a merged TT cell that does not read as a task (content cut mid-sentence) is the rest of it."""
    word = new_docx()
    table = word.add_table(rows=3, cols=4)
    rows = [["TT", "Nội dung thực hiện", "Cơ quan chủ trì", "Thời gian hoàn thành"],
            ["1", "Xây dựng kế hoạch kiểm tra công tác", "Sở Nội vụ", "Quý I/2025"],
            ["", "cải cách hành chính.", "", ""]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "1"
    word.save(str(tmp_path / "cut.docx"))
    [task] = build_plan(read_document(tmp_path / "cut.docx"), plan_year=2025).tasks
    assert task.content == "Xây dựng kế hoạch kiểm tra công tác cải cách hành chính."
    assert task.deadline_text == "Quý I/2025"


def test_it_gives_a_horizontally_merged_cell_to_its_first_column(tmp_path):
    word = new_docx()
    table = word.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "I. Cải cách thể chế"
    for c, text in enumerate(["1", "Rà soát văn bản", "Quý I/2025"]):
        table.cell(1, c).text = text
    word.save(str(tmp_path / "h.docx"))
    assert read_docx(tmp_path / "h.docx").blocks[0].rows == [["I. Cải cách thể chế", "", ""],
                                                            ["1", "Rà soát văn bản", "Quý I/2025"]]


def test_it_writes_list_numbering_the_way_word_shows_it(tmp_path):
    word = new_docx()
    word.add_paragraph("Sở Nội vụ", style="List Bullet")
    word.add_paragraph("Ban hành kế hoạch", style="List Number")
    word.add_paragraph("Tổ chức thực hiện", style="List Number")
    table = word.add_table(rows=1, cols=1)
    cell = table.cell(0, 0)
    cell.paragraphs[0].text = "Các đơn vị:"
    cell.add_paragraph("Sở Tư pháp", style="List Bullet")
    cell.add_paragraph("Sở Tài chính", style="List Bullet")
    word.save(str(tmp_path / "l.docx"))
    blocks = read_docx(tmp_path / "l.docx").blocks
    assert blocks[:3] == [Paragraph("- Sở Nội vụ"), Paragraph("1. Ban hành kế hoạch"),
                          Paragraph("2. Tổ chức thực hiện")]
    assert blocks[3].rows == [["Các đơn vị:\n- Sở Tư pháp\n- Sở Tài chính"]]


def test_it_reads_a_pdf_without_ruled_tables_as_text(tmp_path):
    lines = ["KẾ HOẠCH", "Cải cách hành chính năm 2025", "I. MỤC ĐÍCH, YÊU CẦU"]
    source = write_docx(Document([Paragraph(line) for line in lines]), tmp_path / "prose.docx")
    [pdf] = docx_to_pdf([source], tmp_path)
    document = read_pdf(pdf)
    assert document.layout == "pdf-text"
    text = " ".join(b.text for b in document.blocks if isinstance(b, Paragraph))
    assert "Cải cách hành chính năm 2025" in text and "MỤC ĐÍCH, YÊU CẦU" in text


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip_without_word(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return path


def _truncated_docx(path: Path, long_files) -> Path:
    data = long_files[0].read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize(("name", "make", "message"), [
    ("empty.docx", lambda p, _: _write(p, b""), EMPTY_FILE),
    ("blank.txt", lambda p, _: _write(p, b"  \n\n "), EMPTY_FILE),
    ("notzip.docx", lambda p, _: _write(p, "Kế hoạch".encode()), NOT_A_DOCUMENT),
    ("other.docx", lambda p, _: _zip_without_word(p), NOT_A_DOCUMENT),
    ("cut.docx", _truncated_docx, NOT_A_DOCUMENT),
    ("noheader.pdf", lambda p, _: _write(p, b"1 0 obj << >> endobj\n" * 10), NOT_A_DOCUMENT),
    ("binary.txt", lambda p, _: _write(p, bytes(range(256)) * 4), NOT_A_DOCUMENT),
    ("utf32.txt", lambda p, _: _write(p, "Kế hoạch".encode("utf-32")), unreadable("UTF-32")),
])
def test_it_refuses_files_that_cannot_be_plans(tmp_path, long_files, name, make, message):
    path = make(tmp_path / name, long_files)
    with pytest.raises(ImportRefused) as refused:
        sniff(path)
    assert str(refused.value) == message


def test_it_refuses_a_file_over_20_mb(tmp_path):
    path = tmp_path / "big.pdf"
    with path.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        f.seek(MAX_BYTES)
        f.write(b"\n")
    with pytest.raises(ImportRefused, match=TOO_LARGE):
        sniff(path)


def test_it_refuses_a_pdf_whose_body_is_garbage(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert sniff(path) == "pdf"
    with pytest.raises(ImportRefused, match=NOT_A_DOCUMENT):
        read_pdf(path)


def test_it_sniffs_content_not_the_extension(tmp_path, long_files):
    renamed = tmp_path / "ke-hoach.bin"
    renamed.write_bytes(long_files[1].read_bytes())
    assert sniff(renamed) == "pdf"
    word_as_txt = tmp_path / "ke-hoach.txt"
    word_as_txt.write_bytes(long_files[0].read_bytes())
    assert sniff(word_as_txt) == "docx"
    assert sniff(long_files[0]) == "docx"


def test_it_joins_a_row_that_runs_over_several_pages(tmp_path):
    header = ["TT", "Nội dung thực hiện", "Cơ quan chủ trì", "Thời gian hoàn thành"]
    long_cell = "\n".join(f"Đoạn {i}: rà soát, đánh giá thủ tục hành chính thuộc lĩnh vực số {i} và đề xuất "
                          "phương án đơn giản hóa." for i in range(1, 40))
    rows = [header, ["1", "Nhiệm vụ ngắn.", "Sở Tư pháp", "Quý I/2025"],
            ["2", long_cell, "Sở Nội vụ", "Trước ngày 30/11/2025"],
            ["3", "Nhiệm vụ cuối.", "Sở Tài chính", "Thường xuyên"]]
    [pdf] = docx_to_pdf([write_docx(Document([Table(rows)]), tmp_path / "split.docx")], tmp_path)
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        assert len(opened.pages) >= 3, "the fixture must really cut row 2 over page breaks"
    assert read_pdf(pdf).blocks == [Table(rows)]


def test_it_refuses_a_pdf_without_any_text(tmp_path):
    new_docx().save(str(tmp_path / "blank.docx"))  # prints as one blank page, as a scan would read
    [pdf] = docx_to_pdf([tmp_path / "blank.docx"], tmp_path)
    with pytest.raises(ImportRefused, match="bản quét"):
        read_pdf(pdf)


def test_it_places_a_row_that_starts_right_of_the_grid_under_its_columns(tmp_path):
    word = new_docx()
    table = word.add_table(rows=2, cols=3)
    for c, text in enumerate(["TT", "Nội dung", "Thời gian"]):
        table.cell(0, c).text = text
    tr = table.rows[1]._tr
    tr.remove(tr.tc_lst[0])  # the second row has no first cell: it starts one grid column in
    grid_before = OxmlElement("w:gridBefore")
    grid_before.set(qn("w:val"), "1")
    tr.get_or_add_trPr().append(grid_before)
    tr.tc_lst[0].xpath("./w:p")[0].append(_run("bổ sung nội dung"))
    tr.tc_lst[1].xpath("./w:p")[0].append(_run("Quý II/2025"))
    word.save(str(tmp_path / "g.docx"))
    assert read_docx(tmp_path / "g.docx").blocks[0].rows[1] == ["", "bổ sung nội dung", "Quý II/2025"]


def _run(text: str):
    from docx.oxml import OxmlElement

    run, t = OxmlElement("w:r"), OxmlElement("w:t")
    t.text = text
    run.append(t)
    return run


def test_it_reads_an_auto_numbered_tt_column_as_its_numbers(tmp_path):
    word = new_docx()
    table = word.add_table(rows=4, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "TT", "Nội dung"
    for r in range(1, 4):
        table.cell(r, 0).paragraphs[0].style = word.styles["List Number"]  # Word numbers it; the XML has no text
        table.cell(r, 1).text = f"Nhiệm vụ {r}"
    word.save(str(tmp_path / "n.docx"))
    rows = read_docx(tmp_path / "n.docx").blocks[0].rows
    assert [row[0] for row in rows] == ["TT", "1.", "2.", "3."]


def test_it_folds_a_two_row_header_over_the_agency_columns(tmp_path):
    word = new_docx()
    table = word.add_table(rows=3, cols=5)
    table.style = "Table Grid"
    for c, text in ((0, "TT"), (1, "Nội dung"), (4, "Thời gian hoàn thành")):
        table.cell(0, c).merge(table.cell(1, c)).text = text
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Cơ quan thực hiện"
    table.cell(1, 2).text, table.cell(1, 3).text = "Chủ trì", "Phối hợp"
    for c, text in enumerate(["1", "Rà soát văn bản", "Sở Tư pháp", "Các sở, ngành", "Quý I/2025"]):
        table.cell(2, c).text = text
    word.save(str(tmp_path / "h2.docx"))
    header = ["TT", "Nội dung", "Cơ quan thực hiện Chủ trì", "Cơ quan thực hiện Phối hợp", "Thời gian hoàn thành"]
    task = ["1", "Rà soát văn bản", "Sở Tư pháp", "Các sở, ngành", "Quý I/2025"]
    assert read_docx(tmp_path / "h2.docx").blocks[0].rows == [header, task]
    [pdf] = docx_to_pdf([tmp_path / "h2.docx"], tmp_path)
    assert read_pdf(pdf).blocks[0].rows == [header, task]
    from ingest import build_plan

    plan = build_plan(Document([Paragraph("Kế hoạch năm 2025"), Table([header, task])]), plan_year=2025)
    assert (plan.tasks[0].lead, plan.tasks[0].support) == (["Sở Tư pháp"], ["Các sở, ngành"])


def test_it_refuses_a_damaged_old_binary_word_file_naming_its_format(tmp_path):
    path = _write(tmp_path / "ke-hoach.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    assert sniff(path) == "doc"
    with pytest.raises(ImportRefused, match=r"Không chuyển được tệp Word định dạng cũ \(\.doc\) sang \.docx"):
        read_document(path)


def test_it_keeps_the_text_of_a_framed_box_as_paragraphs(tmp_path):
    word = new_docx()
    word.add_table(rows=1, cols=1).cell(0, 0).text = "Phụ lục số 01: Cải cách thể chế"
    word.tables[0].style = "Table Grid"
    word.add_paragraph("")
    table = word.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for c, text in enumerate(["TT", "Nội dung", "1", "Rà soát văn bản"]):
        table.cell(c // 2, c % 2).text = text
    word.save(str(tmp_path / "box.docx"))
    [pdf] = docx_to_pdf([tmp_path / "box.docx"], tmp_path)
    blocks = read_pdf(pdf).blocks
    assert blocks == [Paragraph("Phụ lục số 01: Cải cách thể chế"),
                      Table([["TT", "Nội dung"], ["1", "Rà soát văn bản"]])]


def test_it_drops_centred_page_numbers_but_keeps_a_tt_or_a_year_at_a_page_edge(tmp_path):
    """Plain text PDF (no ruled table) with page numbers centred in the footer: they never reach a cell."""
    word = new_docx()
    footer = word.sections[0].footer.paragraphs[0]
    footer.alignment = 1  # centred
    run = footer.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.text = text
        run._r.append(element)
    for line in ["TT Nội dung thực hiện Sản phẩm/Kết quả", "Bộ phận thực hiện", "Đơn vị phối hợp",
                 "Thời gian hoàn thành", "I Cải cách thể chế"]:
        word.add_paragraph(line)
    for i in range(1, 31):
        for line in [str(i), f"Triển khai nhiệm vụ số {i} của kế hoạch", "- Báo cáo kết quả.", "- Công chức",
                     "Tư pháp-Hộ tịch", "-Công chức", "chuyên môn", "Trong năm", "2025"]:
            paragraph = word.add_paragraph(line)
        if i in (9, 19):  # "2025" ends a page and the next TT opens one
            paragraph.runs[0].add_break(WD_BREAK.PAGE)
    word.save(str(tmp_path / "numbered.docx"))
    [pdf] = docx_to_pdf([tmp_path / "numbered.docx"], tmp_path)
    plan = build_plan(read_document(pdf), plan_year=2025)
    assert [t.number for t in plan.tasks] == [str(i) for i in range(1, 31)]
    assert {t.deadline_text for t in plan.tasks} == {"Trong năm 2025"}
    assert all(t.lead == ["Công chức Tư pháp-Hộ tịch"] for t in plan.tasks)
