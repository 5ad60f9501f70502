"""Task tables of every shape, each read from its text and from a Word file with real merged cells.

The text keeps a merged cell as an empty cell in the rows it covers and a row merged across the table as
its one cell (tests/support/render_docs.grid_text); the Word file has the merges themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import build_plan, read_document
from ingest.draft import TaskDraft
from ingest.text_layouts import read_text
from tests.support.render_docs import LEFT, UP, grid_text, write_grid_docx

FORMATS = ["txt", "docx"]


def read(blocks: list, form: str, tmp_path: Path, year: int = 2026) -> list[TaskDraft]:
    if form == "txt":
        document = read_text(grid_text(blocks), "plan.txt")
    else:
        document = read_document(write_grid_docx(blocks, tmp_path / "plan.docx"))
    return build_plan(document, plan_year=year).tasks


def rows(tasks: list[TaskDraft], *fields: str) -> list[tuple]:
    return [tuple(getattr(t, f) for f in fields) for t in tasks]


@pytest.mark.parametrize("form", FORMATS)
def test_it_takes_column_roles_from_the_header_in_any_order_and_keeps_unknown_columns(form, tmp_path):
    blocks = ["PHỤ LỤC", [
        ["STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành", "Nội dung nhiệm vụ", "Sản phẩm",
         "Nguồn kinh phí"],
        ["1", "Sở Tư pháp", "Sở Nội vụ", "Quý I/2026", "Rà soát văn bản quy phạm pháp luật.", "Báo cáo",
         "Ngân sách tỉnh"],
        ["2", "Sở Tài chính", "", "Tháng 6/2026", "Bố trí kinh phí thực hiện.", "Quyết định", ""],
    ]]
    first, second = read(blocks, form, tmp_path)
    assert (first.number, first.content, first.lead, first.support, first.deadline_text, first.product) == (
        "1", "Rà soát văn bản quy phạm pháp luật.", ["Sở Tư pháp"], ["Sở Nội vụ"], "Quý I/2026", "Báo cáo")
    assert first.extra == {"Nguồn kinh phí": "Ngân sách tỉnh"}  # the last column shifts nothing
    assert first.milestones[0].due.isoformat() == "2026-03-31"
    assert (second.lead, second.extra, second.product) == (["Sở Tài chính"], {}, "Quyết định")


@pytest.mark.parametrize("form", FORMATS)
def test_a_column_about_the_assigning_document_never_takes_the_deadline_role(form, tmp_path):
    blocks = [[
        ["STT", "Nhiệm vụ", "Văn bản giao nhiệm vụ (số, ngày, thời hạn)", "Cơ quan chủ trì thực hiện",
         "Thời hạn hoàn thành", "Tiến độ"],
        ["1.", "Xây dựng cơ sở dữ liệu ngành.", "Nghị quyết số 71/NQ-CP ngày 01/4/2025", "Bộ Y tế", "30/09/2025",
         "Đang thực hiện"],
    ]]
    [task] = read(blocks, form, tmp_path, 2025)
    assert (task.number, task.deadline_text, task.lead) == ("1", "30/09/2025", ["Bộ Y tế"])
    assert task.extra == {"Văn bản giao nhiệm vụ (số, ngày, thời hạn)": "Nghị quyết số 71/NQ-CP ngày 01/4/2025",
                          "Tiến độ": "Đang thực hiện"}
    assert [m.due.isoformat() for m in task.milestones] == ["2025-09-30"]


@pytest.mark.parametrize("form", FORMATS)
def test_a_table_without_a_tt_column_is_read_when_its_header_names_the_columns(form, tmp_path):
    blocks = [[
        ["Tên văn bản", "Cơ quan trình", "Cơ quan soạn thảo", "Tiến độ"],
        ["Nghị quyết sửa đổi Quy chế làm việc", "Ủy ban Thường vụ Quốc hội", "Văn phòng Quốc hội",
         "Trình trước ngày 10/01/2025"],
        ["Nghị quyết về Quy chế hoạt động đối ngoại", "Ủy ban Thường vụ Quốc hội", "Ủy ban Đối ngoại",
         "Tháng 3/2025"],
    ]]
    tasks = read(blocks, form, tmp_path, 2025)
    assert rows(tasks, "number", "lead", "deadline_text") == [
        (None, ["Văn phòng Quốc hội"], "Trình trước ngày 10/01/2025"), (None, ["Ủy ban Đối ngoại"], "Tháng 3/2025")]
    assert tasks[0].extra == {"Cơ quan trình": "Ủy ban Thường vụ Quốc hội"}
    assert len({t.key for t in tasks}) == 2 and not any(t.warnings for t in tasks)


@pytest.mark.parametrize("form", FORMATS)
def test_it_folds_a_header_written_on_two_lines(form, tmp_path):
    header = [["TT", "Nội dung", "Cơ quan thực hiện", LEFT, "Thời gian hoàn thành"],
              [UP, UP, "Chủ trì", "Phối hợp", UP]]
    blocks = [[*header, ["1", "Kiểm tra công tác cải cách hành chính.", "Sở Nội vụ", "Sở Tư pháp", "Quý III/2026"]]]
    [task] = read(blocks, form, tmp_path)
    assert (task.content, task.lead, task.support, task.deadline_text) == (
        "Kiểm tra công tác cải cách hành chính.", ["Sở Nội vụ"], ["Sở Tư pháp"], "Quý III/2026")


@pytest.mark.parametrize("form", FORMATS)
def test_it_skips_column_number_rows_and_headers_repeated_on_pages_and_tables(form, tmp_path):
    header = ["STT", "Nhiệm vụ, giải pháp", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời gian thực hiện"]
    blocks = [[header, ["A", "B", "1", "2", "3"],
               ["1", "Triển khai nền tảng số.", "Sở Khoa học và Công nghệ", "Các sở, ban, ngành", "2026"],
               header,
               ["2", "Triển khai dữ liệu số.", "Công an tỉnh", "Các sở, ban, ngành", "2026 - 2030"]],
              [header[1:],  # the same header over the next table, its TT cell left out
               ["3", "Triển khai định danh điện tử.", "Công an tỉnh", "Các sở, ban, ngành", "2027"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "number", "lead", "deadline_text") == [
        ("1", ["Sở Khoa học và Công nghệ"], "2026"), ("2", ["Công an tỉnh"], "2026 - 2030"),
        ("3", ["Công an tỉnh"], "2027")]
    assert [m.due.isoformat() for t in tasks for m in t.milestones] == ["2026-12-31", "2030-12-31", "2027-12-31"]


@pytest.mark.parametrize("form", FORMATS)
def test_headings_of_every_kind_are_sections_not_tasks(form, tmp_path):
    header = ["STT", "Nhiệm vụ", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm"]
    blocks = [[header,
               ["A", "PHÁT TRIỂN NỀN MÓNG", "", "", "", ""],
               ["I", "Hoàn thiện thể chế", "", "", "", ""],
               ["1.1", "Rà soát quy định.", "Sở Tư pháp", "Các sở, ban, ngành", "2026", "Văn bản"],
               ["…", "……….", "", "", "", ""],
               ["B. PHÁT TRIỂN KINH TẾ SỐ"],  # a row merged across the table
               ["IV", "Thương mại, công nghiệp", "", "", "", ""],
               ["5.1", "", "Thương mại", "", "", ""],  # the sub-heading's title sits in another column
               ["5.1.1", "Triển khai thương mại điện tử.", "Sở Công Thương", "", "2026 - 2030", "Kế hoạch"],
               ["III.1", "Nhóm giải pháp về dữ liệu", "", "", "", ""],
               ["1", "Xây dựng kho dữ liệu.", "Sở Khoa học và Công nghệ", "", "2027", "Kho dữ liệu"],
               ["", "Nhiệm vụ giao Sở Y tế chỉ đạo", "", "", "", ""],  # unnumbered section row
               ["1", "Số hóa hồ sơ bệnh án.", "Sở Y tế", "", "2026", "Hồ sơ"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "number", "section") == [
        ("1.1", "A > I"), ("5.1.1", "B > IV > 5.1"), ("1", "B > IV > III.1"),
        ("1", "B > IV > III.1 > Nhiệm vụ giao Sở Y tế chỉ đạo")]
    assert tasks[1].appendix_title == "Thương mại"
    assert len({t.key for t in tasks}) == 4


@pytest.mark.parametrize("form", FORMATS)
def test_letters_that_look_roman_follow_the_letters_before_them(form, tmp_path):
    header = ["STT", "Cơ quan chủ trì", "Nội dung nhiệm vụ", "Thời hạn hoàn thành"]
    blocks = [[header, ["H.", "BỘ TÀI CHÍNH", "", ""], ["1", "Bộ Tài chính", "Bố trí kinh phí.", "Năm 2026"],
               ["I.", "BỘ CÔNG AN", "", ""], ["1", "Bộ Công an", "Kiểm tra, xử lý vi phạm.", "Năm 2026"],
               ["K.", "BỘ Y TẾ", "", ""], ["1", "Bộ Y tế", "Truyền thông sức khỏe.", "Năm 2026"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "section", "key") == [("H.", "H-1"), ("I.", "I-1"), ("K.", "K-1")]


@pytest.mark.parametrize("form", FORMATS)
def test_numbered_lines_between_tables_head_the_table_under_them(form, tmp_path):
    header = ["STT", "Nhiệm vụ", "Cơ quan chủ trì thực hiện", "Thời hạn hoàn thành"]
    blocks = ["PHỤ LỤC I", "TỔNG HỢP CÁC NHIỆM VỤ", "Dữ liệu tính đến ngày 07/11/2025",
              "1. Các nhiệm vụ về khoa học, công nghệ", [header, ["1.", "Xây dựng luật.", "Bộ Tư pháp", "31/10/2025"]],
              "2. Các nhiệm vụ về chuyển đổi số", [header, ["1.", "Xây dựng nền tảng.", "Bộ Công an", "30/11/2025"],
                                                  ["2.", "Kết nối dữ liệu.", "Bộ Y tế", "31/12/2025"]]]
    tasks = read(blocks, form, tmp_path, 2025)
    assert rows(tasks, "section", "number", "key") == [("1", "1", "1/1-1"), ("2", "1", "1/2-1"), ("2", "2", "1/2-2")]


@pytest.mark.parametrize("form", FORMATS)
def test_numbers_repeated_or_out_of_order_keep_keys_unique_and_stable(form, tmp_path):
    header = ["STT", "Tên nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"]
    table = [header, ["22", "Hoàn thiện hệ thống thông tin nhà ở.", "Bộ Xây dựng", "31/12/2025"],
             ["20", "Nghiên cứu trung tâm giao dịch.", "Bộ Xây dựng", "31/10/2025"],
             ["22", "Làm sạch dữ liệu đất đai.", "Bộ Nông nghiệp và Môi trường", "30/11/2025"]]
    keys = [t.key for t in read([table], form, tmp_path, 2025)]
    assert keys[:2] == ["None-22", "None-20"] and keys[2].startswith("None-22~") and len(set(keys)) == 3
    again = [t.key for t in read([[*table[:1], ["1", "Nhiệm vụ mới thêm.", "Bộ Y tế", "31/12/2025"], *table[1:]]],
                                 form, tmp_path, 2025)]
    assert again[1:] == keys  # a row added above changes no other key


@pytest.mark.parametrize("form", FORMATS)
def test_cells_merged_over_rows_with_their_own_content_make_one_task_per_row(form, tmp_path):
    header = ["STT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Nội dung nhiệm vụ", "Thời hạn hoàn thành"]
    blocks = [[header, ["A.", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "", "", ""],
               ["1", "Bộ Nông nghiệp và Môi trường", "Bộ Xây dựng", "- Hoàn thiện quy chuẩn khí thải.",
                "Ban hành trong năm 2026"],
               [UP, UP, UP, "- Xây dựng quy chế phối hợp liên vùng.", "Giai đoạn 2026 - 2027"],
               [UP, UP, UP, "- Xây dựng nền tảng kiểm kê.", "Thực hiện thường xuyên, liên tục"],
               ["D.", "BỘ KHOA HỌC VÀ CÔNG NGHỆ", "", "", ""],
               ["", "Bộ Khoa học và Công nghệ", "Bộ Công Thương", "- Nghiên cứu công nghệ xử lý bụi.",
                "Giai đoạn 2026 - 2030"],
               [UP, UP, "Các trường đại học", "- Chuyển giao công nghệ tái chế.", "Giai đoạn 2026 - 2028"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "section", "number", "lead", "support") == [
        ("A.", "1", ["Bộ Nông nghiệp và Môi trường"], ["Bộ Xây dựng"])] * 3 + [
        ("D.", None, ["Bộ Khoa học và Công nghệ"], ["Bộ Công Thương"]),
        ("D.", None, ["Bộ Khoa học và Công nghệ"], ["Các trường đại học"])]
    assert [t.milestones[0].kind.value for t in tasks] == ["once", "once", "continuous", "once", "once"]
    assert len({t.key for t in tasks}) == 5


@pytest.mark.parametrize("form", FORMATS)
def test_a_task_split_over_rows_by_its_agencies_is_a_task_per_agency(form, tmp_path):
    header = ["TT", "Tên đề án ưu tiên", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành"]
    blocks = [[header, ["1", "Đề án phân loại rác thải (ở trung ương và địa phương).", "Bộ Nông nghiệp và Môi trường",
                        "Các bộ, ngành", "2030"],
               [UP, UP, "Ủy ban nhân dân các tỉnh", "Các cơ quan báo chí tại địa phương", UP],
               ["2", "Đề án xử lý bãi chôn lấp.", "Ủy ban nhân dân các tỉnh", "Các bộ, ngành", "2030"]]]
    tasks = read(blocks, form, tmp_path, 2025)
    assert rows(tasks, "number", "lead", "deadline_text") == [
        ("1", ["Bộ Nông nghiệp và Môi trường"], "2030"), ("1", ["Ủy ban nhân dân các tỉnh"], "2030"),
        ("2", ["Ủy ban nhân dân các tỉnh"], "2030")]
    assert tasks[1].content == tasks[0].content


@pytest.mark.parametrize("form", FORMATS)
def test_a_deadline_and_agency_merged_over_numbered_rows_apply_to_each(form, tmp_path):
    header = ["STT", "Tên thông tin thống kê", "Thời gian phổ biến", "Hình thức phổ biến",
              "Đơn vị chịu trách nhiệm phổ biến"]
    blocks = [[header, ["A", "B", "1", "2", "3"],
               ["1", "Số lượng văn bản đến", "Tháng 6/2026", "Cổng thông tin", "Cục Văn thư và Lưu trữ nhà nước"],
               ["2", "Số lượng văn bản đi", UP, UP, UP],
               ["3", "Số lượng hồ sơ", UP, UP, UP],
               ["4", "Số người có công", "Tháng 3/2026", "Cổng thông tin", "Cục Người có công"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "number", "lead", "deadline_text") == [
        ("1", ["Cục Văn thư và Lưu trữ nhà nước"], "Tháng 6/2026")] + [
        (n, ["Cục Văn thư và Lưu trữ nhà nước"], "Tháng 6/2026") for n in ("2", "3")] + [
        ("4", ["Cục Người có công"], "Tháng 3/2026")]
    assert tasks[0].extra == {"Hình thức phổ biến": "Cổng thông tin"}
    if form == "txt":  # an empty cell is only probably a merged one: said on the task
        assert any("ô gộp" in w for w in tasks[1].warnings) and not tasks[0].warnings
    else:
        assert tasks[1].extra == {"Hình thức phổ biến": "Cổng thông tin"} and not tasks[1].warnings


@pytest.mark.parametrize("form", FORMATS)
def test_a_table_split_in_two_reads_as_one(form, tmp_path):
    header = ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    blocks = [[header, ["I", "CẢI CÁCH THỂ CHẾ", "", "", ""],
               ["1", "Rà soát văn bản.", "Sở Tư pháp", "Các sở, ban, ngành", "Quý II/2026"]],
              [["2", "Kiểm tra văn bản.", "Sở Tư pháp", "Sở Nội vụ", "Quý III/2026"]]]  # no header of its own
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "key", "section", "lead") == [("I-1", "I", ["Sở Tư pháp"]), ("I-2", "I", ["Sở Tư pháp"])]


@pytest.mark.parametrize("form", FORMATS)
def test_appendices_with_different_layouts_are_each_read_with_their_own_header(form, tmp_path):
    blocks = ["PHỤ LỤC I", "NHIỆM VỤ TRỌNG TÂM",
              [["TT", "Nội dung", "Chủ trì", "Thời hạn"], ["1", "Ban hành kế hoạch.", "Sở Nội vụ", "Tháng 3/2026"]],
              "PHỤ LỤC II", "DỰ ÁN ƯU TIÊN",
              [["STT", "Cơ quan chủ trì", "Tên dự án", "Tình trạng", "Thời gian thực hiện", "Ghi chú"],
               ["1", "Sở Xây dựng", "Dự án vùng phát thải thấp.", "Thực hiện mới", "2026 - 2027", "Thí điểm"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "key", "appendix_title", "lead", "content", "deadline_text") == [
        ("1-1", "NHIỆM VỤ TRỌNG TÂM", ["Sở Nội vụ"], "Ban hành kế hoạch.", "Tháng 3/2026"),
        ("2-1", "DỰ ÁN ƯU TIÊN", ["Sở Xây dựng"], "Dự án vùng phát thải thấp.", "2026 - 2027")]
    assert tasks[1].extra == {"Tình trạng": "Thực hiện mới", "Ghi chú": "Thí điểm"}


def test_the_draft_json_carries_the_section_and_the_extra_columns(tmp_path):
    blocks = [[["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn", "Nguồn kinh phí"], ["I", "THỂ CHẾ", "", "", ""],
               ["1", "Rà soát văn bản.", "Sở Tư pháp", "Năm 2026", "Ngân sách tỉnh"]]]
    [task] = build_plan(read_text(grid_text(blocks), "p.txt"), plan_year=2026).to_json()["tasks"]
    assert (task["section"], task["extra"]) == ("I", {"Nguồn kinh phí": "Ngân sách tỉnh"})


@pytest.mark.parametrize("form", FORMATS)
def test_a_whole_document_typed_into_one_table_keeps_its_appendices_and_skips_its_notes(form, tmp_path):
    """Heading lines, notes and two appendices as rows of a single table (one cell merged across each)."""
    blocks = [[["PHỤ LỤC I"], ["CÁC NHIỆM VỤ TRỌNG TÂM"], ["(Kèm theo Kế hoạch số 12/KH-UBND ngày 05/01/2026)"],
               ["TT", "Nội dung", "Chủ trì", "Thời hạn"], ["1", "Ban hành kế hoạch.", "Sở Nội vụ", "Tháng 3/2026"],
               ["[1] Theo Nghị quyết số 71/NQ-CP."],
               ["PHỤ LỤC II"], ["CÁC DỰ ÁN"], ["STT", "Tên dự án", "Cơ quan chủ trì", "Thời gian thực hiện"],
               ["1", "Dự án dữ liệu số.", "Sở Khoa học và Công nghệ", "2026 - 2027"]]]
    tasks = read(blocks, form, tmp_path)
    assert rows(tasks, "key", "section", "appendix_title") == [("1-1", None, "CÁC NHIỆM VỤ TRỌNG TÂM"),
                                                              ("2-1", None, "CÁC DỰ ÁN")]


@pytest.mark.parametrize("form", FORMATS)
def test_a_numbered_row_whose_items_follow_heads_them(form, tmp_path):
    header = ["TT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"]
    blocks = [[header, ["1", "Nhóm nhiệm vụ về thể chế", "", ""],
               ["a)", "Rà soát văn bản.", "Sở Tư pháp", "Quý II/2026"], ["b)", "Hệ thống hóa văn bản.", "Sở Tư pháp",
                                                                         "Quý IV/2026"],
               ["2", "Tổng kết thực hiện kế hoạch.", "", ""]]]  # the last: a task still to be given its agency
    tasks = read(blocks, form, tmp_path)
    # "2" follows the heading "1" whose items are lettered: the heading's sibling, not one of its items
    assert rows(tasks, "section", "number") == [("1", "a)"), ("1", "b)"), (None, "2")]
    assert tasks[2].warnings
