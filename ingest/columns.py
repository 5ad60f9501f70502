"""The header of a task table: which column holds what, read from the header row(s) whatever their order.

Roles: ``number`` (TT), ``content`` (the task), ``product``, ``lead`` (chủ trì), ``support`` (phối hợp) and
``deadline``. Every other column ("Nguồn kinh phí", "Ghi chú", "Tình trạng", "Văn bản giao nhiệm vụ", …) is an
extra field of the task, named by its header. Where two columns could hold a role the stronger wording wins
("Thời hạn" over "Tiến độ", "Cơ quan chủ trì" over "Cơ quan thực hiện"), then the leftmost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.grid import TT_CELL

ROLES = ("number", "content", "product", "lead", "support", "deadline")
_NOT_HEADER = re.compile(r":|\d/\d")  # a label and its value, or a date: a row of data
_COLUMN_NUMBER = re.compile(r"\(?(?:[A-ZĐ]|\d{1,2})\)?\.?")
_LABEL = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[ivxlc]{1,5}|[a-zđ])\.?$")
_FOOTNOTE = re.compile(r"\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\*+)\s*$")
# A column about a document (its number, date or signer): its dates are not deadlines, its words not the task.
_DOCUMENT = re.compile(r"văn bản giao|văn bản chỉ đạo|số,? ký hiệu|ngày ban hành|ngày ký|ngày văn bản|số văn bản"
                       r"|văn bản (?:số|ngày)|trích yếu")
_GROUP = re.compile(r"^(?:thuộc )?nhóm\b|^lĩnh vực$|^thuộc\b")
_PERSON = re.compile(r"\b(?:người|lãnh đạo|cán bộ|cá nhân)\b")
_PERSON_DUTY = re.compile(r"phụ trách|thực hiện|tham mưu|chịu trách nhiệm|được giao")
_STATUS = re.compile(r"kết quả thực hiện|tình trạng|tình hình thực hiện|mức độ")
# (role, strength, pattern) tried in order on the folded header text; the first match classifies the column.
_WORDING: list[tuple[str, int, re.Pattern[str]]] = [
    ("deadline", 3, re.compile(r"thời hạn|hạn hoàn thành|hạn chót|thời gian(?: dự kiến)? hoàn thành"
                               r"|thời điểm hoàn thành|thời gian trình|(?:thời gian|ngày|thời điểm) kết thúc"
                               r"|^(?:thời gian|thời điểm)\b.*\b(?:hoàn thành|kết thúc)$")),
    ("deadline", 1, re.compile(r"(?:thời gian|ngày|thời điểm)\b.*\bbắt đầu")),
    ("deadline", 2, re.compile(r"thời gian|thời điểm|^hạn\b|^năm (?:thực hiện|hoàn thành|triển khai)")),
    ("deadline", 1, re.compile(r"tiến độ|lộ trình")),
    ("lead", 3, re.compile(r"chủ trì")),
    ("support", 3, re.compile(r"phối hợp")),
    ("lead", 2, re.compile(r"(?:cơ quan|đơn vị|bộ phận|tổ chức|công chức)"
                           r"(?:\s*[,/]?\s*(?:cơ quan|đơn vị|bộ phận|địa phương|cá nhân|chuyên môn|công chức))*\s*"
                           r"(?:thực hiện|chịu trách nhiệm|trách nhiệm|soạn thảo|được giao|phụ trách|triển khai"
                           r"|tham mưu|đầu mối)|^(?:thực hiện|trách nhiệm thực hiện|phân công(?: thực hiện)?"
                           r"|chịu trách nhiệm)$")),
    ("product", 3, re.compile(r"sản phẩm|kết quả(?! thực hiện)|hình thức văn bản|đầu ra")),
    ("content", 3, re.compile(r"nội dung|nhiệm vụ|giải pháp|công việc|hoạt động|^tên\b|đề án|dự án|chương trình"
                              r"|danh mục|đầu việc")),
    ("lead", 1, re.compile(r"^(?:cơ quan|đơn vị|bộ phận)$")),
]


@dataclass(frozen=True)
class Columns:
    """Column index per role, the other columns' headers, and the header's width."""

    roles: dict[str, int]
    extra: dict[int, str] = field(default_factory=dict)
    width: int = 0

    def __contains__(self, role: str) -> bool:
        return role in self.roles

    def order(self) -> list[str]:
        """The roles other than the number, left to right (a repeated header may leave out the TT column)."""
        return [r for r, _ in sorted(self.roles.items(), key=lambda kv: kv[1]) if r != "number"]


def header_text(cell: str) -> str:
    """A header cell as compared: one line, lower case, NFC, without a footnote mark ("Cơ quan chủ trì[1]")."""
    text = " ".join(unicodedata.normalize("NFC", cell).split())
    return _FOOTNOTE.sub("", text).strip().lower()


def classify(cell: str) -> tuple[str, int] | None:
    """(role, strength) of one header cell, or None for a column hanchot keeps as an extra field."""
    text = header_text(cell)
    if not text:
        return None
    if TT_CELL.match(text) or text in ("số thứ tự", "thứ tự", "stt."):
        return "number", 3
    if _DOCUMENT.search(text) or _GROUP.search(text):
        return None
    if _PERSON.search(text) and "cơ quan" not in text and "đơn vị" not in text:
        # "Người đứng đầu chịu trách nhiệm", "Lãnh đạo phụ trách": a person, the lead only where no column names
        # the body ("Cán bộ phụ trách" alone in a commune's table)
        return ("lead", 0) if _PERSON_DUTY.search(text) else None
    if _STATUS.search(text) and not re.search(r"thời hạn|thời gian|sản phẩm|nội dung|nhiệm vụ|^tên\b", text):
        return None  # "Kết quả thực hiện", "Tình trạng": what was done, not what is due
    if "chủ trì" in text and "phối hợp" in text:
        return "lead", 3  # "Cơ quan chủ trì, phối hợp": one cell names both (roles.py reads the labels)
    for role, strength, pattern in _WORDING:
        if pattern.search(text):
            return role, strength
    return None


def read_header(row: list[str]) -> Columns | None:
    """The columns of a task table whose header is ``row``, or None when ``row`` is not such a header.

    A header is short cells naming at least the task and its lead or deadline, with the TT column or two
    more roles besides ("Tên văn bản | Cơ quan soạn thảo | Tiến độ" has no TT and is still a header).
    """
    if any(len(c) > 120 or _NOT_HEADER.search(c) for c in row):
        return None  # a task's content, a date: most rows stop here, before any text is normalised
    cells = [header_text(c) for c in row]
    filled = [c for c in cells if c]
    if len(filled) < 2 or any(len(c) > 90 or _NOT_HEADER.search(c) for c in filled):
        return None
    found: dict[str, tuple[int, int]] = {}  # role → (strength, index)
    unknown: list[int] = []
    for i, cell in enumerate(row):
        role = classify(cell) if cells[i] else None
        if role is None:
            if cells[i]:
                unknown.append(i)
            continue
        name, strength = role
        if name not in found or strength > found[name][0]:
            if name in found:
                unknown.append(found[name][1])
            found[name] = (strength, i)
        else:
            unknown.append(i)
    roles = {name: i for name, (_, i) in found.items()}
    if "number" not in roles and _LABEL.match(cells[0]):
        return None  # a numbered row of data
    if "content" not in roles or not ("lead" in roles or "deadline" in roles):
        return None
    if "number" not in roles and len(roles) < 3:
        return None
    if len(unknown) > len(roles):
        return None  # mostly unknown words: a row of data that happens to say "nhiệm vụ" and "thời gian"
    width = max(i for i, c in enumerate(cells) if c) + 1
    extra = {i: _FOOTNOTE.sub("", " ".join(row[i].split())).strip() for i in sorted(unknown)}
    return Columns(roles, extra, width)


def is_column_numbers(row: list[str]) -> bool:
    """The row under a header that numbers its columns: "A | B | 1 | 2 | 3 | 4", "(1) | (2) | (3)"."""
    filled = [c.strip() for c in row if c.strip()]
    return len(filled) >= 3 and len(filled) * 2 >= len(row) and all(
        len(c) <= 5 and _COLUMN_NUMBER.fullmatch(c) for c in filled)


def sub_header(header: list[str], below: list[str]) -> list[str] | None:
    """The header folded with the row under it when that row carries the lower half of a two-line header
    ("Cơ quan thực hiện" over "Chủ trì | Phối hợp"); None when ``below`` is not such a row.

    A cell spanning several columns on the upper line gives its text to each column it covers.
    """
    cells = [header_text(c) for c in below]
    filled = [c for c in cells if c]
    if not filled or cells[0] or is_column_numbers(below) or any(_NOT_HEADER.search(c) for c in filled):
        return None
    folded: list[str] = []
    span = ""
    spanned = False  # a lower cell under an upper cell that spans from the left ("Thời gian" over two columns)
    width = max(len(header), len(below))
    for i in range(width):
        upper = " ".join(header[i].split()) if i < len(header) else ""
        lower = " ".join(below[i].split()) if i < len(below) else ""
        spanned = spanned or bool(lower and not upper and span)
        span = upper or (span if lower else "")
        folded.append(f"{span} {lower}".strip() if lower else upper)
    if not (spanned or any(classify(c) for c in filled)) \
            or any(len(c.split()) > 5 and not classify(c) for c in filled) or any(len(c.split()) > 8 for c in filled):
        return None  # "Chủ trì | Phối hợp", not an unnumbered section row ("Nhiệm vụ giao Bộ trưởng … chỉ đạo")
    return folded
