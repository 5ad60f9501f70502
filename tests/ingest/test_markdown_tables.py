"""Plans pasted as Markdown pipe tables (what pandoc and many editors write) read like the other layouts."""

from __future__ import annotations

from ingest import build_plan
from ingest.text_layouts import detect_layout, read_text

PLAN = "\n".join([
    "# KẾ HOẠCH Cải cách hành chính năm 2026", "", "**Phụ lục số 01: Cải cách thể chế**", "",
    "| **TT** | **Nội dung thực hiện** | **Sản phẩm** | **Cơ quan chủ trì** | **Cơ quan phối hợp** "
    "| **Thời gian hoàn thành** |",
    "|:---:|---|---|---|---|:---|",
    "| 1 | Rà soát văn bản quy phạm pháp luật. | - Kế hoạch;<br>- Báo cáo | Sở Tư pháp "
    "| - Sở Nội vụ;<br>- UBND cấp xã | - Kế hoạch: Quý I/2026.<br>- Báo cáo: Tháng 11/2026. |",
    "| 2 | Công khai thủ tục \\| dịch vụ công. | Báo cáo | Sở Nội vụ | Các sở, ban, ngành cấp tỉnh "
    "| Định kỳ hằng quý |",
    "", "Phụ lục số 02: Cải cách thủ tục hành chính", "",
    "| STT | Nội dung | Cơ quan chủ trì | Thời gian |",
    "| --- | --- | --- | --- |",
    "| 1 | Số hóa hồ sơ. | UBND cấp xã | Thường xuyên |",
])


def test_it_reads_markdown_pipe_tables_with_line_breaks_and_escaped_pipes():
    document = read_text(PLAN, "plan.md")
    assert detect_layout(PLAN) == document.layout == "md-pipe"
    tasks = build_plan(document, plan_year=2026).tasks
    assert [t.key for t in tasks] == ["1-1", "1-2", "2-1"]
    first = tasks[0]
    assert (first.lead, first.support, first.product) == (["Sở Tư pháp"], ["Sở Nội vụ", "UBND cấp xã"],
                                                          "- Kế hoạch;\n- Báo cáo")
    assert [(m.label, m.due.isoformat()) for m in first.milestones] == [("Kế hoạch", "2026-03-31"),
                                                                         ("Báo cáo", "2026-11-30")]
    assert tasks[1].content == "Công khai thủ tục | dịch vụ công."
    assert len(tasks[1].milestones[0].occurrences) == 4
    assert (tasks[2].lead, tasks[2].deadline_text) == (["UBND cấp xã"], "Thường xuyên")
