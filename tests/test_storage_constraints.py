"""The database itself refuses bad rows and cascades deletes, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import (
    Agency,
    Assignment,
    Contact,
    Delivery,
    Milestone,
    Occurrence,
    Plan,
    Reminder,
    Task,
)

FIRE_AT = datetime(2025, 3, 24, 1, 0, tzinfo=UTC)


def make_plan(session) -> Plan:
    """A published plan with one task, one milestone, one occurrence, a lead agency and its contact."""
    agency = Agency(name="Sở Nội vụ", level="tinh")
    contact = Contact(name="Nguyễn Văn A", agency=agency, email="a@snv.thanhhoa.gov.vn", channels=["email"])
    occurrence = Occurrence(due=date(2025, 3, 31), effective_due=date(2025, 3, 31), period="quý I")
    milestone = Milestone(key="0-q", kind="recurring", rrule="DTSTART:20250101\nRRULE:FREQ=MONTHLY;INTERVAL=3",
                          occurrences=[occurrence])
    task = Task(key="1-1", content="Báo cáo CCHC", milestones=[milestone],
                assignments=[Assignment(agency=agency, role="lead", as_written="Sở Nội vụ")])
    plan = Plan(number="4784/QĐ-UBND", title="Kế hoạch CCHC năm 2025", plan_year=2025, content_hash="0" * 64,
                tasks=[task])
    session.add_all([plan, contact])
    session.commit()
    return plan


def reminder(occurrence: Occurrence, contact: Contact, key: str) -> Reminder:
    return Reminder(idempotency_key=key, occurrence_id=occurrence.id, contact_id=contact.id, channel="email",
                    kind="before", lead_days=7, fire_at=FIRE_AT)


def test_it_refuses_a_second_reminder_with_the_same_idempotency_key(session):
    plan = make_plan(session)
    occurrence = plan.tasks[0].milestones[0].occurrences[0]
    contact = session.scalars(select(Contact)).one()
    session.add(reminder(occurrence, contact, "occ:1/contact:1/email/7"))
    session.commit()
    session.add(reminder(occurrence, contact, "occ:1/contact:1/email/7"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Reminder)) == 1


def test_it_refuses_a_task_of_a_plan_that_does_not_exist(session):
    session.add(Task(plan_id=999, key="x", content="?"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_it_refuses_a_status_outside_the_list(session):
    session.add(Plan(title="x", plan_year=2025, content_hash="1" * 64, status="archived"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_it_refuses_two_occurrences_of_a_milestone_on_the_same_day(session):
    milestone = make_plan(session).tasks[0].milestones[0]
    session.add(Occurrence(milestone_id=milestone.id, due=date(2025, 3, 31), effective_due=date(2025, 4, 1)))
    with pytest.raises(IntegrityError):
        session.commit()


def test_it_refuses_the_same_agency_twice_in_the_same_role(session):
    task = make_plan(session).tasks[0]
    agency = session.scalars(select(Agency)).one()
    session.add(Assignment(task_id=task.id, agency_id=agency.id, role="lead"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_it_deletes_everything_below_a_deleted_plan(session):
    plan = make_plan(session)
    occurrence = plan.tasks[0].milestones[0].occurrences[0]
    contact = session.scalars(select(Contact)).one()
    sent = reminder(occurrence, contact, "k")
    sent.deliveries = [Delivery(channel="email", status="sent")]
    session.add(sent)
    session.commit()
    session.delete(plan)
    session.commit()
    session.expunge_all()
    for model in (Task, Milestone, Occurrence, Assignment, Reminder, Delivery):
        assert session.scalar(select(func.count()).select_from(model)) == 0, model.__name__
    assert session.scalar(select(func.count()).select_from(Contact)) == 1


def test_it_cascades_in_the_database_not_only_in_the_orm(engine, session):
    make_plan(session)
    with engine.begin() as connection:
        connection.execute(Plan.__table__.delete())
    assert session.scalar(select(func.count()).select_from(Occurrence)) == 0


def test_it_refuses_to_delete_an_agency_that_still_has_assignments(engine, session):
    make_plan(session)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(Agency.__table__.delete())


def test_it_links_an_agency_to_its_head_contact_and_back(session):
    make_plan(session)
    agency = session.scalars(select(Agency)).one()
    head = Contact(name="Trần Thị B", agency=agency, is_head=True)
    agency.head_contact = head
    session.commit()
    session.expunge_all()
    agency = session.scalars(select(Agency)).one()
    assert agency.head_contact.name == "Trần Thị B"
    assert sorted(c.name for c in agency.contacts) == ["Nguyễn Văn A", "Trần Thị B"]


def test_it_expands_a_group_agency_to_its_members(session):
    group = Agency(name="UBND cấp xã", is_group=True)
    group.members = [Agency(name="UBND xã Hoàng Phú", level="xa"), Agency(name="UBND xã Đông Sơn", level="xa")]
    session.add(group)
    session.commit()
    session.expunge_all()
    group = session.scalars(select(Agency).where(Agency.is_group)).one()
    assert [m.name for m in group.members] == ["UBND xã Hoàng Phú", "UBND xã Đông Sơn"]


def test_it_bumps_the_sequence_when_a_milestone_or_occurrence_changes(session):
    milestone = make_plan(session).tasks[0].milestones[0]
    occurrence = milestone.occurrences[0]
    assert (milestone.sequence, occurrence.sequence) == (0, 0)
    milestone.label = "Báo cáo quý"
    occurrence.status = "done"
    session.commit()
    assert (milestone.sequence, occurrence.sequence) == (1, 1)
    session.commit()  # nothing changed: nothing bumped
    occurrence.effective_due = date(2025, 4, 1)
    session.commit()
    assert (milestone.sequence, occurrence.sequence) == (1, 2)
