"""The JSON API (bearer token or admin session) and plan uploads, including the refused ones."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from models import Occurrence, Plan, Reminder, Task, utcnow
from tests.support.data import SEEDS
from tests.web.conftest import csrf
from web.api_auth import issue
from web.importing import NOT_ALLOWED

ROOT = Path(__file__).resolve().parents[2]
SEED_000 = SEEDS / "000_7ac37e54dd30bcb3.txt"


def _bearer(db_session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, token = issue(db_session, "tests", "test", utcnow())
    db_session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_it_serves_the_openapi_schema_to_callers_only_and_refuses_anonymous_api_calls(client: TestClient,
                                                                                     db_session) -> None:
    assert client.get("/api/openapi.json").status_code == 401 and client.get("/api/docs").status_code == 401
    schema = client.get("/api/openapi.json", headers=_bearer(db_session)).json()
    assert "/api/occurrences/{occurrence_id}/done" in schema["paths"]
    docs = client.get("/api/docs", headers=_bearer(db_session))
    assert docs.status_code == 200 and "POST /api/occurrences/{occurrence_id}/done" in docs.text
    assert "cdn" not in docs.text.lower() and "<script" not in docs.text
    assert client.get("/api/plans").status_code == 401
    assert client.get("/api/plans", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_it_lists_plans_agencies_and_occurrences_with_a_bearer_token(client: TestClient, world,
                                                                     db_session) -> None:
    headers = _bearer(db_session)
    assert {p["number"] for p in client.get("/api/plans", headers=headers).json()} == {"123/KH-UBND", "9/KH-UBND"}
    detail = client.get(f"/api/plans/{world.plan.id}", headers=headers).json()
    assert [t["key"] for t in detail["tasks"]] == ["1-1", "1-2"]
    assert detail["tasks"][0]["milestones"][0]["occurrences"][0]["due"] == world.soon.due.isoformat()
    assert "Sở Tư pháp" in {a["name"] for a in client.get("/api/agencies", headers=headers).json()}
    mine = client.get(f"/api/occurrences?agency_id={world.tu_phap.id}", headers=headers).json()
    assert {o["id"] for o in mine} == {world.soon.id, world.overdue.id}
    assert client.get("/api/occurrences?start=not-a-date", headers=headers).status_code == 422


def test_it_marks_an_occurrence_done_through_the_api(client: TestClient, world, db_session) -> None:
    response = client.post(f"/api/occurrences/{world.soon.id}/done", headers=_bearer(db_session))
    assert response.status_code == 200 and response.json()["status"] == "done"
    db_session.expire_all()
    assert db_session.get(Reminder, world.reminder.id).status == "cancelled"
    assert client.post("/api/occurrences/999999/done", headers=_bearer(db_session)).status_code == 404


def test_it_requires_the_csrf_header_for_api_posts_from_the_admin_session(admin: TestClient, world,
                                                                          db_session) -> None:
    assert admin.get("/api/plans").status_code == 200
    refused = admin.post(f"/api/occurrences/{world.soon.id}/done")
    assert refused.status_code == 403
    db_session.expire_all()
    assert db_session.get(Occurrence, world.soon.id).status == "open"
    accepted = admin.post(f"/api/occurrences/{world.soon.id}/done", headers={"X-CSRF-Token": csrf(admin, "/")})
    assert accepted.status_code == 200


def _plans(session) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Plan))


def test_it_refuses_non_documents_and_oversized_files_storing_nothing(admin: TestClient, db_session) -> None:
    cases = [("virus.exe", b"MZ\x90\x00binary", NOT_ALLOWED),
             ("plan.txt", b"\x00\x01\x02binary\x00", "Tệp không phải là tài liệu Word/PDF/văn bản hợp lệ."),
             ("plan.docx", b"PK\x03\x04 not really a zip", "Tệp không phải là tài liệu Word/PDF/văn bản hợp lệ."),
             ("big.txt", b"a" * (30 * 1024 * 1024), "Tệp lớn hơn 20 MB."),
             ("empty.md", b"", "Tệp trống."),
             ("kế hoạch " * 40 + ".txt", b"KE HOACH", "Tên tệp dài quá")]  # 500 before: the name was too long to save
    for name, data, message in cases:
        response = admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/")}, files={"file": (name, data)})
        assert response.status_code == 400 and message in response.text, name
    missing = admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/")})
    assert missing.status_code == 400 and "Vui lòng chọn một tệp kế hoạch." in missing.text
    assert _plans(db_session) == 0


def test_it_imports_seed_000_as_a_draft_and_shows_the_review_page(admin: TestClient, db_session) -> None:
    response = admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/")},
                          files={"file": (SEED_000.name, SEED_000.read_bytes(), "text/plain")})
    assert response.status_code == 303, response.text
    plan = db_session.scalar(select(Plan))
    assert plan.status == "draft"
    tables = select(func.count()).select_from(Task).where(Task.plan_id == plan.id, Task.origin == "table")
    assert db_session.scalar(tables) == 42  # plus the obligations of "TỔ CHỨC THỰC HIỆN"
    review = admin.get(response.headers["location"])
    assert "Chậm nhất trong Quý I/2025" in review.text and "31/03/2025" in review.text
    again = admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/")},
                       files={"file": (SEED_000.name, SEED_000.read_bytes(), "text/plain")})
    assert again.status_code == 303 and _plans(db_session) == 1  # the same document updates in place
    assert "Thay đổi so với lần nhập trước" in admin.get(again.headers["location"]).text
