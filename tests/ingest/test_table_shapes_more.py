"""More table shapes of issue 13, each read from its text and from a Word file with real merged cells."""

from __future__ import annotations

import pytest

from tests.ingest.test_table_shapes import FORMATS, read, rows
from tests.support.render_docs import UP


@pytest.mark.parametrize("form", FORMATS)
def test_a_lead_column_first_and_a_table_without_tt_read_the_same(form, tmp_path):
    blocks = [[["Đơn vị chủ trì", "Nhiệm vụ giải pháp", "Thời gian dự kiến hoàn thành", "Sản phẩm đầu ra"],
               ["Sở Tài chính", "Bố trí kinh phí thực hiện kế hoạch.", "Tháng 6/2026", "Quyết định"],
               ["Sở Nội vụ", "Kiện toàn tổ chức bộ máy.", "Quý IV/2026", "Đề án"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "lead", "content", "deadline_text", "product") == [
        (["Sở Tài chính"], "Bố trí kinh phí thực hiện kế hoạch.", "Tháng 6/2026", "Quyết định"),
        (["Sở Nội vụ"], "Kiện toàn tổ chức bộ máy.", "Quý IV/2026", "Đề án")]
    assert len({t.key for t in tasks}) == 2


@pytest.mark.parametrize("form", FORMATS)
def test_every_column_it_does_not_know_is_an_extra_field_never_glued_to_a_neighbour(form, tmp_path):
    header = ["TT", "Nhiệm vụ", "Cơ quan soạn thảo", "Người đứng đầu chịu trách nhiệm", "Thời hạn", "Nguồn lực",
              "Tình trạng", "Nguồn kinh phí"]
    blocks = [[header, ["1", "Xây dựng nghị quyết về đầu tư công.", "Sở Tài chính", "Giám đốc Sở Tài chính",
                        "Quý III/2026", "Cán bộ chuyên trách", "Đang thực hiện", "Ngân sách tỉnh"]]]
    [task] = read(blocks, form, tmp_path)
    assert (task.content, task.lead, task.deadline_text) == (
        "Xây dựng nghị quyết về đầu tư công.", ["Sở Tài chính"], "Quý III/2026")
    assert task.extra == {"Người đứng đầu chịu trách nhiệm": "Giám đốc Sở Tài chính",
                          "Nguồn lực": "Cán bộ chuyên trách", "Tình trạng": "Đang thực hiện",
                          "Nguồn kinh phí": "Ngân sách tỉnh"}


@pytest.mark.parametrize("form", FORMATS)
def test_numbering_that_restarts_in_each_section_keeps_keys_unique_and_stable(form, tmp_path):
    header = ["TT", "Nội dung", "Chủ trì", "Phối hợp", "Tiến độ"]
    section_one = [["I", "CẢI CÁCH THỂ CHẾ", "", "", ""],
                   ["1", "Rà soát văn bản.", "Sở Tư pháp", "", "Quý I/2026"],
                   ["2", "Kiểm tra văn bản.", "Sở Tư pháp", "", "Quý II/2026"]]
    section_two = [["II", "CẢI CÁCH TỔ CHỨC BỘ MÁY", "", "", ""],
                   ["1", "Sắp xếp đơn vị sự nghiệp.", "Sở Nội vụ", "Sở Tài chính", "Quý III/2026"],
                   ["2", "Tinh giản biên chế.", "Sở Nội vụ", "", "Năm 2026"]]
    tasks = read([[header, *section_one, *section_two]], form, tmp_path)
    assert [t.key for t in tasks] == ["I-1", "I-2", "II-1", "II-2"]
    again = read([[header, *section_one[:2], *section_two]], form, tmp_path)  # a row of section I removed
    assert [t.key for t in again] == ["I-1", "II-1", "II-2"]


@pytest.mark.parametrize("form", FORMATS)
def test_a_lead_and_a_deadline_merged_down_over_rows_without_tt_apply_to_each(form, tmp_path):
    header = ["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian hoàn thành"]
    blocks = [[header, ["1", "Tuyên truyền về chuyển đổi số:", "", ""],
               ["1.1", "Tổ chức hội nghị tập huấn.", "Sở Khoa học và Công nghệ", "Quý II/2026"],
               ["1.2", "Phát hành tài liệu hướng dẫn.", UP, UP],
               ["1.3", "Xây dựng chuyên mục trên báo tỉnh.", UP, "Quý IV/2026"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "number", "lead", "deadline_text") == [
        ("1.1", ["Sở Khoa học và Công nghệ"], "Quý II/2026"), ("1.2", ["Sở Khoa học và Công nghệ"], "Quý II/2026"),
        ("1.3", ["Sở Khoa học và Công nghệ"], "Quý IV/2026")]


@pytest.mark.parametrize("form", FORMATS)
def test_part_and_lower_case_letter_labels_in_the_tt_column_head_sections(form, tmp_path):
    header = ["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện", "Ghi chú"]
    blocks = [[header, ["PHẦN I", "NHIỆM VỤ CHUNG", "", "", "", ""], ["a)", "Công tác tuyên truyền", "", "", "", ""],
               ["1", "Tuyên truyền trên báo.", "Sở Văn hóa, Thể thao và Du lịch", "", "Quý I/2026", ""],
               ["b)", "Công tác kiểm tra", "", "", "", ""],
               ["1", "Kiểm tra định kỳ.", "Thanh tra tỉnh", "", "Quý III/2026", "Trọng tâm"],
               ["c)", "Tổng kết phong trào thi đua.", "Sở Nội vụ", "", "Tháng 12/2026", ""]]]  # a lettered task
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "section", "number", "lead", "deadline_text") == [
        ("PHẦN I > a)", "1", ["Sở Văn hóa, Thể thao và Du lịch"], "Quý I/2026"),
        ("PHẦN I > b)", "1", ["Thanh tra tỉnh"], "Quý III/2026"),
        ("PHẦN I", "c)", ["Sở Nội vụ"], "Tháng 12/2026")]
    assert len({t.key for t in tasks}) == 3 and not any(t.warnings for t in tasks)


@pytest.mark.parametrize("form", FORMATS)
def test_a_task_numbered_next_after_a_numbered_heading_is_its_sibling_not_its_item(form, tmp_path):
    header = ["TT", "Nội dung", "Cơ quan chủ trì", "Thời gian hoàn thành"]
    blocks = [[header, ["1", "Tuyên truyền về chuyển đổi số:", "", ""],
               ["1.1", "Tổ chức hội nghị.", "Sở Nội vụ", "Quý II/2026"],
               ["1.2", "Phát hành tài liệu.", "Sở Nội vụ", "Quý III/2026"],
               ["2", "Tổng kết.", "Sở Tư pháp", "Quý IV/2026"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "section", "number") == [("1", "1.1"), ("1", "1.2"), (None, "2")]
    assert len({t.key for t in tasks}) == 3
