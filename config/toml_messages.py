"""Vietnamese reasons for the errors of the editable TOML files (the admin reads them in the policy editor).

``tomllib`` and pydantic word their errors in English for programmers; the admin who mistypes a line in
``policy.toml`` needs to read what is wrong in Vietnamese, beside the line number.
"""

from __future__ import annotations

from typing import Any

# tomllib's messages (Python 3.11–3.13), by their opening words.
_TOML_REASONS = (
    ("Invalid value", "giá trị không hợp lệ: chuỗi phải nằm trong dấu nháy kép (\"…\"), ngày viết dạng 2026-01-02, "
                      "danh sách trong ngoặc vuông [ ]"),
    ("Expected '=' after a key", "thiếu dấu = sau tên khóa"),
    ("Invalid initial character for a key", "tên khóa bắt đầu bằng ký tự không hợp lệ"),
    ("Invalid statement", "dòng không đúng cú pháp TOML (mỗi dòng là khóa = giá trị, [bảng] hoặc # ghi chú)"),
    ("Expected newline or end of document", "thừa nội dung sau giá trị trên cùng một dòng"),
    ("Cannot overwrite a value", "khóa này đã có giá trị ở trên"),
    ("Cannot declare", "bảng này đã được khai báo ở trên"),
    ("Cannot mutate immutable namespace", "khóa này đã có giá trị ở trên"),
    ("Unclosed array", "danh sách thiếu dấu ngoặc vuông đóng ]"),
    ("Unclosed inline table", "bảng viết trên một dòng thiếu dấu ngoặc nhọn đóng }"),
    ("Unterminated string", "chuỗi thiếu dấu nháy đóng"),
    ("Illegal character", "có ký tự không được phép (ký tự điều khiển hoặc xuống dòng trong chuỗi)"),
    ("Found invalid character in key name", "tên khóa có ký tự không hợp lệ"),
    ("Expected ']' at the end of a table declaration", "thiếu dấu ] khi khai báo bảng"),
    ("Expected ']]' at the end of an array declaration", "thiếu dấu ]] khi khai báo danh sách bảng"),
    ("Invalid date or datetime", "ngày hoặc giờ không hợp lệ (ví dụ đúng: 2026-01-02)"),
    ("Unescaped '\\' in a string", "dấu \\ trong chuỗi phải viết thành \\\\"),
)


def toml_reason(message: str) -> str:
    """A tomllib error message in Vietnamese (a generic reason for a wording not known here)."""
    for opening, reason in _TOML_REASONS:
        if message.startswith(opening):
            return reason
    return "cú pháp TOML không hợp lệ"


def validation_reason(error: dict[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) in Vietnamese."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    where = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
    key = f"“{where}”" if where else "giá trị"
    if kind == "extra_forbidden":
        return f"khóa {key} không có trong tệp này (gõ nhầm tên khóa?)"
    if kind == "missing":
        return f"thiếu khóa {key}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{key} phải là một số nguyên"
    if kind in ("bool_type", "bool_parsing"):
        return f"{key} phải là true hoặc false"
    if kind in ("string_type", "string_too_short"):
        return f"{key} phải là một chuỗi trong dấu nháy kép, không để trống"
    if kind in ("list_type", "tuple_type"):
        return f"{key} phải là một danh sách trong ngoặc vuông [ ]"
    if kind.startswith("date") or kind.startswith("time"):
        return f"{key} phải là ngày dạng 2026-01-02 (không có dấu nháy)"
    comparisons = {"greater_than_equal": "lớn hơn hoặc bằng", "greater_than": "lớn hơn",
                   "less_than_equal": "nhỏ hơn hoặc bằng", "less_than": "nhỏ hơn"}
    if kind in comparisons:
        limit = next(iter(ctx.values()), "")
        return f"{key} phải {comparisons[kind]} {limit}"
    if kind in ("literal_error", "enum"):
        return f"{key} phải là một trong: {ctx.get('expected', '')}"
    if kind == "value_error":  # our own validators speak Vietnamese already
        return f"{key}: {str(error.get('msg', '')).removeprefix('Value error, ')}"
    return f"{key} không hợp lệ"
