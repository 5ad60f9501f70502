"""The progress report as a Word document: per plan, a table in the plan's own layout plus status columns."""

from __future__ import annotations

from io import BytesIO
from itertools import groupby

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from calendars.progress import ProgressRow

HEADERS = ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn", "Trạng thái",
           "Ngày hoàn thành")


def progress_docx(rows: list[ProgressRow], title: str) -> bytes:
    """The document's bytes: a heading, then one table per plan (landscape, as plans print their tables)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(title, level=1)
    if not rows:
        document.add_paragraph("Không có thời hạn nào trong phạm vi báo cáo.")
    for _, plan_rows in groupby(rows, key=lambda r: r.plan_id):
        plan_rows = list(plan_rows)
        first = plan_rows[0]
        document.add_heading(" – ".join(p for p in (first.plan_number, first.plan_title) if p), level=2)
        table = document.add_table(rows=1, cols=len(HEADERS))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for r in plan_rows:
            day = f"{r.due:%d/%m/%Y}" if r.due else ""
            due = ": ".join(p for p in (r.label, day) if p)
            if r.extended_from:
                due += f" (gia hạn từ {r.extended_from:%d/%m/%Y})"
            done = f"{r.done_on:%d/%m/%Y}" + (f" ({r.done_by})" if r.done_by else "") if r.done_on else ""
            for cell, text in zip(table.add_row().cells, (r.task_number, r.content, r.leads, r.supports, due,
                                                          r.status, done), strict=True):
                cell.text = text
    out = BytesIO()
    document.save(out)
    return out.getvalue()
