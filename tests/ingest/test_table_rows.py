"""A task row without TT: the rest of the row above (a page break cut it), or a task of its own."""

from __future__ import annotations

from ingest import build_plan
from ingest.document import Document, Paragraph, Table
from ingest.tasks import UNNUMBERED

HEADER = ["TT", "Nội dung thực hiện", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
FIRST = ["1", "Rà soát thủ tục hành chính thuộc thẩm quyền.", "Báo cáo", "Sở Tư pháp", "Sở Nội vụ", "Quý I/2025"]


def _tasks(*rows: list[str], layout: str = "docx", first: list[str] = FIRST):
    document = Document([Paragraph("Phụ lục số 01: Cải cách thể chế"), Table([HEADER, first, *rows])], "t", layout)
    return build_plan(document, plan_year=2025).tasks


def test_a_full_row_after_a_finished_sentence_is_a_task_flagged_for_review():
    tasks = _tasks(["", "Xây dựng Kế hoạch đầu tư công năm 2025.", "Tờ trình", "Sở Tài chính", "", "Tháng 12/2025"])
    assert [t.number for t in tasks] == ["1", None]
    assert tasks[1].lead == ["Sở Tài chính"] and tasks[1].deadline_text == "Tháng 12/2025"
    assert UNNUMBERED in tasks[1].warnings
    assert tasks[0].content == FIRST[1] and tasks[0].deadline_text == "Quý I/2025"


def test_a_row_cut_mid_sentence_continues_the_row_above():
    first = [*FIRST[:1], "Rà soát thủ tục hành chính thuộc thẩm quyền của các sở,", *FIRST[2:]]
    tasks = _tasks(["", "UBND cấp huyện năm 2025.", "", "UBND cấp huyện", "", "Quý II/2025"], first=first)
    assert len(tasks) == 1
    assert tasks[0].content == "Rà soát thủ tục hành chính thuộc thẩm quyền của các sở, UBND cấp huyện năm 2025."
    assert UNNUMBERED not in tasks[0].warnings


def test_a_row_whose_cells_open_in_lower_case_or_lack_a_deadline_continues_the_row_above():
    for row in (["", "Đánh giá kết quả.", "", "sở Tư pháp", "", "Quý II/2025"],
                ["", "Đánh giá kết quả.", "", "Sở Nội vụ", "", ""]):
        [task] = _tasks(row)
        assert task.content == f"{FIRST[1]} Đánh giá kết quả."


def test_the_text_layouts_follow_the_same_rule():
    tasks = _tasks(["", "Xây dựng Kế hoạch đầu tư công năm 2025.", "Tờ trình", "Sở Tài chính", "", "Tháng 12/2025"],
                   layout="tsv-html")
    assert [t.number for t in tasks] == ["1", None]


def test_an_appendix_numbered_in_roman_is_the_same_appendix_as_in_digits():
    for heading, title in (("PHỤ LỤC II - CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
                           ("Phụ lục số 02: Cải cách thủ tục hành chính", "Cải cách thủ tục hành chính")):
        document = Document([Paragraph(heading), Table([HEADER, FIRST])], "t", "docx")
        [task] = build_plan(document, plan_year=2025).tasks
        assert (task.key, task.appendix_number, task.appendix_title) == ("2-1", "2", title)


def test_it_reads_task_tables_whatever_their_headers_call_the_columns():
    header = ["Số TT", "Nội dung công việc", "Chủ trì", "Phối hợp", "Hạn hoàn thành", "Kết quả/Sản phẩm"]
    row = ["1.", "Rà soát thủ tục hành chính.", "Sở Tư pháp", "Sở Nội vụ", "Quý I/2025", "Báo cáo"]
    document = Document([Paragraph("Phụ lục I"), Table([header, row])], "t", "docx")
    [task] = build_plan(document, plan_year=2025).tasks
    assert (task.number, task.lead, task.support, task.deadline_text, task.product) == (
        "1", ["Sở Tư pháp"], ["Sở Nội vụ"], "Quý I/2025", "Báo cáo")
    assert task.milestones[0].due.isoformat() == "2025-03-31"


def test_rows_that_head_a_section_name_the_tasks_under_them():
    rows = [["A", "CẢI CÁCH THỂ CHẾ", "", "", "", ""], FIRST,
            ["2", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", ""], FIRST,
            ["3", "Một nhiệm vụ chưa ghi cơ quan và thời hạn.", "", "", "", ""]]
    document = Document([Table([HEADER, *rows])], "t", "docx")
    tasks = build_plan(document, plan_year=2025).tasks
    procedures = "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    assert [(t.appendix_number, t.appendix_title, t.number) for t in tasks] == [
        ("A", "CẢI CÁCH THỂ CHẾ", "1"), ("2", procedures, "1"), ("2", procedures, "3")]
    assert tasks[2].warnings  # a task without agency or deadline is kept, flagged
