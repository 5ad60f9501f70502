"""One plan per plan: identity read from the document, kept under concurrent imports, and the migration that added it.

Concurrency is tested for real: several `hanchot import` processes on the same folder at once, and threads
released together by a barrier, on SQLite and PostgreSQL; exactly one row per plan must come out.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from config.agencies import AgencyDirectory
from config.errors import UserError
from ingest import read_plan
from ingest.metadata import read_metadata
from ingest.store import store_plan
from ingest.text_layouts import read_text
from models.db import make_engine, session_factory, session_scope
from models.identity import plan_identity
from models.migrate import alembic_config, upgrade
from models.plans import Plan, Task
from tests.support.data import PLANS, SEEDS
from tests.support.render_docs import word_shaped, write_docx

ROOT = Path(__file__).resolve().parents[2]


def _hanchot(db_url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "HANCHOT_DATABASE_URL": db_url}
    return subprocess.Popen([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _plans(engine) -> list[tuple]:
    with Session(engine) as session:
        return session.execute(select(Plan.title, Plan.identity_key).order_by(Plan.id)).all()


@pytest.mark.parametrize(("opening", "number"), [
    (["Số: 2629/QĐ-TTg", "KẾ HOẠCH"], "2629/QĐ-TTg"),
    (["Số: 6225/BVHTTDL-VP"], "6225/BVHTTDL-VP"),
    (["PHỤ LỤC", "DANH MỤC", "(Kèm theo Nghị quyết số 394/NQ-CP ngày 03 tháng 12 năm 2025 của Chính phủ)"],
     "394/NQ-CP"),
    (["(Ban hành kèm theo Nghị quyết số 1339/NQ-UBTVQH15 ngày 28 tháng 12 năm 2024 của Uỷ ban thường vụ Quốc hội)"],
     "1339/NQ-UBTVQH15"),
    (["Số: 30c/NQ-CP"], "30c/NQ-CP"),
    (["Số: /QĐ-UBND"], None),
])
def test_it_reads_the_number_whole_whatever_its_suffix(opening, number):
    assert read_metadata(opening).number == number


def test_two_appendices_of_one_decision_are_two_plans_and_name_their_issuer():
    first, second = (read_plan(PLANS / f"{name}.txt", plan_year=2026)
                     for name in ("04-ttg-khong-khi-phan-cong", "05-ttg-khong-khi-du-an-uu-tien"))
    assert first.number == second.number == "2530/QĐ-TTg"
    assert first.issuer == "Thủ tướng Chính phủ"
    assert first.title.startswith("Phụ lục I: Bảng phân công") and second.title.startswith("Phụ lục II: Danh mục")
    identities = {plan_identity(d.number, d.issuer, d.title, d.plan_year) for d in (first, second)}
    assert len(identities) == 2


def test_a_plan_without_number_is_one_plan_in_text_and_word(session, tmp_path):
    directory = AgencyDirectory.load()
    [seed] = SEEDS.glob("002_*.txt")
    word = write_docx(word_shaped(read_text(seed.read_text(encoding="utf-8"), seed.name)), tmp_path / "hoang-phu.docx")
    from_text, from_word = read_plan(seed), read_plan(word)
    assert from_text.number is None and from_text.content_hash != from_word.content_hash
    first = store_plan(session, from_text, directory)
    again = store_plan(session, from_word, directory)
    session.commit()
    assert first.created and not again.created and again.plan_id == first.plan_id
    assert session.scalar(select(func.count()).select_from(Plan)) == 1


def test_the_admin_can_say_which_plan_an_upload_replaces(session):
    directory = AgencyDirectory.load()
    old = read_plan(next(SEEDS.glob("003_*.txt")))
    stored = store_plan(session, old, directory)
    renamed = copy.deepcopy(old)
    renamed.title, renamed.content_hash = "Kế hoạch CCHC năm 2024 (bản điều chỉnh)", "f" * 64
    replaced = store_plan(session, renamed, directory, replaces=stored.plan_id)
    session.commit()
    assert replaced.plan_id == stored.plan_id and not replaced.created
    plan = session.get(Plan, stored.plan_id)
    assert plan.title == renamed.title
    assert plan.identity_key == plan_identity(None, renamed.issuer, renamed.title, renamed.plan_year)
    with pytest.raises(UserError, match="Không có kế hoạch #999"):
        store_plan(session, renamed, directory, replaces=999)


def test_threads_storing_one_plan_at_once_make_one_plan(engine):
    directory = AgencyDirectory.load()
    drafts = [read_plan(path) for path in sorted(SEEDS.glob("*.txt"))]
    factory = session_factory(engine)
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            for draft in drafts:
                with session_scope(factory) as session:
                    store_plan(session, draft, directory)
        except BaseException as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    plans = _plans(engine)
    assert len(plans) == len(drafts) == len({key for _, key in plans})


@pytest.mark.slow
def test_processes_importing_one_folder_at_once_store_each_plan_once(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    processes = [_hanchot(db_url, "import", str(SEEDS), "--publish") for _ in range(3)]
    outcomes = [p.communicate(timeout=600) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [err[-500:] for _, err in outcomes]
    plans = _plans(engine)
    assert len(plans) == len(list(SEEDS.glob("*.txt"))) == 5
    assert all(key for _, key in plans)
    with Session(engine) as session:
        tasks = dict(session.execute(select(Plan.source_name, func.count()).join(Task).where(
            Task.origin == "table", Task.cancelled_at.is_(None)).group_by(Plan.source_name)).all())
        assert set(session.scalars(select(Plan.status))) == {"published"}
    assert tasks == {path.name: len(read_plan(path).tasks) for path in SEEDS.glob("*.txt")}
    engine.dispose()


def _plan_row(connection, plan_id: int, title: str, status: str = "draft") -> None:
    connection.execute(text(
        "INSERT INTO plans (id, number, title, issuer, plan_year, implements, source_name, content_hash, status, "
        "day_rules, warnings, created_at, updated_at) VALUES (:id, '15/KH-UBND', :title, 'UBND tỉnh Thanh Hóa', 2025, "
        "'[]', 'kh.txt', :hash, :status, '[]', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
        {"id": plan_id, "title": title, "hash": f"{plan_id:064x}", "status": status})


def _done_occurrence(connection, plan_id: int) -> None:
    connection.execute(text("INSERT INTO tasks (id, plan_id, key, origin, position, content, deadline_text, "
                            "updated_at) VALUES (:id, :id, '1-1', 'table', 0, 'Việc', '', CURRENT_TIMESTAMP)"),
                       {"id": plan_id})
    connection.execute(text("INSERT INTO milestones (id, task_id, key, position, kind, source, strict, warnings, "
                            "sequence, ad_hoc, updated_at) VALUES (:id, :id, 'm', 0, 'once', '', false, '[]', 0, "
                            "false, CURRENT_TIMESTAMP)"), {"id": plan_id})
    connection.execute(text("INSERT INTO occurrences (milestone_id, due, effective_due, status, sequence, "
                            "updated_at) VALUES (:id, '2025-03-31', '2025-03-31', 'done', 0, CURRENT_TIMESTAMP)"),
                       {"id": plan_id})


def _before_identity(engine) -> str:
    """The revision just before the identity migration (other migrations may come before it in the chain)."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_revision("0004_formats").down_revision


def test_the_migration_removes_duplicates_holding_nothing_of_their_own(db_url):
    engine = make_engine(db_url)
    upgrade(engine, _before_identity(engine))
    with engine.begin() as connection:
        _plan_row(connection, 1, "Kế hoạch A")
        _plan_row(connection, 2, "Kế hoạch A (bản 2)", status="published")  # same number, issuer and year
        _done_occurrence(connection, 2)
        _plan_row(connection, 3, "Kế hoạch A (bản 3)")
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id FROM plans")).scalars().all() == [2]
        assert connection.execute(text("SELECT count(*) FROM occurrences WHERE status = 'done'")).scalar() == 1
    command.downgrade(alembic_config(engine), _before_identity(engine))
    upgrade(engine)
    engine.dispose()


def test_the_migration_refuses_when_two_copies_hold_work_and_changes_nothing(db_url):
    engine = make_engine(db_url)
    upgrade(engine, _before_identity(engine))
    with engine.begin() as connection:
        for plan_id in (1, 2):
            _plan_row(connection, plan_id, f"Kế hoạch {plan_id}", status="published")
            _done_occurrence(connection, plan_id)
    with pytest.raises(UserError, match=r"#1 và #2 là cùng một kế hoạch.*hanchot db upgrade"):
        upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM plans")).scalar() == 2
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == _before_identity(engine)
    with engine.begin() as connection:  # the admin deletes one copy; the upgrade then goes through
        connection.execute(text("DELETE FROM plans WHERE id = 1"))
    upgrade(engine)
    engine.dispose()
