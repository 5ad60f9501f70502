"""Build the ``FeedCalendar`` of a scope (agency, plan, contact, province) from the database.

What goes in: the live dated occurrences (``models.live``: published plan, neither the task nor the milestone
cancelled, the occurrence not cancelled). An assignment to a group ("UBND cấp xã") counts for each of its
member agencies. Milestones with no date yet (continuous, on-event, by-reference) appear once the admin
records ``event_date``.

Decisions clients depend on (see also ``calendars/feed.py``):

- UID (``event_uid``): ``ms-<milestone id>@<host of BASE_URL>`` for a milestone with one dated instance
  (a one-off deadline, an event the admin dated), so a re-import that changes its date keeps the UID and
  clients move the event; ``ms-<milestone id>-<yyyymmdd of the nominal date>@<host>`` for each occurrence of a
  recurring one. Both are stable across re-imports (the importer keeps milestone rows, matched by key) and
  across moves (the nominal date stays).
- SEQUENCE (``event_sequence``) = milestone.sequence + occurrence.sequence for an occurrence of a recurring
  milestone; milestone.sequence + the sum over all its occurrence rows (cancelled ones are kept) for a
  single-instance one, since a new date is a new occurrence row starting at 0. Every term only grows:
  models/plans.py bumps a milestone on any change of its own, of its task's text, its plan's name or its
  agencies. DTSTAMP = LAST-MODIFIED = the latest ``changed_at`` of the milestone and its occurrence(s): the
  moment a SEQUENCE term last grew, so they move only when the event itself changed (renumbering the tasks
  of a plan leaves them alone), and the bytes stay the same between changes.
- The day is the occurrence's ``effective_due`` (the work rules service's: an extension's date when one was
  granted). An extended occurrence says so in its summary and description, with the act that granted it.
- A done occurrence stays visible, STATUS:CONFIRMED, its summary prefixed "✓ Đã hoàn thành – ". VEVENT
  has no COMPLETED status, and CANCELLED would make clients hide or strike out a deadline that was met,
  which reads as "this no longer applies".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from calendars.feed import TIMEZONE, FeedCalendar, FeedEvent
from deadlines.model import Kind
from models import (
    Agency,
    Assignment,
    Contact,
    Extension,
    ExtensionStatus,
    FeedRole,
    FeedScope,
    FeedToken,
    Milestone,
    Occurrence,
    OccurrenceStatus,
    Plan,
    PlanStatus,
    Role,
    Task,
)
from models.live import LIVE_MILESTONE, is_live, shown_day, with_groups
from models.responsibility import assigned_to

TASK_PATH = "/tasks/{id}"
SHORT_TASK = 80  # characters of the task content used as a summary when the milestone has no label
SHORT_CONTEXT = 50  # characters of the task content shown beside a generic label
DONE_PREFIX = "✓ Đã hoàn thành – "
EXTENDED = " (đã gia hạn)"
ROLE_SUFFIX = {FeedRole.LEAD: " (chủ trì)", FeedRole.SUPPORT: " (phối hợp)", FeedRole.ALL: ""}
ROLES = {FeedRole.LEAD: (Role.LEAD,), FeedRole.SUPPORT: (Role.SUPPORT,),
         FeedRole.ALL: (Role.LEAD, Role.SUPPORT, Role.SYNTHESIS)}
NOTICE = ("Lịch chỉ để xem; nhắc việc được gửi qua email/Zalo. "
          "Google Lịch có thể cập nhật chậm 12–24 giờ so với hệ thống.")

T = TypeVar("T")
Reasons = Callable[[date], str | None]  # why a day is not a working day (WorkCalendar.reason)


@dataclass(frozen=True)
class Scope:
    """Which feed: ``kind`` with the id of its agency, plan or contact (None for the province)."""

    kind: FeedScope
    id: int | None = None
    role: FeedRole = FeedRole.ALL

    @classmethod
    def of_token(cls, token: FeedToken) -> Scope:
        ids = {FeedScope.AGENCY: token.agency_id, FeedScope.PLAN: token.plan_id,
               FeedScope.CONTACT: token.contact_id, FeedScope.PROVINCE: None}
        return cls(FeedScope(token.scope), ids[FeedScope(token.scope)], FeedRole(token.role))

    @property
    def key(self) -> str:
        """``"agency:12:lead"``: the FeedState key and the base of the calendar UID."""
        return f"{self.kind.value}:{self.id if self.id is not None else 'all'}:{self.role.value}"


@dataclass(frozen=True)
class Dated:
    """One dated instance of a milestone, before it becomes a FeedEvent."""

    milestone: Milestone
    nominal: date
    effective: date
    occurrence: Occurrence | None = None


def build_feed(session: Session, scope: Scope, *, base_url: str, reasons: Reasons | None = None,
               timezone: str = TIMEZONE) -> FeedCalendar:
    """The feed of ``scope`` (``timezone``: HANCHOT_TIMEZONE). Raises LookupError when its agency, plan or
    contact does not exist."""
    name, description, task_filter = _describe(session, scope)
    host = urlsplit(base_url).hostname or "localhost"
    query = (select(Milestone).join(Milestone.task).join(Task.plan).where(*LIVE_MILESTONE)
             .options(selectinload(Milestone.occurrences).selectinload(Occurrence.extensions),
                      joinedload(Milestone.task).joinedload(Task.plan),
                      joinedload(Milestone.task).selectinload(Task.assignments).joinedload(Assignment.agency)))
    if task_filter is not None:
        query = query.where(task_filter)
    events = [_event(d, host=host, base_url=base_url.rstrip("/"), reasons=reasons)
              for milestone in session.scalars(query).unique() for d in dated(milestone)]
    return FeedCalendar(uid=f"hanchot-{scope.key.replace(':', '-')}@{host}", name=name,
                        description=f"{description} {NOTICE}", events=events, timezone=timezone)


def dated(milestone: Milestone) -> Iterator[Dated]:
    """The dated instances of a milestone that a feed shows (cancelled occurrences left out)."""
    live = [o for o in milestone.occurrences if is_live(o)]
    for occurrence in live:
        yield Dated(milestone, occurrence.due, shown_day(occurrence), occurrence)
    if milestone.occurrences:
        return
    if milestone.event_date is not None:  # the admin recorded when the event happened
        yield Dated(milestone, milestone.event_date, milestone.event_date)
    elif milestone.kind == Kind.ONCE and milestone.due is not None:
        yield Dated(milestone, milestone.due, milestone.due)


def feed_name(session: Session, scope: Scope) -> str:
    """The name a calendar app shows for the feed (X-WR-CALNAME), also given to Outlook's subscribe link."""
    return _describe(session, scope)[0]


def _describe(session: Session, scope: Scope) -> tuple[str, str, object | None]:
    """(feed name, feed description, a WHERE clause on tasks or None for the whole province)."""
    suffix = ROLE_SUFFIX[scope.role]
    if scope.kind == FeedScope.PROVINCE:
        return (f"Toàn tỉnh – hạn chót{suffix}", "Hạn chót của mọi kế hoạch đã ban hành.",
                _assigned_to(None, scope.role))
    if scope.kind == FeedScope.PLAN:
        plan = _get(session, Plan, scope.id)
        if plan.status != PlanStatus.PUBLISHED:  # no event yet, and a draft's title is the admin's work in progress
            return (f"Kế hoạch chưa ban hành – hạn chót{suffix}", "Kế hoạch này chưa được ban hành.",
                    _and_plan(plan.id, _assigned_to(None, scope.role)))
        title = _shorten(plan.title, SHORT_CONTEXT)  # the plan's own title tells two plans' calendars apart
        label = f"{plan.number} · {title}" if plan.number else title
        description = f"Hạn chót của kế hoạch {plan.number}: {plan.title}." if plan.number \
            else f"Hạn chót của kế hoạch: {plan.title}."
        return (f"{label} – hạn chót{suffix}", description,
                _and_plan(plan.id, _assigned_to(None, scope.role)))
    if scope.kind == FeedScope.AGENCY:
        agency = _get(session, Agency, scope.id)
        return (f"{agency.name} – hạn chót{suffix}", f"Hạn chót các nhiệm vụ giao cho {agency.name}.",
                _assigned_to(with_groups(session, [agency.id]), scope.role))
    contact = _get(session, Contact, scope.id)
    agencies = _agencies_of(session, contact)
    names = ", ".join(a.name for a in agencies) or "chưa thuộc cơ quan nào"
    return (f"{contact.name} – hạn chót{suffix}", f"Hạn chót các nhiệm vụ giao cho {names}.",
            _assigned_to(with_groups(session, [a.id for a in agencies]), scope.role))


def _and_plan(plan_id: int, clause: object | None) -> object:
    return Task.plan_id == plan_id if clause is None else (Task.plan_id == plan_id) & clause  # type: ignore[operator]


def _assigned_to(agency_ids: Iterable[int] | None, role: FeedRole) -> object | None:
    """Tasks with an assignment of ``role`` to one of ``agency_ids`` (any agency when None)."""
    if agency_ids is None and role == FeedRole.ALL:
        return None
    return assigned_to(agency_ids, [r.value for r in ROLES[role]])


def _agencies_of(session: Session, contact: Contact) -> list[Agency]:
    """The contact's own agency and any agency it heads."""
    clauses = [Agency.head_contact_id == contact.id]
    if contact.agency_id is not None:
        clauses.append(Agency.id == contact.agency_id)
    return list(session.scalars(select(Agency).where(or_(*clauses)).order_by(Agency.name)))


def _get(session: Session, model: type[T], ident: int | None) -> T:
    found = session.get(model, ident) if ident is not None else None
    if found is None:
        raise LookupError(f"no {model.__name__} with id {ident}")
    return found


def _event(item: Dated, *, host: str, base_url: str, reasons: Reasons | None) -> FeedEvent:
    milestone, occurrence = item.milestone, item.occurrence
    task = milestone.task
    done = occurrence is not None and occurrence.status == OccurrenceStatus.DONE
    categories = [f"Phụ lục {task.appendix_number}"] if task.appendix_number else []
    if milestone.kind == Kind.RECURRING:
        categories.append("Báo cáo định kỳ")
    if task.plan.number:
        categories.append(f"Kế hoạch {task.plan.number}")
    return FeedEvent(
        uid=event_uid(milestone, item.nominal, host),
        summary=(DONE_PREFIX if done else "") + _summary(milestone, occurrence),
        day=item.effective,
        sequence=event_sequence(milestone, occurrence),
        last_modified=event_stamp(milestone, occurrence),
        description=_description(item, done, f"{base_url}{TASK_PATH.format(id=task.id)}", reasons),
        categories=tuple(categories),
        url=f"{base_url}{TASK_PATH.format(id=task.id)}",
    )


def single_instance(milestone: Milestone) -> bool:
    """True when the milestone shows as one event (not recurring, at most one live occurrence)."""
    if milestone.kind == Kind.RECURRING:
        return False
    return sum(is_live(o) for o in milestone.occurrences) <= 1


def event_uid(milestone: Milestone, nominal: date, host: str) -> str:
    """The UID of the event of ``milestone`` due on ``nominal`` (the feeds' and the reminders' scheme)."""
    if single_instance(milestone):
        return f"ms-{milestone.id}@{host}"
    return f"ms-{milestone.id}-{nominal:%Y%m%d}@{host}"


def event_sequence(milestone: Milestone, occurrence: Occurrence | None) -> int:
    """The SEQUENCE of the event of ``occurrence`` (None: a milestone dated without one); it never decreases."""
    if single_instance(milestone):
        return milestone.sequence + sum(o.sequence for o in milestone.occurrences)
    return milestone.sequence + (occurrence.sequence if occurrence else 0)


def event_stamp(milestone: Milestone, occurrence: Occurrence | None) -> datetime:
    """DTSTAMP = LAST-MODIFIED of the event: when one of the terms of its SEQUENCE last grew, no more."""
    rows = milestone.occurrences if single_instance(milestone) else [occurrence] if occurrence else []
    return max(_aware(s) for s in (milestone.changed_at, *(o.changed_at for o in rows)))


def _summary(milestone: Milestone, occurrence: Occurrence | None) -> str:
    """What tells the event apart in a calendar: the task's number, the milestone's label with its period and,
    beside a label that is not the task's own words ("Báo cáo kết quả"), a short form of the task:
    "1.2 Báo cáo kết quả (quý I) — Rà soát văn bản QPPL"."""
    task = milestone.task
    label = " ".join((milestone.label or "").split())
    text = label or _shorten(task.content, SHORT_TASK)
    period = occurrence.period if occurrence else None
    if period and period.lower() not in text.lower():
        text = f"{text} ({period})"
    content = " ".join(task.content.split())
    if label and not content.lower().startswith(label.lower()[:SHORT_CONTEXT]):
        text = f"{text} — {_shorten(content, SHORT_CONTEXT)}"
    number = (task.number or "").strip()
    extended = EXTENDED if occurrence is not None and occurrence.moved_to is not None else ""
    if number:
        return f"{number} {text}{extended}"
    # An obligation written in the plan's prose has no number; the same sentence often binds several agencies,
    # one task each: the lead tells them apart.
    leads = [a.agency.name for a in sorted(task.assignments, key=lambda a: a.id) if a.role == Role.LEAD]
    return f"{text} — {leads[0]}{extended}" if leads else f"{text}{extended}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _description(item: Dated, done: bool, url: str, reasons: Reasons | None) -> str:
    milestone, occurrence = item.milestone, item.occurrence
    task = milestone.task
    plan = task.plan
    lines = [f"Nhiệm vụ: {' '.join(task.content.split())}"]
    if task.product:
        lines.append(f"Sản phẩm: {task.product}")
    for role, title in ((Role.LEAD, "Cơ quan chủ trì"), (Role.SUPPORT, "Cơ quan phối hợp")):
        names = [a.agency.name for a in sorted(task.assignments, key=lambda a: a.id) if a.role == role]
        if names:
            lines.append(f"{title}: {', '.join(names)}")
    lines.append(f"Kế hoạch: {plan.number + ' – ' if plan.number else ''}{plan.title}")
    if task.deadline_text:
        lines.append(f"Thời hạn (nguyên văn): {task.deadline_text}")
    lines.append(f"Hạn theo văn bản: {item.nominal:%d/%m/%Y}")
    granted = _granted(occurrence)
    if granted is not None:
        lines.append(f"Đã gia hạn: từ {granted.previous_due:%d/%m/%Y} đến {granted.new_due:%d/%m/%Y} theo "
                     f"{granted.document or 'quyết định của quản trị'}; lý do: {granted.reason}")
    if item.effective != item.nominal:
        lines.append(f"Hạn thực tế: {item.effective:%d/%m/%Y} ({_why_moved(item, reasons)})")
    if milestone.event_date is not None and occurrence is None:
        lines.append(f"Ngày xảy ra sự kiện: {milestone.event_date:%d/%m/%Y} (do quản trị ghi nhận)")
    if done:
        when = f" ngày {_aware(occurrence.done_at):%d/%m/%Y}" if occurrence and occurrence.done_at else ""
        lines.append(f"Trạng thái: đã hoàn thành{when}")
    lines.append(f"Chi tiết: {url}")
    return "\n".join(lines)


def _why_moved(item: Dated, reasons: Reasons | None) -> str:
    moved_to = item.occurrence.moved_to if item.occurrence is not None else None
    day = moved_to or item.nominal
    if moved_to is not None and moved_to == item.effective:
        return "đã gia hạn"
    reason = reasons(day) if reasons else None
    prefix = "đã gia hạn; " if moved_to is not None else ""
    if reason:
        return f"{prefix}{day:%d/%m/%Y} là ngày nghỉ: {reason}"
    return f"{prefix}{day:%d/%m/%Y} không phải ngày làm việc"


def _granted(occurrence: Occurrence | None) -> Extension | None:
    """The extension in force: the last approved one, when the occurrence is extended."""
    if occurrence is None or occurrence.moved_to is None:
        return None
    approved = [e for e in occurrence.extensions if e.status == ExtensionStatus.APPROVED]
    return approved[-1] if approved else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
