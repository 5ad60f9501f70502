"""Recording the day an event happened: the due date then follows from the milestone's offset.

"Trong thời hạn 05 ngày làm việc kể từ ngày nhận được hồ sơ": once the admin says the file arrived on
05/01/2026, the deadline is the fifth working day after it (BLDS 2015 Điều 147), moved off a day off like
any other date (Điều 148 k5). The admin may also type the due date itself (the text gave none, or another
act set it). The recorded day is kept in ``manual_override`` so a re-import of the plan leaves it alone;
a due date counted from it (not typed) is counted again when the calendar changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from config.errors import UserError
from deadlines.model import Kind, Offset
from deadlines.offsets import due_after
from models import AuditLog, Milestone
from workrules.dates import PlanFacts, Wanted, sync
from workrules.rules import WorkRules

DATELESS = {Kind.ON_EVENT, Kind.BY_REFERENCE, Kind.CONTINUOUS, Kind.UNRESOLVED}
FIELDS = ("kind", "event", "event_date", "event_offset", "due", "manual_override")


class EventRefused(UserError):
    """An event date that cannot be recorded; the message is Vietnamese."""


@dataclass(frozen=True)
class EventRecorded:
    milestone_id: int
    event_day: date
    due: date  # nominal
    effective: date
    counted: bool  # True: counted from the offset; False: typed by the admin (or no offset: the event's day)

    def words(self, offset: Offset | None) -> str:
        how = f"{offset.words()} kể từ ngày {self.event_day:%d/%m/%Y}" if offset and self.counted else \
            ("do quản trị nhập" if not self.counted else "ngay trong ngày xảy ra sự kiện")
        moved = f", hạn thực tế {self.effective:%d/%m/%Y}" if self.effective != self.due else ""
        return f"Hạn {self.due:%d/%m/%Y} ({how}){moved}."


def record_event(session: Session, milestone: Milestone, event_day: date, rules: WorkRules, *, actor: str,
                 now: datetime, due: date | None = None) -> EventRecorded:
    """Record that the milestone's event happened on ``event_day`` and date the deadline; audited. Flushes."""
    if milestone.cancelled_at is not None:
        raise EventRefused("Mốc thời hạn này đã bị hủy.")
    if Kind(milestone.kind) not in DATELESS:
        raise EventRefused("Mốc này đã có ngày hạn; chỉ ghi nhận sự kiện cho mốc “khi có sự kiện”.")
    if due is not None and due < event_day:
        raise EventRefused("Hạn không thể trước ngày xảy ra sự kiện.")
    offset = Offset.from_json(milestone.event_offset)
    nominal = due if due is not None else due_after(event_day, offset, rules.calendar)
    before = {name: _plain(getattr(milestone, name)) for name in FIELDS}
    milestone.event_date = event_day
    override = {**(milestone.manual_override or {}), "event_date": event_day.isoformat()}
    override.pop("due", None)
    if due is not None:
        override["due"] = due.isoformat()
    milestone.manual_override = override
    plan = PlanFacts.of(milestone.task.plan)
    sync(milestone, Wanted([(nominal, None)], False), plan, rules)
    effective = rules.effective(nominal, plan_number=plan.number)
    result = EventRecorded(milestone.id, event_day, nominal, effective, counted=due is None)
    session.add(AuditLog(at=now, actor=actor, action="milestone.event", entity="milestones", entity_id=milestone.id,
                         before=before, after={**{name: _plain(getattr(milestone, name)) for name in FIELDS},
                                               "note": f"Sự kiện “{milestone.event or 'kích hoạt'}” xảy ra ngày "
                                                       f"{event_day:%d/%m/%Y}. {result.words(offset)}"}))
    session.flush()
    return result


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else value
