"""The Vietnamese content of a reminder: subject, body, signed links and the occurrence as an .ics file.

Everything is read from the database at send time (not at planning time) so a title or agency fixed by
the admin after planning is what people read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from calendars.feed import FeedCalendar, FeedEvent, render
from calendars.query import event_sequence, event_stamp, event_uid
from models import Assignment, Milestone, Occurrence, Role, Task
from notifiers.base import Links, Message, Recipient
from scheduler.links import make_url

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
TITLE_LENGTH = 90


class ReminderFields(Protocol):
    """What composing reads of a reminder: an ORM ``Reminder`` or a claimed row."""

    idempotency_key: str
    kind: str
    lead_days: int | None


class ContactFields(Protocol):
    """What composing reads of a contact: an ORM ``Contact`` or a selected row."""

    id: int
    name: str
    email: str | None
    zalo_user_id: str | None
    phone: str | None


@dataclass(frozen=True)
class LinkSettings:
    base_url: str
    secret_key: str
    host: str = "hanchot"


def vn_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def headline(kind: str, offset: int | None) -> str:
    """The first words of the subject: how close or late the deadline is, in working days."""
    if kind == "before":
        return f"Còn {offset} ngày làm việc"
    if kind == "due":
        return "Hôm nay là hạn chót"
    if kind == "overdue":
        return f"Đã quá hạn {abs(offset or 0)} ngày làm việc"
    if kind == "escalation":
        return "Quá hạn chưa hoàn thành, báo cáo lãnh đạo"
    return "Nhắc hạn"


def occurrence_title(occurrence: Occurrence) -> str:
    """A short name for the deadline: the milestone label or the task's text, with the period."""
    milestone = occurrence.milestone
    title = " ".join((milestone.label or milestone.task.content or "").split())
    if len(title) > TITLE_LENGTH:
        title = title[:TITLE_LENGTH - 1].rstrip() + "…"
    if occurrence.period and occurrence.period.lower() not in title.lower():
        title = f"{title} ({occurrence.period})"
    return title


def load_occurrences(session: Session, ids: list[int]) -> dict[int, Occurrence]:
    """Occurrences with milestone, task, plan and assignments loaded in a few queries."""
    if not ids:
        return {}
    rows = session.scalars(select(Occurrence).where(Occurrence.id.in_(ids)).options(
        selectinload(Occurrence.milestone).selectinload(Milestone.task).selectinload(Task.plan),
        selectinload(Occurrence.milestone).selectinload(Milestone.task).selectinload(Task.assignments)
        .selectinload(Assignment.agency)))
    return {o.id: o for o in rows}


def agencies_line(task: Task, role: str) -> str:
    names: list[str] = [a.agency.name for a in task.assignments if a.role == role]
    return "; ".join(dict.fromkeys(names)) or "—"


def deadline_explanation(occurrence: Occurrence) -> str:
    milestone = occurrence.milestone
    lines = [f"Hạn: {WEEKDAYS[occurrence.effective_due.weekday()]}, {vn_date(occurrence.effective_due)}"]
    if occurrence.moved_to is not None:
        lines.append(f"(Hạn ghi trong kế hoạch là {vn_date(occurrence.due)}; đã được gia hạn đến "
                     f"{vn_date(occurrence.moved_to)}.)")
    elif occurrence.due != occurrence.effective_due:
        lines.append(f"(Hạn ghi trong kế hoạch là {vn_date(occurrence.due)}, "
                     f"rơi vào ngày nghỉ nên tính theo ngày làm việc {vn_date(occurrence.effective_due)}.)")
    if milestone.source:
        lines.append(f"Thời hạn theo kế hoạch: “{' '.join(milestone.source.split())}”")
    return "\n".join(lines)


def occurrence_block(occurrence: Occurrence) -> str:
    task = occurrence.milestone.task
    plan = task.plan
    plan_name = " ".join(filter(None, [plan.number, plan.title]))
    return "\n".join([
        f"Nhiệm vụ: {' '.join(task.content.split())}",
        f"Kế hoạch: {plan_name}",
        f"Cơ quan chủ trì: {agencies_line(task, Role.LEAD)}",
        f"Cơ quan phối hợp: {agencies_line(task, Role.SUPPORT)}",
        deadline_explanation(occurrence),
    ])


def occurrence_ics(occurrence: Occurrence, host: str) -> bytes:
    """The occurrence as a one-event calendar, with the UID scheme of the feeds so clients merge them."""
    event = FeedEvent(uid=event_uid(occurrence.milestone, occurrence.due, host),
                      summary=occurrence_title(occurrence), day=occurrence.effective_due,
                      sequence=event_sequence(occurrence.milestone, occurrence),
                      last_modified=event_stamp(occurrence.milestone, occurrence),
                      description=occurrence_block(occurrence))
    return render(FeedCalendar(uid=f"reminder-{occurrence.id}@{host}", name="Nhắc hạn", description="", events=[event]))


# The ``template_data`` keys every composed message carries (single reminders and digests alike): the only ones a
# ZNS template parameter may name in config/zalo.toml (checked at start: scheduler.runtime.check_delivery_config).
TEMPLATE_FIELDS = ("title", "due", "kind")


def recipient_of(contact: ContactFields) -> Recipient:
    return Recipient(name=contact.name, email=contact.email, zalo_user_id=contact.zalo_user_id, phone=contact.phone)


def _links(links: LinkSettings, occurrence_id: int, contact_id: int, now: datetime) -> Links:
    return Links(done_url=make_url(links.base_url, links.secret_key, "done", occurrence_id, contact_id, now),
                 snooze_url=make_url(links.base_url, links.secret_key, "snooze", occurrence_id, contact_id, now))


@dataclass(frozen=True)
class OccurrenceText:
    """The recipient-independent parts of a reminder, built once per occurrence and batch: every person
    reminded about one deadline gets the same block and .ics (rendering the .ics dominated composing)."""

    title: str
    block: str
    ics: bytes


def occurrence_text(occurrence: Occurrence, host: str) -> OccurrenceText:
    return OccurrenceText(occurrence_title(occurrence), occurrence_block(occurrence), occurrence_ics(occurrence, host))


def single_message(reminder: ReminderFields, occurrence: Occurrence, contact: ContactFields, links: LinkSettings,
                   now: datetime, parts: OccurrenceText | None = None) -> Message:
    """One reminder about one occurrence; ``parts`` (from ``occurrence_text``) saves rebuilding the shared text."""
    parts = parts or occurrence_text(occurrence, links.host)
    title = parts.title
    due = vn_date(occurrence.effective_due)
    subject = f"[hanchot] {headline(reminder.kind, reminder.lead_days)}: {title} — hạn {due}"
    greeting = f"Kính gửi {contact.name},"
    if reminder.kind == "escalation":
        intro = "Nhiệm vụ sau đã quá hạn nhiều lần nhắc mà chưa được đánh dấu hoàn thành:"
    else:
        intro = f"{headline(reminder.kind, reminder.lead_days)} đến hạn của nhiệm vụ sau:"
    text = "\n\n".join([greeting, intro, parts.block,
                        "Khi đã hoàn thành, bấm “Đã hoàn thành” để dừng nhắc; bấm “Nhắc lại sau” để được nhắc lại."])
    return Message(idempotency_key=reminder.idempotency_key, recipient=recipient_of(contact), subject=subject,
                   text=text, links=_links(links, occurrence.id, contact.id, now),
                   ics=parts.ics,
                   template_data={"title": title[:30], "due": vn_date(occurrence.effective_due),
                                  "kind": reminder.kind})  # every key of TEMPLATE_FIELDS


def digest_message(reminder: ReminderFields, items: list[tuple[dict, Occurrence]], contact: ContactFields,
                   links: LinkSettings, day: date, now: datetime) -> Message:
    """One message listing everything due or overdue for a person on ``day``; links act on each item."""
    subject = f"[hanchot] Tổng hợp hạn chót ngày {vn_date(day)}: {len(items)} nhiệm vụ"
    parts = [f"Kính gửi {contact.name},", f"Các nhiệm vụ sắp đến hạn hoặc đã quá hạn ngày {vn_date(day)}:"]
    for n, (item, occurrence) in enumerate(items, start=1):
        item_links = _links(links, occurrence.id, contact.id, now)
        parts.append(f"{n}. {headline(item['kind'], item['offset'])}: {occurrence_title(occurrence)}\n"
                     f"{occurrence_block(occurrence)}\n"
                     f"Đã hoàn thành: {item_links.done_url}\nNhắc lại sau: {item_links.snooze_url}")
    return Message(idempotency_key=reminder.idempotency_key, recipient=recipient_of(contact), subject=subject,
                   text="\n\n".join(parts),
                   template_data={"title": f"{len(items)} nhiệm vụ", "kind": reminder.kind, "count": len(items),
                                  "due": vn_date(min(o.effective_due for _, o in items)), "day": vn_date(day)})

