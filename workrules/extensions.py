"""Extensions (gia hạn): one occurrence moved to a later date, with its reason and the act that grants it.

Three ways in, one way to apply:

- ``request_extension``: a focal point of an assigned agency asks (``requested``); nothing moves yet. The
  focal-point pages call this function (their permission check is theirs).
- ``approve`` / ``reject``: the admin decides on a request; approving needs the granting document.
- ``grant``: the admin extends directly (recorded as approved at once).

Applying sets ``Occurrence.moved_to`` and its effective date through ``WorkRules.effective`` (a granted date
on a day off moves like any other), cancels the reminders planned for the old date, and audits. Feeds then
show the new date and say it was extended; the planner reminds towards the new date; the on-time rate
judges against it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.errors import UserError
from models import AuditLog, Extension, ExtensionStatus, Occurrence, OccurrenceStatus
from workrules.replan import cancel_stale
from workrules.rules import WorkRules

MAX_REASON = 1000
MAX_DOCUMENT = 500


class ExtensionRefused(UserError):
    """An extension that cannot be asked for, granted or decided; the message is Vietnamese. ``field`` names the
    form field at fault (``new_due``, ``reason``, ``document``, ``note``) so a page can show the message beside it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def request_extension(session: Session, occurrence_id: int, new_due: date, reason: str, *, requested_by: str,
                      now: datetime) -> Extension:
    """Record a request to move one open occurrence to ``new_due``; the admin decides later. Flushes.

    ``requested_by``: who asks, e.g. "contact:12 Nguyễn Văn An". Raises ExtensionRefused (Vietnamese).
    """
    occurrence = _open_occurrence(session, occurrence_id)
    reason = _text(reason, "lý do", MAX_REASON, "reason", required=True)
    _later(occurrence, new_due)
    if pending_for(session, occurrence_id) is not None:
        raise ExtensionRefused("Hạn này đang có một đề nghị gia hạn chờ duyệt.")
    extension = Extension(status=ExtensionStatus.REQUESTED, previous_due=occurrence.effective_due, new_due=new_due,
                          reason=reason, requested_by=requested_by, requested_at=now)
    occurrence.extensions.append(extension)
    session.flush()
    _audit(session, requested_by, "extension.request", extension, now,
           f"Đề nghị gia hạn từ {occurrence.effective_due:%d/%m/%Y} đến {new_due:%d/%m/%Y}: {reason}")
    return extension


def grant(session: Session, occurrence_id: int, new_due: date, reason: str, document: str, rules: WorkRules, *,
          actor: str, now: datetime) -> Extension:
    """The admin extends one open occurrence directly. Flushes. Raises ExtensionRefused."""
    occurrence = _open_occurrence(session, occurrence_id)
    reason = _text(reason, "lý do", MAX_REASON, "reason", required=True)
    document = _text(document, "văn bản cho phép gia hạn", MAX_DOCUMENT, "document", required=True)
    _later(occurrence, new_due)
    waiting = pending_for(session, occurrence_id)
    if waiting is not None:  # the admin's own decision supersedes the request
        waiting.status, waiting.decided_by, waiting.decided_at = ExtensionStatus.WITHDRAWN, actor, now
        waiting.decision_note = "Quản trị đã gia hạn trực tiếp."
    extension = Extension(status=ExtensionStatus.APPROVED, previous_due=occurrence.effective_due, new_due=new_due,
                          reason=reason, document=document, requested_by=actor, requested_at=now, decided_by=actor,
                          decided_at=now)
    occurrence.extensions.append(extension)
    _apply(session, occurrence, extension, rules, actor, now)
    return extension


def approve(session: Session, extension_id: int, document: str, rules: WorkRules, *, actor: str, now: datetime,
            new_due: date | None = None, note: str | None = None) -> Extension:
    """Approve a request (optionally for another date than asked). Flushes. Raises ExtensionRefused."""
    extension = _waiting(session, extension_id)
    occurrence = _open_occurrence(session, extension.occurrence_id)
    document = _text(document, "văn bản cho phép gia hạn", MAX_DOCUMENT, "document", required=True)
    note = _text(note, "ghi chú", MAX_REASON, "note")
    _later(occurrence, new_due or extension.new_due)
    extension.new_due = new_due or extension.new_due
    extension.status, extension.document = ExtensionStatus.APPROVED, document
    extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note
    _apply(session, occurrence, extension, rules, actor, now)
    return extension


def reject(session: Session, extension_id: int, note: str, *, actor: str, now: datetime) -> Extension:
    """Refuse a request, saying why. Flushes. Raises ExtensionRefused."""
    extension = _waiting(session, extension_id)
    why = _text(note, "lý do từ chối", MAX_REASON, "note", required=True)
    extension.status, extension.decided_by, extension.decided_at = ExtensionStatus.REJECTED, actor, now
    extension.decision_note = why
    session.flush()
    _audit(session, actor, "extension.reject", extension, now,
           f"Không đồng ý gia hạn đến {extension.new_due:%d/%m/%Y}: {extension.decision_note}")
    return extension


def pending(session: Session) -> list[Extension]:
    """Every request waiting for the admin, oldest first."""
    return list(session.scalars(select(Extension).where(Extension.status == ExtensionStatus.REQUESTED)
                                .order_by(Extension.requested_at, Extension.id)))


def pending_by_occurrence(session: Session, occurrence_ids: list[int]) -> dict[int, Extension]:
    """The waiting request of each of these occurrences that has one."""
    if not occurrence_ids:
        return {}
    return {e.occurrence_id: e for e in session.scalars(select(Extension).where(
        Extension.occurrence_id.in_(occurrence_ids), Extension.status == ExtensionStatus.REQUESTED))}


def pending_for(session: Session, occurrence_id: int) -> Extension | None:
    return session.scalar(select(Extension).where(Extension.occurrence_id == occurrence_id,
                                                  Extension.status == ExtensionStatus.REQUESTED))


def _apply(session: Session, occurrence: Occurrence, extension: Extension, rules: WorkRules, actor: str,
           now: datetime) -> None:
    before = occurrence.effective_due
    milestone = occurrence.milestone
    occurrence.moved_to = extension.new_due
    occurrence.effective_due = rules.effective(occurrence.due, strict=milestone.strict,
                                               plan_number=milestone.task.plan.number, moved_to=extension.new_due)
    session.flush()
    cancelled = cancel_stale(session, [occurrence.id])
    moved = f" (hạn thực tế {occurrence.effective_due:%d/%m/%Y})" if occurrence.effective_due != extension.new_due \
        else ""
    _audit(session, actor, "extension.approve", extension, now,
           f"Gia hạn từ {before:%d/%m/%Y} đến {extension.new_due:%d/%m/%Y}{moved} theo {extension.document}; "
           f"lý do: {extension.reason}; hủy {cancelled} nhắc hạn theo ngày cũ.")


def _open_occurrence(session: Session, occurrence_id: int) -> Occurrence:
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        raise ExtensionRefused("Không tìm thấy hạn cần gia hạn.")
    if occurrence.status != OccurrenceStatus.OPEN or occurrence.milestone.cancelled_at is not None:
        raise ExtensionRefused("Chỉ gia hạn được hạn chưa hoàn thành và còn hiệu lực.")
    return occurrence


def _waiting(session: Session, extension_id: int) -> Extension:
    extension = session.get(Extension, extension_id)
    if extension is None:
        raise ExtensionRefused("Không tìm thấy đề nghị gia hạn.")
    if extension.status != ExtensionStatus.REQUESTED:
        raise ExtensionRefused("Đề nghị gia hạn này đã được xử lý.")
    return extension


def _later(occurrence: Occurrence, new_due: date) -> None:
    if new_due <= occurrence.effective_due:
        raise ExtensionRefused(f"Ngày gia hạn phải sau hạn hiện tại ({occurrence.effective_due:%d/%m/%Y}).",
                               "new_due")


def _text(value: str | None, label: str, limit: int, field: str, *, required: bool = False) -> str | None:
    text = " ".join((value or "").split())
    if required and not text:
        raise ExtensionRefused(f"Vui lòng nhập {label}.", field)
    if len(text) > limit:
        raise ExtensionRefused(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.", field)
    return text or None


def _audit(session: Session, actor: str, action: str, extension: Extension, now: datetime, note: str) -> None:
    session.add(AuditLog(at=now, actor=actor, action=action, entity="extensions", entity_id=extension.id,
                         before={"occurrence_id": extension.occurrence_id, "previous_due":
                                 extension.previous_due.isoformat()},
                         after={"status": extension.status, "new_due": extension.new_due.isoformat(),
                                "document": extension.document, "note": note}))
    session.flush()
