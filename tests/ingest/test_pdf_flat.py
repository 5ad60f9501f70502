"""Text flattened from a PDF table (seed 001's layout) on a small plan written here: agency items broken over
lines, the support column, a deadline cut mid-phrase, two cells on one line, a page break's remnants."""

from __future__ import annotations

from ingest import build_plan
from ingest.pdf_flat import read_pdf_flat

FLAT = """KẾ HOẠCH
Cải cách hành chính xã Minh Sơn năm 2026
TT Nội dung thực hiện Sản phẩm/Kết quả
Bộ phận thực
hiện
Đơn vị phối
hợp
Thời gian hoàn
thành
I Cải cách thể chế
1
Rà soát các văn bản do HĐND, UBND xã
ban hành năm 2025.
- Báo cáo kết quả.
Công chức
Tư pháp-Hộ
tịch
Công chức
chuyên môn
Quý I/2026
2
Xây dựng chương trình tiết kiệm năm 2026
- Quyết định
- Công chức
Tài chính-Kế
toán
-Công chức
chuyên môn
Sau khi có
quyết định của
UBND huyện
3
Tổ chức hội nghị đối thoại với doanh
nghiệp.
- Báo cáo của UBND xã - Công chức Văn
hóa-Xã hội
-UBND xã;
- Công chức
chuyên môn
UBND xã;
- Công chức
chuyên môn
Thường xuyên
4
Kiểm tra việc thực hiện kỷ luật hành
- Kế hoạch
- Công chức
Văn phòng –
-UBND xã
Thường xuyên
 chính tại các cơ quan, đơn vị trên địa
bàn xã
- Báo cáo kết quả thực hiện
Thống kê.
"""


def _tasks():
    return {t.number: t for t in build_plan(read_pdf_flat(FLAT, "flat.txt"), plan_year=2026).tasks}


def test_an_agency_head_word_opens_a_new_item_and_the_last_item_is_the_support_column():
    task = _tasks()["1"]
    assert (task.lead, task.support, task.deadline_text) == (["Công chức Tư pháp-Hộ tịch"], ["Công chức chuyên môn"],
                                                             "Quý I/2026")


def test_a_deadline_cut_after_a_linking_word_goes_on_even_when_the_next_line_names_an_agency():
    task = _tasks()["2"]
    assert task.deadline_text == "Sau khi có quyết định của UBND huyện"
    assert (task.lead, task.support) == (["Công chức Tài chính-Kế toán"], ["Công chức chuyên môn"])


def test_an_agency_named_again_starts_the_support_column_and_a_glued_line_is_cut_in_two():
    task = _tasks()["3"]
    assert task.product == "- Báo cáo của UBND xã"
    assert task.lead == ["Công chức Văn hóa-Xã hội", "UBND xã", "Công chức chuyên môn"]
    assert task.support == ["UBND xã", "Công chức chuyên môn"]
    assert task.warnings  # two cells on one line: a person checks the row


def test_a_page_breaks_remnants_go_back_to_their_columns_in_order():
    task = _tasks()["4"]
    assert task.content == "Kiểm tra việc thực hiện kỷ luật hành chính tại các cơ quan, đơn vị trên địa bàn xã"
    assert task.product == "- Kế hoạch\n- Báo cáo kết quả thực hiện"
    assert (task.lead, task.support, task.deadline_text) == (["Công chức Văn phòng – Thống kê"], ["UBND xã"],
                                                             "Thường xuyên")
    assert task.warnings
