"""Importing plans into SQLite and PostgreSQL: counts, idempotent re-imports, refused files leave no trace."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.agencies import AgencyDirectory
from ingest import read_plan
from ingest.store import store_plan
from models.agencies import Agency
from models.plans import Milestone, Plan, Task
from tests.support.data import SEEDS

ROOT = Path(__file__).resolve().parents[2]
COUNTS = {"000": 42, "001": 36, "002": 54, "003": 48, "004": 40}


def _seed(prefix: str) -> Path:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="module")
def directory() -> AgencyDirectory:
    return AgencyDirectory.load()


def _table_tasks(session: Session, plan_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Task).where(
        Task.plan_id == plan_id, Task.origin == "table", Task.cancelled_at.is_(None)))


def test_it_imports_every_seed_with_its_task_count(session, directory):
    for prefix, count in COUNTS.items():
        result = store_plan(session, read_plan(_seed(prefix)), directory)
        session.commit()
        assert result.created
        assert _table_tasks(session, result.plan_id) == count
    assert session.scalar(select(func.count()).select_from(Plan)) == 5
    assert session.scalar(select(func.count()).select_from(Agency).where(Agency.needs_review)) > 0


def test_it_changes_nothing_when_the_same_plan_is_imported_again(session, directory):
    draft = read_plan(_seed("004"))
    first = store_plan(session, draft, directory)
    session.commit()
    def stamps() -> tuple:
        return (session.execute(select(Plan.id, Plan.updated_at)).all(),
                session.execute(select(Task.id, Task.updated_at).order_by(Task.id)).all(),
                session.execute(select(Milestone.id, Milestone.sequence, Milestone.updated_at)
                                .order_by(Milestone.id)).all())

    before = stamps()
    again = store_plan(session, read_plan(_seed("004")), directory)
    session.commit()
    assert again.plan_id == first.plan_id and not again.changed
    assert stamps() == before


def test_it_keeps_ids_bumps_changed_and_cancels_removed_tasks(session, directory, tmp_path):
    text = _seed("004").read_text(encoding="utf-8")
    store_plan(session, read_plan(_seed("004")), directory)
    session.commit()
    tasks_before = {t.key: t.id for t in session.scalars(select(Task))}
    milestones_before = {m.id: (m.task.key, m.sequence, m.due) for m in session.scalars(select(Milestone))}
    edited = text.replace("\tTháng 12/2018.", "\tTháng 02/2019.", 1)  # task 1-1 gets a new deadline
    start = edited.index("\t2\n\tHướng dẫn chuyên môn, nghiệp vụ về theo dõi thi hành pháp luật")
    edited = edited[:start] + edited[edited.index("\n\n", start) + 2:]  # task 1-2 leaves the plan
    path = tmp_path / "004-edited.txt"
    path.write_text(edited, encoding="utf-8")

    result = store_plan(session, read_plan(path), directory)
    session.commit()

    assert (result.tasks_added, result.tasks_changed, result.tasks_cancelled) == (0, 1, 1)
    tasks = {t.key: t for t in session.scalars(select(Task))}
    assert {k: t.id for k, t in tasks.items()} == tasks_before  # nothing deleted, nothing renumbered
    assert tasks["1-2"].cancelled_at is not None and tasks["1-1"].cancelled_at is None
    milestones = {m.id: m for m in session.scalars(select(Milestone))}
    assert set(milestones) == set(milestones_before)
    for milestone_id, (task_key, sequence, due) in milestones_before.items():
        milestone = milestones[milestone_id]
        if task_key == "1-1":
            assert (milestone.due, milestone.sequence) == (date(2019, 2, 28), sequence + 1)
            assert [o.due for o in milestone.occurrences if o.status == "open"] == [date(2019, 2, 28)]
        elif task_key == "1-2":
            assert milestone.cancelled_at is not None
        else:
            assert (milestone.sequence, milestone.due, milestone.cancelled_at) == (sequence, due, None)


def test_it_recognises_a_plan_without_number_by_its_content(session, directory):
    first = store_plan(session, read_plan(_seed("000")), directory)
    session.commit()
    again = store_plan(session, read_plan(_seed("000")), directory)
    session.commit()
    assert first.plan_id == again.plan_id and not again.changed
    assert session.scalar(select(func.count()).select_from(Plan)) == 1


def _hanchot(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANCHOT_DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def _counts(db_url: str) -> tuple:
    from models.db import make_engine

    engine = make_engine(db_url)
    with Session(engine) as session:
        counts = tuple(session.scalar(select(func.count()).select_from(m)) for m in (Plan, Task, Agency))
    engine.dispose()
    return counts


@pytest.mark.slow
def test_it_refuses_bad_files_with_one_message_and_writes_nothing(migrated_url, tmp_path):
    db_url = migrated_url
    assert _hanchot(db_url, "import", str(_seed("004"))).returncode == 0
    before = _counts(db_url)
    bad = {"empty.docx": b"", "binary.docx": bytes(range(256)) * 8, "fake.pdf": b"not a pdf at all",
           "prose.txt": "KẾ HOẠCH\nKhông có bảng nào ở đây.\n".encode()}
    messages = []
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        run = _hanchot(db_url, "import", str(tmp_path / name))
        assert run.returncode == 2, run.stderr
        assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
        messages.append(run.stderr.strip())
    assert messages[0] == "hanchot: Tệp trống."
    assert messages[2] == "hanchot: Tệp không phải là tài liệu Word/PDF/văn bản hợp lệ."
    assert messages[3] == "hanchot: Không tìm thấy bảng nhiệm vụ trong tài liệu."
    assert _counts(db_url) == before


def test_it_stores_overlong_misread_cells_without_failing(session, directory):
    draft = read_plan(ROOT / "examples" / "ke-hoach-mau-2026.txt")
    draft.number = "15/KH-UBND " + "x" * 200
    first = draft.tasks[0]
    first.number, first.lead = "1" * 40, ["Bộ phận " * 60]
    result = store_plan(session, draft, directory)
    session.commit()
    task = session.scalars(select(Task).where(Task.plan_id == result.plan_id).order_by(Task.position)).first()
    assert task.number == "1" * 20
    lead = task.assignments[0]
    assert lead.as_written == "Bộ phận " * 60 and len(lead.agency.name) == 255 and lead.agency.needs_review
