"""Uploads in the encodings offices still use are read; anything else is refused naming what was seen."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ingest.text_encodings import unreadable
from models import Plan, Task
from tests.support.data import SEEDS
from tests.support.legacy_text import to_cp1258, to_tcvn3, to_vni
from tests.web.conftest import csrf

[SEED] = SEEDS.glob("000_*.txt")
TEXT = SEED.read_text(encoding="utf-8")


def _upload(admin: TestClient, data: bytes):  # type: ignore[no-untyped-def]
    return admin.post("/plans/upload", data={"csrf_token": csrf(admin, "/")},
                      files={"file": ("ke-hoach.txt", data, "text/plain")})


@pytest.mark.parametrize(("encode", "named"), [
    (lambda t: t.encode("utf-8-sig"), None), (lambda t: b"\xff\xfe" + t.encode("utf-16-le"), "UTF-16 LE"),
    (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "UTF-16 BE"), (to_cp1258, "Windows-1258"),
    (to_vni, "VNI"), (to_tcvn3, "TCVN3 (ABC)")], ids=["utf8-bom", "utf16-le", "utf16-be", "1258", "vni", "tcvn3"])
def test_an_upload_in_an_office_encoding_is_read(admin: TestClient, db_session, encode, named) -> None:
    response = _upload(admin, encode(TEXT))
    assert response.status_code == 303, response.text
    plan = db_session.scalar(select(Plan))
    assert db_session.scalar(select(func.count()).select_from(Task).where(Task.plan_id == plan.id,
                                                                          Task.origin == "table")) == 42
    page = admin.get(response.headers["location"]).text
    assert "Chậm nhất trong Quý I/2025" in page
    if named:
        assert f"Tệp văn bản dùng bảng mã {named}: đã chuyển sang Unicode." in page


@pytest.mark.parametrize(("data", "seen"), [
    ("Kế hoạch".encode("utf-32"), "UTF-32"),
    ("計画の実施について、各部署は報告する".encode("shift_jis"), "không xác định, không phải tiếng Việt")])
def test_an_upload_in_another_encoding_is_refused_naming_it(admin: TestClient, db_session, data, seen) -> None:
    response = _upload(admin, data)
    assert response.status_code == 400 and unreadable(seen) in response.text
    assert db_session.scalar(select(func.count()).select_from(Plan)) == 0
