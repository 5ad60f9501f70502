"""What the signed links in reminders do: "Đã hoàn thành" and "Nhắc lại sau". Called by the web's /r/<token>.

Both are idempotent: clicking twice (or a mail scanner pre-fetching the link) changes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import update
from sqlalchemy.orm import Session

from deadlines.workdays import working_days_to
from models import AuditLog, Contact, Occurrence, OccurrenceStatus, Reminder, ReminderStatus
from models.permissions import Permissions
from scheduler.links import LinkError, verify_token
from scheduler.outbox import PAYLOAD_VERSION, insert_reminders
from scheduler.planning import IsWorkingDay, local_day, local_instant, snooze_day
from scheduler.recipients import channels_of

DEFAULT_SNOOZE_DAYS = 2
NOT_THE_LEAD = ("Chỉ cơ quan chủ trì nhiệm vụ này mới đánh dấu hoàn thành được. "
                "Nếu việc đã xong, vui lòng báo cơ quan chủ trì hoặc quản trị viên.")


@dataclass(frozen=True)
class ActionResult:
    """What happened, with a Vietnamese sentence for the page the person sees."""

    action: str
    occurrence_id: int
    changed: bool
    message: str


def cancel_pending(session: Session, occurrence_id: int, reason: str) -> int:
    """Cancel the pending reminders of an occurrence; return how many. Does not commit."""
    result = session.execute(update(Reminder).where(Reminder.occurrence_id == occurrence_id,
                                                    Reminder.status == ReminderStatus.PENDING)
                             .values(status=ReminderStatus.CANCELLED, last_error=reason))
    return result.rowcount or 0


def mark_done(session: Session, occurrence_id: int, contact_id: int | None, now: datetime,
              actor: str | None = None) -> ActionResult:
    """Mark the occurrence done, cancel its pending reminders and write the audit log. Commits."""
    occurrence = _occurrence(session, occurrence_id)
    if occurrence.status == OccurrenceStatus.DONE:
        return ActionResult("done", occurrence_id, False, "Nhiệm vụ này đã được đánh dấu hoàn thành trước đó.")
    who = actor or _actor(session, contact_id)
    before = {"status": occurrence.status, "done_at": None}
    occurrence.status, occurrence.done_at, occurrence.done_by = OccurrenceStatus.DONE, now, who
    cancelled = cancel_pending(session, occurrence_id, f"occurrence marked done by {who}")
    session.add(AuditLog(at=now, actor=who, action="occurrence.done", entity="occurrences", entity_id=occurrence_id,
                         before=before, after={"status": "done", "done_at": now.isoformat(),
                                               "cancelled_reminders": cancelled}))
    session.commit()
    return ActionResult("done", occurrence_id, True, "Đã ghi nhận hoàn thành. Hệ thống sẽ không nhắc hạn này nữa.")


def undo_done(session: Session, occurrence_id: int, now: datetime, actor: str) -> ActionResult:
    """Reopen a done occurrence: its reminders cancelled by that "done" are pending again. Commits.

    The caller decides who may (models.permissions: the admin, or the contact who closed it, that same day).
    """
    occurrence = _occurrence(session, occurrence_id)
    if occurrence.status != OccurrenceStatus.DONE:
        return ActionResult("undo", occurrence_id, False, "Hạn này chưa được đánh dấu hoàn thành.")
    before = {"status": occurrence.status, "done_at": occurrence.done_at.isoformat() if occurrence.done_at else None,
              "done_by": occurrence.done_by}
    reason = f"occurrence marked done by {occurrence.done_by}"
    restored = session.execute(update(Reminder).where(Reminder.occurrence_id == occurrence_id,
                                                      Reminder.status == ReminderStatus.CANCELLED,
                                                      Reminder.last_error == reason)
                               .values(status=ReminderStatus.PENDING, last_error=None)).rowcount or 0
    occurrence.status, occurrence.done_at, occurrence.done_by = OccurrenceStatus.OPEN, None, None
    session.add(AuditLog(at=now, actor=actor, action="occurrence.undo", entity="occurrences",
                         entity_id=occurrence_id, before=before,
                         after={"status": "open", "restored_reminders": restored}))
    session.commit()
    return ActionResult("undo", occurrence_id, True, "Đã hủy đánh dấu hoàn thành; hạn này lại được nhắc như trước.")


def snooze(session: Session, occurrence_id: int, contact_id: int, now: datetime, is_working_day: IsWorkingDay,
           working_days: int = DEFAULT_SNOOZE_DAYS, tz: str = "Asia/Ho_Chi_Minh",
           send_at: time = time(8, 0)) -> ActionResult:
    """Plan one more reminder for this person in ``working_days`` working days, at the usual send time. Commits."""
    occurrence = _occurrence(session, occurrence_id)
    if occurrence.status != OccurrenceStatus.OPEN:
        return ActionResult("snooze", occurrence_id, False, "Nhiệm vụ này đã hoàn thành hoặc không còn hiệu lực.")
    contact = session.get(Contact, contact_id)
    if contact is None or not contact.active:
        raise LinkError("Người nhận không còn trong danh bạ.")
    day = snooze_day(local_day(now, tz), working_days, is_working_day)
    fire_at = local_instant(day, send_at, tz)
    kind = "before" if day < occurrence.effective_due else ("due" if day == occurrence.effective_due else "overdue")
    rows = [{"idempotency_key": f"snooze:o{occurrence_id}:c{contact_id}:{channel}:{day:%Y%m%d}",
             "occurrence_id": occurrence_id, "contact_id": contact_id, "channel": channel, "kind": kind,
             "lead_days": working_days_to(day, occurrence.effective_due, is_working_day), "fire_at": fire_at,
             "status": "pending", "attempts": 0, "permanent_failure": False,
             "payload": {"version": PAYLOAD_VERSION, "due": occurrence.effective_due.isoformat(), "snoozed": True}}
            for channel in channels_of(contact)]
    inserted = insert_reminders(session, rows)
    session.add(AuditLog(at=now, actor=contact.name, action="occurrence.snooze", entity="occurrences",
                         entity_id=occurrence_id, after={"until": day.isoformat(), "reminders": inserted}))
    session.commit()
    return ActionResult("snooze", occurrence_id, inserted > 0, f"Sẽ nhắc lại vào ngày {day:%d/%m/%Y}.")


def perform(session: Session, secret_key: str, token: str, now: datetime, is_working_day: IsWorkingDay,
            tz: str = "Asia/Ho_Chi_Minh") -> ActionResult:
    """Verify a signed link and perform its action. Raises LinkError (Vietnamese) for a bad link."""
    link = verify_token(secret_key, token, now)
    if link.action == "done":
        occurrence = _occurrence(session, link.occurrence_id)
        if occurrence.status != OccurrenceStatus.DONE and not Permissions.of(
                session, f"contact:{link.contact_id}", tz=tz).may_close(occurrence):
            raise LinkError(NOT_THE_LEAD)
        return mark_done(session, link.occurrence_id, link.contact_id, now)
    return snooze(session, link.occurrence_id, link.contact_id, now, is_working_day, tz=tz)


def _occurrence(session: Session, occurrence_id: int) -> Occurrence:
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        raise LinkError("Không tìm thấy hạn chót này (có thể kế hoạch đã bị xóa).")
    return occurrence


def _actor(session: Session, contact_id: int | None) -> str:
    contact = session.get(Contact, contact_id) if contact_id else None
    return f"contact:{contact.id} {contact.name}" if contact else "link"


