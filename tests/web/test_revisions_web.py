"""Re-uploading a published plan through the web app: a revision, its diff page, publish, undo, unpublish."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from models import Agency, Assignment, Plan, PlanRevision, Task
from tests.support.data import SEEDS
from tests.web.conftest import csrf

[SEED] = SEEDS.glob("004_*.txt")
CHANGED = SEED.read_text(encoding="utf-8").replace("\tQuý I/2019.\n", "\tQuý II/2019.\n", 1)


def _upload(admin: TestClient, name: str, text: str, **fields: str):  # type: ignore[no-untyped-def]
    return admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/"), **fields},
                      files={"file": (name, text.encode(), "text/plain")})


def _task_html(page: str, task_id: int) -> str:
    return page.split(f'id="task-{task_id}"', 1)[1].split("</article>", 1)[0]


def _post(admin: TestClient, path: str):  # type: ignore[no-untyped-def]
    return admin.post(path, data={"csrf_token": csrf(admin, "/")})


def test_a_reupload_of_a_published_plan_is_reviewed_as_a_diff_then_published(admin: TestClient, db_session) -> None:
    first = _upload(admin, SEED.name, SEED.read_text(encoding="utf-8"))
    live_id = int(first.headers["location"].rsplit("/", 1)[1])
    assert _post(admin, f"/plans/{live_id}/publish").status_code == 303
    task = db_session.scalar(select(Task).where(Task.plan_id == live_id, Task.key == "1-6"))
    lead = next(a for a in task.assignments if a.role == "lead")
    other = Agency(name="Phòng Văn bản, Sở Tư pháp")
    db_session.add(other)
    db_session.commit()
    fixed = admin.post(f"/assignments/{lead.id}", data={"csrf_token": csrf(admin, "/"), "agency_id": str(other.id)})
    assert fixed.status_code == 303

    second = _upload(admin, "4784-sua-doi.txt", CHANGED)
    assert second.status_code == 303 and re.fullmatch(r"/plans/\d+/revision", second.headers["location"])
    page = admin.get(second.headers["location"]).text
    assert "Thêm 0, sửa 1, bỏ 0 nhiệm vụ" in page
    assert "Quý I/2019." in page and "Quý II/2019." in page and "01/04/2019" in page and "01/07/2019" in page
    assert f'href="/plans/{live_id}#task-{task.id}"' in page
    assert "Giữ nguyên" in page and "Phòng Văn bản, Sở Tư pháp (chọn tay)" in page
    live_page = admin.get(f"/plans/{live_id}").text
    assert "Có bản sửa đổi đang chờ ban hành" in live_page
    assert "01/04/2019" in _task_html(live_page, task.id) and "01/07/2019" not in _task_html(live_page, task.id)
    listing = admin.get("/plans").text
    assert listing.count(f'href="/plans/{live_id}"') == 1 and "có bản sửa đổi" in listing

    revision_id = int(second.headers["location"].split("/")[2])
    assert [p["id"] for p in admin.get("/api/plans").json()] == [live_id], "a revision is not a plan of its own"
    assert f'href="/plans/{revision_id}"' not in admin.get("/").text
    published = _post(admin, f"/plans/{revision_id}/revision/publish")
    assert published.headers["location"] == f"/plans/{live_id}"
    live_page = admin.get(f"/plans/{live_id}").text
    assert "01/07/2019" in _task_html(live_page, task.id) and "Hoàn tác bản sửa đổi vừa ban hành" in live_page
    db_session.expire_all()
    assert db_session.get(Plan, revision_id) is None
    kept = db_session.scalar(select(Assignment).where(Assignment.id == lead.id))
    assert kept.agency_id == other.id and kept.manual

    assert _post(admin, f"/plans/{live_id}/undo").status_code == 303
    assert "01/04/2019" in _task_html(admin.get(f"/plans/{live_id}").text, task.id)
    assert _post(admin, f"/plans/{live_id}/unpublish").status_code == 303
    db_session.expire_all()
    assert db_session.get(Plan, live_id).status == "draft"
    assert _post(admin, f"/plans/{live_id}/unpublish").status_code == 400


def test_the_upload_form_can_name_the_plan_a_file_replaces(admin: TestClient, db_session) -> None:
    first = _upload(admin, SEED.name, SEED.read_text(encoding="utf-8"))
    live_id = int(first.headers["location"].rsplit("/", 1)[1])
    form = admin.get("/plans/upload").text
    assert "Thay thế kế hoạch…" in form and f'<option value="{live_id}">' in form
    renumbered = CHANGED.replace("4784/QĐ-UBND", "4790/QĐ-UBND")
    again = _upload(admin, "so-moi.txt", renumbered, replaces=str(live_id))
    assert again.headers["location"] == f"/plans/{live_id}"
    db_session.expire_all()
    assert [p.number for p in db_session.scalars(select(Plan))] == ["4790/QĐ-UBND"]
    assert db_session.scalar(select(PlanRevision)) is None
    refused = _upload(admin, "so-moi.txt", renumbered, replaces="9999", plan_year="2019")
    assert refused.status_code == 400 and "Không có kế hoạch #9999 để thay thế." in refused.text
    assert 'value="2019"' in refused.text, "the typed year is kept"
