"""The progress report as an Excel workbook: one sheet per plan, a frozen header with filters, real dates."""

from __future__ import annotations

import re
from io import BytesIO
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from calendars.progress import ProgressRow

HEADERS = ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn", "Hạn hoàn thành",
           "Hạn trước gia hạn", "Trạng thái", "Ngày hoàn thành", "Người đánh dấu hoàn thành")
WIDTHS = (8, 60, 30, 30, 24, 14, 14, 24, 14, 26)
DATE_FORMAT = "DD/MM/YYYY"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def progress_xlsx(rows: list[ProgressRow], title: str) -> bytes:
    """The workbook's bytes. A report with no row still has its sheet and header, saying it is empty."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for plan_id, plan_rows in groupby(rows, key=lambda r: r.plan_id):
        plan_rows = list(plan_rows)
        first = plan_rows[0]
        caption = title if first.plan_title in title else f"{title}: {first.plan_title}"
        _sheet(book, _sheet_name(first.plan_number or f"Kế hoạch {plan_id}", used), caption, plan_rows)
    if not book.worksheets:
        _sheet(book, "Báo cáo", f"{title}: không có thời hạn nào", [])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, name: str, caption: str, rows: list[ProgressRow]) -> None:
    sheet = book.create_sheet(name)
    sheet.append([caption])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r in rows:
        sheet.append([r.task_number, r.content, r.leads, r.supports, r.label, r.due, r.extended_from, r.status,
                      r.done_on, r.done_by])
    for column, width in enumerate(WIDTHS, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = width
        if HEADERS[column - 1].startswith(("Hạn", "Ngày")):
            for (cell,) in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
                cell.number_format = DATE_FORMAT
    for row in sheet.iter_rows(min_row=3, min_col=2, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(HEADERS))}{max(sheet.max_row, 2)}"


def _sheet_name(wanted: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub("-", wanted).strip("'")[:31] or "Kế hoạch"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name
