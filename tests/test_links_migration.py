"""Migration 0008_links: ``milestones.cited_key`` filled from the stored reference for the rows already there,
dropped on downgrade without touching the rest (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from models import Milestone, Plan, Task
from models.migrate import alembic_config, upgrade


def test_it_fills_the_cited_number_of_existing_milestones_and_drops_it_on_downgrade(engine) -> None:
    upgrade(engine, "head")
    with Session(engine) as session:
        plan = Plan(title="Kế hoạch trích dẫn", plan_year=2026, content_hash="x" * 64, status="published")
        task = Task(plan=plan, key="t1", number="1", content="Triển khai theo lộ trình", deadline_text="")
        task.milestones = [
            Milestone(key="m1", kind="by_reference", source="Theo lộ trình Kế hoạch số 220/KH-UBND",
                      reference={"text": "Theo lộ trình", "document": {"number": "220 / KH-UBND"}}),
            Milestone(key="m2", kind="once", source="Trước 31/12/2026")]
        session.add(plan)
        session.commit()
    command.downgrade(alembic_config(engine), "0007_delivery")
    assert "cited_key" not in {c["name"] for c in sa.inspect(engine).get_columns("milestones")}
    upgrade(engine, "head")
    with engine.connect() as connection:
        keys = dict(connection.execute(sa.text("SELECT key, cited_key FROM milestones")).all())
    assert keys == {"m1": "220/kh-ubnd", "m2": None}
