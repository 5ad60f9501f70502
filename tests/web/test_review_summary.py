"""The review page's summary and filter on a real plan: seed 001, whose rows were read from a flattened PDF table."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from models import Plan, Task
from tests.support.data import SEEDS, UNSEEN
from tests.web.conftest import csrf
from web.review_summary import task_label

[SEED] = SEEDS.glob("001_*.txt")



@pytest.fixture
def web_db_url(engine) -> str:  # type: ignore[no-untyped-def]
    """Every test here runs on SQLite and on PostgreSQL (the ``backend`` parameter of tests/conftest.py)."""
    return engine.url.render_as_string(hide_password=False)

def _uploaded(admin: TestClient) -> int:
    response = admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/plans/upload")},
                          files={"file": (SEED.name, SEED.read_bytes(), "text/plain")})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _articles(page: str) -> dict[int, str]:
    return {int(i): body for i, body in re.findall(r'<article [^>]*id="task-(\d+)"[^>]*>(.*?)</article>', page, re.S)}


def test_each_reader_warning_sits_on_its_own_task_and_the_filter_lists_only_those(admin: TestClient,
                                                                                  db_session) -> None:
    plan_id = _uploaded(admin)
    plan = db_session.get(Plan, plan_id)
    row_warnings = [w for w in plan.warnings if "(TT " in w]
    assert len(row_warnings) == 8 and sum("(TT 2:" in w for w in row_warnings) == 3

    full = admin.get(f"/plans/{plan_id}").text
    top = full.split('<article', 1)[0]
    assert not any(w in top for w in row_warnings), "a row's warning stayed at the top"
    articles = _articles(full)
    holders = {i for i, body in articles.items() if "Hàng đọc từ bảng PDF bị dàn phẳng" in body}
    assert not any("(TT " in body for body in articles.values())  # the row reference is the task itself
    assert len(holders) == 8  # the three "TT 2" rows told apart by their content, and the row without a number
    filtered = admin.get(f"/plans/{plan_id}?can_kiem_tra=1").text
    flagged = set(_articles(filtered))
    assert holders <= flagged < set(articles)
    assert re.search(rf'<strong class="flagged-count">{len(flagged)}</strong>', filtered)
    table_only = set(_articles(admin.get(f"/plans/{plan_id}?can_kiem_tra=1&loai=table").text))
    assert holders <= table_only <= flagged


def test_tasks_with_the_same_number_get_labels_of_their_own_cut_at_a_word(admin: TestClient, db_session) -> None:
    plan_id = _uploaded(admin)
    tasks = db_session.scalars(select(Task).where(Task.plan_id == plan_id)).all()
    labels = [task_label(t) for t in tasks]
    assert len(set(labels)) == len(labels)
    twos = [label for label, t in zip(labels, tasks, strict=True) if t.number == "2"]
    assert len(twos) >= 3 and all(" · TT 2 — " in label for label in twos)
    for label in labels:
        content = label.split(" — ", 1)[1]
        assert len(content) <= 71 and (not content.endswith("…") or content[-2] != " ")


def test_a_deadline_read_from_the_task_text_is_flagged_on_its_task_for_review(admin: TestClient, db_session) -> None:
    """A hand-made province plan whose three rows without a deadline cell write it in the task itself."""
    plan_file = UNSEEN / "u10-tinh-thanh-hoa-ha-tang-so-2026.txt"
    response = admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/plans/upload")},
                          files={"file": (plan_file.name, plan_file.read_bytes(), "text/plain")})
    assert response.status_code == 303, response.text
    plan_id = int(response.headers["location"].rsplit("/", 1)[1])
    tasks = db_session.scalars(select(Task).where(Task.plan_id == plan_id)).all()
    from_text = {t.id for t in tasks if any("đọc từ nội dung nhiệm vụ" in w for m in t.milestones
                                            for w in m.warnings or [])}
    assert len(from_text) == 3
    reading = _articles(admin.get(f"/plans/{plan_id}?can_kiem_tra=1&loai=reading").text)
    assert from_text <= set(reading)
    assert all("đọc từ nội dung nhiệm vụ" in reading[i] for i in from_text)
