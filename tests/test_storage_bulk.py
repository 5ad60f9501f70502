"""models.bulk stores exactly what a Core insert stores, on both databases, defaults and JSON null included."""

from datetime import UTC, date, datetime

from sqlalchemy import insert, select, text

from models import Milestone, Plan, Reminder, Task
from models.bulk import insert_rows


def raw(connection, table: str, key: str) -> dict:
    """The stored row as text, as the database itself shows it (id and defaults in time left out)."""
    row = connection.execute(text(f"SELECT * FROM {table} WHERE key = :key"), {"key": key}).mappings().one()
    timed = ("id", "key", "updated_at", "changed_at")
    return {k: (None if v is None else str(v)) for k, v in row.items() if k not in timed}


def test_it_stores_what_a_core_insert_stores(session):
    plan = Plan(title="Kế hoạch", plan_year=2026, content_hash="c" * 64)
    session.add(plan)
    session.flush()
    task = Task(plan_id=plan.id, key="T1", content="Báo cáo")
    session.add(task)
    session.flush()
    values = {"task_id": task.id, "position": 2, "label": "Báo cáo quý “I”", "kind": "recurring",
              "due": date(2026, 3, 31), "start": None, "rrule": "DTSTART:20260101\nRRULE:FREQ=MONTHLY;INTERVAL=3",
              "ad_hoc": True, "event": None, "reference": None, "source": "Định kỳ hằng quý", "strict": False,
              "warnings": ["Không rõ “hạn”"], "cancelled_at": datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)}
    connection = session.connection()
    connection.execute(insert(Milestone.__table__), [{**values, "key": "core"}])
    assert insert_rows(connection, Milestone.__table__, [{**values, "key": "bulk"}]) == 1
    assert raw(connection, "milestones", "bulk") == raw(connection, "milestones", "core")
    bulk = session.scalars(select(Milestone).where(Milestone.key == "bulk")).one()
    assert bulk.warnings == ["Không rõ “hạn”"] and bulk.reference is None and bulk.sequence == 0
    assert bulk.updated_at.tzinfo is UTC and bulk.cancelled_at == values["cancelled_at"]


def test_it_returns_the_new_ids_and_skips_conflicts(session):
    from models.bulk import insert_rows_returning

    plan = Plan(title="Kế hoạch", plan_year=2026, content_hash="d" * 64)
    session.add(plan)
    session.flush()
    connection = session.connection()
    rows = [{"plan_id": plan.id, "key": f"T{n}", "content": f"Việc {n}"} for n in range(600)]  # several statements
    returned = insert_rows_returning(connection, Task.__table__, rows, ("key", "id"))
    stored = dict(connection.execute(select(Task.key, Task.id).where(Task.plan_id == plan.id)).all())
    assert dict(returned) == stored and len(stored) == 600
    again = insert_rows_returning(connection, Task.__table__, [rows[0], {**rows[0], "key": "T600"}], ("key",),
                                  skip_conflicts_on=("plan_id", "key"))
    assert [tuple(r) for r in again] == [("T600",)]


def test_it_skips_conflicting_rows_and_counts_only_the_inserted(session):
    from tests.scheduler.world import build_world

    world = build_world(session)
    row = {"idempotency_key": "k1", "occurrence_id": world.occurrences[0].id, "contact_id": world.lead.id,
           "channel": "email", "kind": "before", "lead_days": 3, "status": "pending", "attempts": 0,
           "permanent_failure": False, "fire_at": datetime(2026, 3, 20, 1, tzinfo=UTC),
           "payload": {"due": "2026-03-31", "tên": "Sở Nội vụ"}}
    connection = session.connection()
    assert insert_rows(connection, Reminder.__table__, [row, {**row, "idempotency_key": "k2"}],
                       skip_conflicts_on=["idempotency_key"]) == 2
    assert insert_rows(connection, Reminder.__table__, [row, {**row, "idempotency_key": "k3"}],
                       skip_conflicts_on=["idempotency_key"]) == 1
    stored = session.scalars(select(Reminder).order_by(Reminder.idempotency_key)).all()
    assert [r.idempotency_key for r in stored] == ["k1", "k2", "k3"]
    assert stored[0].payload == row["payload"] and stored[0].fire_at == row["fire_at"]
    assert stored[0].created_at is not None and stored[0].next_attempt_at is None
