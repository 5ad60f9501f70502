"""A small stored world for the web tests: one published plan, one draft, agencies, a contact, reminders.

Dates are relative to TODAY (the real date: the app's clock is real), so "overdue" and "next 30 days" hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from models import Agency, AgencyGroupMember, Assignment, Contact, Milestone, Occurrence, Plan, Reminder, Task

TODAY = datetime.now(UTC).date()


@dataclass
class World:
    tu_phap: Agency
    noi_vu: Agency
    group: Agency
    contact: Contact
    plan: Plan
    draft: Plan
    once: Milestone
    late: Milestone
    on_event: Milestone
    soon: Occurrence
    overdue: Occurrence
    reminder: Reminder


def build_world(session: Session) -> World:
    tu_phap, noi_vu = Agency(name="Sở Tư pháp", aliases=["STP"]), Agency(name="Sở Nội vụ")
    group = Agency(name="Các sở, ban, ngành", is_group=True)
    session.add_all([tu_phap, noi_vu, group])
    session.flush()
    session.add_all([AgencyGroupMember(group_id=group.id, member_id=a.id) for a in (tu_phap, noi_vu)])
    contact = Contact(name="Nguyễn Văn An", agency=tu_phap, email="an@stp.test", channels=["email"])
    plan = Plan(number="123/KH-UBND", title="Kế hoạch cải cách hành chính", plan_year=TODAY.year,
                content_hash="a" * 64, status="published", source_name="kh.txt")
    draft = Plan(number="9/KH-UBND", title="Bản nháp <b>đậm</b>", plan_year=TODAY.year, content_hash="b" * 64)
    t1 = Task(plan=plan, key="1-1", number="1", content="Ban hành quy chế phối hợp", deadline_text="Trong tháng",
              position=1)
    t1.assignments = [Assignment(agency=tu_phap, role="lead", as_written="Sở Tư pháp"),
                      Assignment(agency=noi_vu, role="support", as_written="Sở Nội vụ")]
    t2 = Task(plan=plan, key="1-2", number="2", content="Rà soát thủ tục hành chính", deadline_text="Quý trước",
              position=2)
    t2.assignments = [Assignment(agency=group, role="lead", as_written="Các sở, ban, ngành")]
    t3 = Task(plan=draft, key="1-1", number="1", content="Nhiệm vụ nháp", deadline_text="Khi có hướng dẫn")
    t3.assignments = [Assignment(agency=noi_vu, role="lead", as_written="Sở Nội vụ")]
    soon = Occurrence(due=TODAY + timedelta(days=10), effective_due=TODAY + timedelta(days=10))
    overdue = Occurrence(due=TODAY - timedelta(days=5), effective_due=TODAY - timedelta(days=5))
    once = Milestone(task=t1, key="m1", kind="once", label="Quy chế phối hợp", due=soon.due, source="Trong tháng")
    once.occurrences = [soon]
    late = Milestone(task=t2, key="m1", kind="once", label="Báo cáo rà soát", due=overdue.due, source="Quý trước")
    late.occurrences = [overdue]
    on_event = Milestone(task=t3, key="m1", kind="on_event", event="khi có hướng dẫn của Trung ương",
                         source="Khi có hướng dẫn")
    session.add_all([contact, plan, draft, once, late, on_event])
    session.flush()
    reminder = Reminder(idempotency_key=f"test:{soon.id}", occurrence_id=soon.id, contact_id=contact.id,
                        channel="email", kind="before", lead_days=3,
                        fire_at=datetime.combine(soon.due - timedelta(days=3), datetime.min.time(), tzinfo=UTC))
    session.add(reminder)
    session.flush()
    return World(tu_phap, noi_vu, group, contact, plan, draft, once, late, on_event, soon, overdue, reminder)


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")
