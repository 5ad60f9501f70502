"""The dates migration keeps every row, up and down, on SQLite and PostgreSQL (no table is copied: on SQLite a
copy of milestones would cascade-delete the occurrences, reminders and deliveries under it)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from models.db import make_engine
from models.migrate import alembic_config, head_revision, upgrade

BEFORE = "0005_reader"


def test_the_dates_migration_keeps_occurrences_and_reminders_both_ways(db_url):
    engine = make_engine(db_url)
    upgrade(engine, BEFORE)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO plans (id, number, title, plan_year, implements, source_name, content_hash, status, day_rules,"
            " warnings, created_at, updated_at) VALUES (1, '15/KH-UBND', 'Kế hoạch', 2026, '[]', 'kh.txt', 'h',"
            " 'published', '[]', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO tasks (id, plan_id, key, origin, position, content, deadline_text, "
                                "updated_at) VALUES (1, 1, '1-1', 'table', 0, 'Việc', '', '2026-01-05 03:00:00')"))
        connection.execute(text("INSERT INTO milestones (id, task_id, key, position, kind, source, strict, warnings, "
                                "sequence, ad_hoc, updated_at) VALUES (1, 1, 'm', 0, 'once', '', false, '[]', 2, "
                                "false, '2026-01-05 03:00:00')"))
        connection.execute(text("INSERT INTO occurrences (id, milestone_id, due, effective_due, status, sequence, "
                                "updated_at) VALUES (1, 1, '2026-01-02', '2026-01-05', 'done', 1, "
                                "'2026-01-06 04:00:00')"))
        connection.execute(text("INSERT INTO contacts (id, name, channels, is_focal_point, is_head, receive_support,"
                                " digest, active, created_at) VALUES (1, 'An', '[]', false, false, false, false, true,"
                                " CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO reminders (idempotency_key, occurrence_id, contact_id, channel, kind, "
                                "fire_at, status, attempts, permanent_failure, payload, created_at) VALUES ('k', 1, 1, "
                                "'email', 'due', CURRENT_TIMESTAMP, 'sent', 1, false, '{}', CURRENT_TIMESTAMP)"))
    assert upgrade(engine) == (BEFORE, head_revision())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM reminders")).scalar() == 1
        stamp = connection.execute(text("SELECT changed_at FROM occurrences WHERE id = 1")).scalar()
        assert str(stamp).startswith("2026-01-06 04:00:00")  # from its updated_at, not the migration's clock
        assert connection.execute(text("SELECT status FROM occurrences WHERE id = 1")).scalar() == "done"
    command.downgrade(alembic_config(engine), BEFORE)
    with engine.connect() as connection:
        counts = [connection.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("plans", "milestones", "occurrences", "reminders")]
    assert counts == [1, 1, 1, 1]
    upgrade(engine)
    engine.dispose()
