"""A small published world for the feed query tests: agencies with a group, a published and a draft plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from models import Agency, AgencyGroupMember, Assignment, Contact, Milestone, Occurrence, Plan, Task

STAMP = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
BASE_URL = "https://hanchot.test"


@dataclass
class World:
    tu_phap: Agency
    noi_vu: Agency
    xa: Agency
    group: Agency
    contact: Contact
    plan: Plan
    draft: Plan
    once: Milestone
    quarterly: Milestone
    on_event: Milestone
    undated: Milestone


def task(plan: Plan, key: str, content: str, **assigned: list[Agency]) -> Task:
    row = Task(plan=plan, key=key, content=content, appendix_number="1", deadline_text="Quý I/2026",
               updated_at=STAMP)
    row.assignments = [Assignment(agency=a, role=role) for role, agencies in assigned.items() for a in agencies]
    return row


def milestone(owner: Task, key: str, kind: str, *occurrences: Occurrence, **fields) -> Milestone:
    row = Milestone(task=owner, key=key, kind=kind, updated_at=STAMP, changed_at=STAMP, **fields)
    row.occurrences = list(occurrences)
    return row


def occ(due: date, effective: date | None = None, **fields) -> Occurrence:
    return Occurrence(due=due, effective_due=effective or due, updated_at=STAMP, changed_at=STAMP, **fields)


def build_world(session: Session) -> World:
    tu_phap, noi_vu = Agency(name="Sở Tư pháp"), Agency(name="Sở Nội vụ")
    xa = Agency(name="UBND xã Hoàng Phú")
    group = Agency(name="Các sở, ban, ngành", is_group=True)
    session.add_all([tu_phap, noi_vu, xa, group])
    session.flush()
    session.add_all([AgencyGroupMember(group_id=group.id, member_id=a.id) for a in (tu_phap, noi_vu)])
    contact = Contact(name="Nguyễn Văn An", agency=tu_phap, email="an@stp.test")
    plan = Plan(number="123/KH-UBND", title="Kế hoạch cải cách hành chính năm 2026", plan_year=2026,
                content_hash="a" * 64, status="published", updated_at=STAMP)
    draft = Plan(number="9/KH-UBND", title="Bản nháp", plan_year=2026, content_hash="b" * 64, status="draft")
    t1 = task(plan, "1-1", "Ban hành quy chế phối hợp", lead=[tu_phap], support=[noi_vu])
    t1.product = "Quyết định của UBND tỉnh"
    t2 = task(plan, "1-2", "Báo cáo kết quả cải cách hành chính định kỳ hằng quý", lead=[group])
    t3 = task(plan, "1-3", "Tổ chức hội nghị khi có văn bản hướng dẫn", lead=[noi_vu], support=[tu_phap])
    t4 = task(plan, "1-4", "Nhiệm vụ đã bị bỏ", lead=[tu_phap])
    t4.cancelled_at = STAMP
    t5 = task(draft, "1-1", "Nhiệm vụ của bản nháp", lead=[tu_phap])
    # 15/3/2026 is a Sunday: the effective date is Monday 16/3.
    once = milestone(t1, "m1", "once", occ(date(2026, 3, 15), date(2026, 3, 16)), due=date(2026, 3, 15))
    milestone(t1, "m1b", "once", occ(date(2026, 4, 1)), due=date(2026, 4, 1), cancelled_at=STAMP)
    quarterly = milestone(
        t2, "m2", "recurring",
        occ(date(2026, 3, 31), period="quý I", status="done", done_at=STAMP),
        occ(date(2026, 6, 30), period="quý II"),
        occ(date(2026, 9, 30), period="quý III", status="cancelled"),
        occ(date(2026, 12, 31), period="quý IV"),
        label="Báo cáo quý", rrule="DTSTART:20260101\nRRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1;WKST=MO")
    on_event = milestone(t3, "m3", "on_event", event="khi có văn bản hướng dẫn", event_date=date(2026, 5, 11))
    undated = milestone(t3, "m4", "continuous")
    milestone(t4, "m5", "once", occ(date(2026, 4, 1)), due=date(2026, 4, 1))
    milestone(t5, "m6", "once", occ(date(2026, 4, 2)), due=date(2026, 4, 2))
    session.add_all([contact, plan, draft])
    session.commit()
    return World(tu_phap, noi_vu, xa, group, contact, plan, draft, once, quarterly, on_event, undated)


def uid(m: Milestone, nominal: date) -> str:
    """One event per one-off milestone, one per occurrence (named by its nominal date) of a recurring one."""
    if m.kind != "recurring":
        return f"ms-{m.id}@hanchot.test"
    return f"ms-{m.id}-{nominal:%Y%m%d}@hanchot.test"
