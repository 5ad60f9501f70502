"""Why an import is refused: one Vietnamese line for the person who gave us the file."""

from __future__ import annotations

from config.errors import UserError

EMPTY_FILE = "Tệp trống."
NOT_A_DOCUMENT = "Tệp không phải là tài liệu Word/PDF/văn bản hợp lệ."
NO_TASK_TABLE = "Không tìm thấy bảng nhiệm vụ trong tài liệu."
TOO_LARGE = "Tệp lớn hơn 20 MB."

MAX_BYTES = 20 * 1024 * 1024


class ImportRefused(UserError):
    """The file cannot become a plan; ``str(error)`` is the Vietnamese message to show, nothing was written."""
