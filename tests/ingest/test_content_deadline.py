"""The deadline a task's own text writes, read when its deadline cell is empty (ingest.content_deadline)."""

from __future__ import annotations

import pytest

from ingest.content_deadline import deadline_in_content


@pytest.mark.parametrize(("content", "phrase"), [
    ("Ngầm hóa mạng cáp viễn thông, hoàn thành trước ngày 30/6/2026", "hoàn thành trước ngày 30/6/2026"),
    ("Triển khai điểm phục vụ bưu chính (thời gian: Quý III/2026)", "Quý III/2026"),
    ("Ban hành Quy chế. Thời hạn: tháng 10/2026", "tháng 10/2026"),
    ("Xây dựng kế hoạch. Thời gian hoàn thành: Trước ngày 15/10/2026.", "Trước ngày 15/10/2026"),
    ("Nội dung:\n- Rà soát;\n- Thời gian: Tháng 6/2026", "Tháng 6/2026"),
    ("Rà soát văn bản. Hoàn thành trong Quý II/2026.", "Hoàn thành trong Quý II/2026"),
    ("Rà soát văn bản (Hoàn thành trước 30/6/2026)", "Hoàn thành trước 30/6/2026"),
    ("Báo cáo UBND tỉnh chậm nhất là ngày 15/12/2026", "chậm nhất là ngày 15/12/2026"),
    ("Tổ chức hội nghị (dự kiến tháng 8/2026)", "dự kiến tháng 8/2026"),
    ("Báo cáo định kỳ trước ngày 20 hằng tháng", "trước ngày 20 hằng tháng"),
    ("Xây dựng kế hoạch trước ngày 15/3/2026; báo cáo kết quả chậm nhất ngày 15/12/2026",
     "trước ngày 15/3/2026; chậm nhất ngày 15/12/2026"),
    # a date that names a document, an event or a length is not a deadline
    ("Triển khai Nghị định số 45/2026/NĐ-CP ngày 20/02/2026 của Chính phủ", None),
    ("Tổ chức hội nghị theo Quyết định số 1250/QĐ-UBND ngày 10/4/2026", None),
    ("Thời gian qua, nhiều nhiệm vụ chưa hoàn thành", None),
    ("Ban hành trước Tết Nguyên đán", None),
])
def test_a_deadline_is_taken_only_from_a_label_or_a_completion_cue(content, phrase):
    assert deadline_in_content(content) == phrase
