"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

import subprocess
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import models
from models.db import make_engine
from models.migrate import alembic_config, current_revision, head_revision, upgrade

ROOT = Path(__file__).resolve().parents[1]


def schema_drift(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, models.Base.metadata)


def test_it_migrates_an_empty_database_to_head(db_url):
    engine = make_engine(db_url)
    before, after = upgrade(engine)
    assert (before, after) == (None, head_revision())
    assert set(inspect(engine).get_table_names()) == set(models.Base.metadata.tables) | {"alembic_version"}
    engine.dispose()


def test_it_leaves_no_drift_between_models_and_migrations(engine):
    assert schema_drift(engine) == []


def test_it_downgrades_to_nothing_and_upgrades_again(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert schema_drift(engine) == []
    engine.dispose()


def test_it_upgrades_twice_without_doing_anything_the_second_time(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    assert upgrade(engine) == (head_revision(), head_revision())
    engine.dispose()


def test_it_creates_the_partial_index_on_pending_reminders(engine, backend):
    index = next(i for i in inspect(engine).get_indexes("reminders") if i["name"] == "ix_reminders_pending_fire_at")
    assert index["column_names"] == ["fire_at"]
    where = index["dialect_options"][f"{backend}_where"]
    assert "status" in str(where) and "pending" in str(where)


def test_it_names_constraints_the_same_on_both_backends(engine):
    inspector = inspect(engine)
    assert {fk["name"] for fk in inspector.get_foreign_keys("agencies")} == {
        "fk_agencies_parent_id_agencies", "fk_agencies_head_contact_id_contacts", "fk_agencies_unit_id_units"}
    assert [u["name"] for u in inspector.get_unique_constraints("agencies")] == ["uq_agencies_unit_id_name"]
    assert {c["name"] for c in inspector.get_check_constraints("agencies")} == {"ck_agencies_level"}
    assert [u["name"] for u in inspector.get_unique_constraints("reminders")] == ["uq_reminders_idempotency_key"]
    assert {c["name"] for c in inspector.get_check_constraints("reminders")} == {
        "ck_reminders_channel", "ck_reminders_kind", "ck_reminders_status"}


def test_it_runs_the_alembic_command_from_any_directory(db_url, tmp_path):
    alembic = [str(ROOT / ".venv" / "bin" / "alembic"), "-c", str(ROOT / "alembic.ini"), "-x", f"url={db_url}"]
    for args in (["upgrade", "head"], ["check"]):
        result = subprocess.run([*alembic, *args], capture_output=True, text=True, cwd=tmp_path, timeout=60)
        assert result.returncode == 0, result.stderr
    assert "No new upgrade operations detected" in result.stdout + result.stderr
