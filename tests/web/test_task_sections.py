"""The task page and the JSON API show a task's section and the columns of its table that have no role."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from config.agencies import AgencyDirectory
from ingest import build_plan
from ingest.store import store_plan
from ingest.text_layouts import read_text
from models.plans import Plan, Task
from tests.support.render_docs import grid_text


def _stored(session: Session) -> Task:
    blocks = ["KẾ HOẠCH", "Chuyển đổi số năm 2026",
              [["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn", "Nguồn kinh phí"], ["B", "KINH TẾ SỐ", "", "", ""],
               ["1", "Phát triển thương mại điện tử.", "Sở Công Thương", "Năm 2026", "Ngân sách tỉnh"]]]
    result = store_plan(session, build_plan(read_text(grid_text(blocks), "kh.txt"), plan_year=2026),
                        AgencyDirectory.load())
    session.get_one(Plan, result.plan_id).status = "published"
    session.commit()
    return session.query(Task).filter_by(plan_id=result.plan_id).one()


def test_the_task_page_shows_the_section_and_the_extra_columns(client: TestClient, db_session: Session) -> None:
    task = _stored(db_session)
    page = client.get(f"/tasks/{task.id}")
    assert page.status_code == 200
    assert "Mục B" in page.text
    assert "Nguồn kinh phí:</strong> Ngân sách tỉnh" in page.text


def test_the_api_gives_the_section_and_the_extra_columns(admin: TestClient, db_session: Session) -> None:
    task = _stored(db_session)
    [got] = admin.get(f"/api/plans/{task.plan_id}").json()["tasks"]
    assert (got["section"], got["extra"]) == ("B", {"Nguồn kinh phí": "Ngân sách tỉnh"})
