"""What the admin must look at in delivery, and the two things the admin can do about it.

- ``stuck_reminders``: failed (not cancelled) reminders, and pending ones that already failed at least once or
  are held because every channel of the person is off; each with its Vietnamese reason (``last_error``).
- ``send_again``: put one back in the queue now, with one more day of usefulness so it is not ended at once.
- ``enable_channel``: turn a channel switched off by a bounce back on (audited by the caller's transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models import AuditLog, Contact, Reminder, ZaloCredential
from scheduler.routing import CHANNEL_NAMES, route

RESEND_GRACE = timedelta(days=1)
STUCK_LIMIT = 500


@dataclass(frozen=True)
class Stuck:
    reminder: Reminder
    contact: Contact
    state: str  # "Lỗi" / "Đang thử lại" / "Tạm giữ"


def stuck_reminders(session: Session, limit: int = STUCK_LIMIT) -> list[Stuck]:
    c = Reminder
    rows = session.execute(select(Reminder, Contact).join(Contact, Contact.id == Reminder.contact_id).where(or_(
        c.status == "failed", and_(c.status == "pending", c.last_error.is_not(None))))
        .order_by(c.fire_at.desc(), c.id.desc()).limit(limit)).all()
    return [Stuck(r, contact, _state(r)) for r, contact in rows]


def _state(reminder: Reminder) -> str:
    if reminder.status == "failed":
        return "Lỗi"
    return "Tạm giữ" if (reminder.last_error or "").startswith("Tạm giữ") else "Đang thử lại"


def send_again(session: Session, reminder_id: int, now: datetime, actor: str) -> Reminder | None:
    """Queue a stuck reminder again at once (same row, same Message-ID), on the person's first usable channel."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.status not in ("failed", "pending"):
        return None
    contact = session.get(Contact, reminder.contact_id)
    before = {"status": reminder.status, "channel": reminder.channel, "last_error": reminder.last_error}
    usable = route(contact) if contact else ()
    if usable and reminder.channel not in usable:
        reminder.channel = usable[0]
    useful = reminder.payload.get("useful_until")
    keep_until = max(datetime.fromisoformat(useful), now + RESEND_GRACE) if useful else now + RESEND_GRACE
    reminder.payload = {**reminder.payload, "useful_until": keep_until.isoformat()}
    reminder.status, reminder.next_attempt_at, reminder.permanent_failure = "pending", None, False
    reminder.claimed_at, reminder.claimed_by, reminder.last_error = None, None, None
    session.add(AuditLog(at=now, actor=actor, action="reminder.send_again", entity="reminders", entity_id=reminder.id,
                         before=before, after={"status": "pending", "channel": reminder.channel}))
    return reminder


def enable_channel(session: Session, contact: Contact, channel: str, now: datetime, actor: str) -> bool:
    """Turn ``channel`` back on for ``contact``; False when it was not off."""
    blocks = dict(contact.channel_blocks or {})
    removed = blocks.pop(channel, None)
    if removed is None:
        return False
    contact.channel_blocks = blocks or None
    session.add(AuditLog(at=now, actor=actor, action="contact.channel_enable", entity="contacts", entity_id=contact.id,
                         before={"channel": channel, "blocked": removed}, after={"channel": channel, "blocked": None}))
    return True


def broken_credentials(session: Session) -> list[Any]:
    return list(session.execute(select(ZaloCredential.app_id, ZaloCredential.broken_at, ZaloCredential.broken_reason)
                                .where(ZaloCredential.broken_at.is_not(None))))


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)
