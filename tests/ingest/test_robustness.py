"""Bad or hostile input: refused with a Vietnamese message, or kept as plain text."""

from __future__ import annotations

import pytest

import ingest
from ingest.errors import ImportRefused
from ingest.text_layouts import read_text

HEADER = "TT\tNội dung thực hiện\tSản phẩm, kết quả\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành"


def test_it_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        ingest.read_plan(path)
    assert str(refused.value) == "Tệp trống."


def test_it_refuses_a_document_without_a_task_table(tmp_path):
    path = tmp_path / "letter.md"
    path.write_text("KẾ HOẠCH\nCải cách hành chính năm 2025\n\nKhông có bảng nào.\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        ingest.read_plan(path)
    assert str(refused.value) == "Không tìm thấy bảng nhiệm vụ trong tài liệu."


def test_it_keeps_script_markup_inside_cells_as_text():
    row = "1.\t<script>alert('x')</script>Rà soát văn bản\t<img src=x onerror=alert(1)>\tSở Tư pháp\t\tQuý I/2025"
    document = read_text(f"KẾ HOẠCH\nCải cách hành chính năm 2025\n{HEADER}\n{row}\n")
    draft = ingest.build_plan(document)
    task = draft.tasks[0]
    assert task.content == "<script>alert('x')</script>Rà soát văn bản"
    assert task.product == "<img src=x onerror=alert(1)>"
    assert task.lead == ["Sở Tư pháp"] and task.deadline_text == "Quý I/2025"


def test_it_reads_formatting_tags_as_lines_and_keeps_escaped_markup_escaped():
    row = ("1.\tA &lt;b&gt; B\t<ul><li>- Kế hoạch.</li><li>- Báo cáo.</li></ul>\t<p>Sở Tư pháp</p>\t"
           "<b>UBND cấp huyện</b>\tThường xuyên")
    draft = ingest.build_plan(read_text(f"KẾ HOẠCH\nCải cách hành chính năm 2025\n{HEADER}\n{row}\n"))
    task = draft.tasks[0]
    assert task.content == "A &lt;b&gt; B"
    assert task.product == "- Kế hoạch.\n- Báo cáo."
    assert task.support == ["UBND cấp huyện"]


def test_it_joins_a_row_continued_after_a_page_break_and_warns_about_shifted_cells():
    rows = [HEADER, "1.\tNội dung phần đầu\tBáo cáo\tTrung tâm\tPVHCC.\tCác cơ quan liên quan.\tChậm nhất",
            HEADER, "\tphần sau\t\t\t\ttrong Quý I/2025."]
    draft = ingest.build_plan(read_text("KẾ HOẠCH\nCải cách hành chính trên địa bàn xã Hoàng Phú năm 2026\n"
                                        "UBND xã Hoàng Phú ban hành kế hoạch như sau:\n" + "\n".join(rows) + "\n"))
    assert len(draft.tasks) == 1
    task = draft.tasks[0]
    assert task.content == "Nội dung phần đầu phần sau"
    assert task.deadline_text == "Chậm nhất trong Quý I/2025."
    assert task.lead == ["Trung tâm PVHCC"]
    assert task.warnings
