"""The test world of the scheduler: agencies, contacts and one published plan, built through the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from models import Agency, AgencyGroupMember, Assignment, Contact, Milestone, Occurrence, Plan, Reminder, Task

STAMP = datetime(2025, 1, 2, tzinfo=UTC)
QUARTER_DUES = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)]


@dataclass
class World:
    plan: Plan
    task: Task
    milestone: Milestone
    occurrences: list[Occurrence]
    lead: Contact
    head: Contact
    support: Contact
    district: Contact
    contacts: dict[str, Contact] = field(default_factory=dict)


def contact(session: Session, agency: Agency, name: str, **fields) -> Contact:
    row = Contact(name=name, agency_id=agency.id, **fields)
    session.add(row)
    session.flush()
    return row


def build_world(session: Session, dues: list[date] | None = None) -> World:
    noi_vu = Agency(name="Sở Nội vụ", aliases=["SNV"])
    tai_chinh = Agency(name="Sở Tài chính")
    district = Agency(name="UBND huyện Nga Sơn", level="huyen")
    group = Agency(name="UBND cấp huyện", is_group=True)
    session.add_all([noi_vu, tai_chinh, district, group])
    session.flush()
    session.add(AgencyGroupMember(group_id=group.id, member_id=district.id))
    lead = contact(session, noi_vu, "Nguyễn Văn An", email="an@snv.example", channels=["email"])
    head = contact(session, noi_vu, "Lê Thị Bình", email="binh@snv.example", is_head=True)
    noi_vu.head_contact_id = head.id
    support = contact(session, tai_chinh, "Trần Văn Cường", email="cuong@stc.example")
    zalo_person = contact(session, district, "Phạm Thị Dung", zalo_user_id="2512523625412515", phone="0912345678",
                          email="dung@ngason.example", channels=["zalo"])
    plan = Plan(number="4784/KH-UBND", title="Kế hoạch cải cách hành chính năm 2025", issuer="UBND tỉnh Thanh Hóa",
                plan_year=2025, content_hash="0" * 64, status="published", published_at=STAMP)
    session.add(plan)
    session.flush()
    task = Task(plan_id=plan.id, key="A1-T1", number="1", content="Báo cáo công tác cải cách hành chính định kỳ",
                deadline_text="Định kỳ hằng Quý")
    session.add(task)
    session.flush()
    session.add_all([Assignment(task_id=task.id, agency_id=noi_vu.id, role="lead", as_written="Sở Nội vụ"),
                     Assignment(task_id=task.id, agency_id=group.id, role="lead", as_written="UBND cấp huyện"),
                     Assignment(task_id=task.id, agency_id=tai_chinh.id, role="support", as_written="Sở Tài chính")])
    milestone = Milestone(task_id=task.id, key="m0", label="Báo cáo CCHC", kind="recurring",
                          source="Định kỳ hằng Quý", rrule="DTSTART:20250101\nRRULE:FREQ=MONTHLY;INTERVAL=3")
    session.add(milestone)
    session.flush()
    occurrences = [Occurrence(milestone_id=milestone.id, due=d, effective_due=d, period=f"quý {q}")
                   for q, d in zip(["I", "II", "III", "IV"], dues or QUARTER_DUES, strict=False)]
    session.add_all(occurrences)
    session.commit()
    return World(plan, task, milestone, occurrences, lead, head, support, zalo_person)


def seed_outbox(session: Session, world: World, count: int, fire_at: datetime) -> list[str]:
    """``count`` due email reminders, one per new contact of the lead agency; return their idempotency keys."""
    contacts = [Contact(name=f"Cán bộ {n:04d}", agency_id=world.lead.agency_id, email=f"cb{n:04d}@snv.example",
                        channels=["email"]) for n in range(count)]
    session.add_all(contacts)
    session.flush()
    occurrence = world.occurrences[0]
    keys = [f"seed:o{occurrence.id}:c{c.id}:email" for c in contacts]
    session.add_all([Reminder(idempotency_key=key, occurrence_id=occurrence.id, contact_id=c.id, channel="email",
                              kind="before", lead_days=3, fire_at=fire_at, status="pending", attempts=0,
                              payload={"version": 1, "due": occurrence.effective_due.isoformat()})
                     for key, c in zip(keys, contacts, strict=True)])
    session.commit()
    return keys
