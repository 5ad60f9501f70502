"""The admin's agency pages show each agency's unit; names are unique within a unit, not across units."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from models import Agency, Assignment, AuditLog, Unit
from tests.web.conftest import csrf


def _units(db_session) -> tuple[Unit, Unit, Unit]:  # type: ignore[no-untyped-def]
    province = Unit(key="tinh-thanh-hoa", name="tỉnh Thanh Hóa", kind="tinh")
    thieu_van = Unit(key="xa-thieu-van", name="xã Thiệu Vân", kind="xa", parent=province)
    hoang_phu = Unit(key="xa-hoang-phu", name="xã Hoàng Phú", kind="xa", parent=province)
    db_session.add_all([province, thieu_van, hoang_phu])
    db_session.commit()
    return province, thieu_van, hoang_phu


def test_it_shows_the_unit_of_each_agency_on_the_list_and_on_its_page(admin: TestClient, db_session) -> None:
    _, thieu_van, hoang_phu = _units(db_session)
    db_session.add_all([Agency(name="Công an xã", unit=thieu_van), Agency(name="Công an xã", unit=hoang_phu)])
    db_session.commit()
    listing = admin.get("/agencies?q=công an").text
    assert listing.count(">Công an xã</a>") == 2
    assert "<td>xã Thiệu Vân</td>" in listing and "<td>xã Hoàng Phú</td>" in listing
    police = db_session.scalar(select(Agency).where(Agency.unit == hoang_phu))
    page = admin.get(f"/agencies/{police.id}").text
    assert "Đơn vị: xã Hoàng Phú" in page
    assert f'<option value="{hoang_phu.id}" selected>xã Hoàng Phú</option>' in page


def test_it_creates_an_agency_in_a_unit_and_refuses_the_same_name_twice_in_one_unit(admin: TestClient,
                                                                                   db_session) -> None:
    province, thieu_van, hoang_phu = _units(db_session)
    for unit in (thieu_van, hoang_phu):
        response = admin.post("/agencies", data={"csrf_token": csrf(admin, "/"), "name": "Bộ phận một cửa",
                                                 "unit_id": str(unit.id), "level": "xa"})
        assert response.status_code == 303
    again = admin.post("/agencies", data={"csrf_token": csrf(admin, "/"), "name": "Bộ phận một cửa",
                                          "unit_id": str(thieu_van.id), "level": "xa"})
    assert again.status_code == 400 and "Đã có cơ quan tên" in again.text and "trong xã Thiệu Vân." in again.text
    bad = admin.post("/agencies", data={"csrf_token": csrf(admin, "/"), "name": "X", "unit_id": "999999"})
    assert bad.status_code == 400 and "Đơn vị không hợp lệ." in bad.text
    made = admin.post("/agencies", data={"csrf_token": csrf(admin, "/"), "name": "Sở Ngoại vụ", "level": "tinh"})
    assert made.status_code == 303
    db_session.expire_all()
    rows = db_session.scalars(select(Agency).where(Agency.name == "Bộ phận một cửa")).all()
    assert sorted(a.unit.name for a in rows) == ["xã Hoàng Phú", "xã Thiệu Vân"]
    assert db_session.scalar(select(Agency).where(Agency.name == "Sở Ngoại vụ")).unit_id == province.id


def test_it_moves_an_agency_to_another_unit_and_audits_it(admin: TestClient, db_session) -> None:
    _, thieu_van, hoang_phu = _units(db_session)
    office = Agency(name="Đài truyền thanh xã", unit=thieu_van)
    db_session.add(office)
    db_session.commit()
    response = admin.post(f"/agencies/{office.id}", data={"csrf_token": csrf(admin, "/"), "name": office.name,
                                                          "unit_id": str(hoang_phu.id), "reviewed": "1"})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Agency, office.id).unit_id == hoang_phu.id
    audit = db_session.scalar(select(AuditLog).where(AuditLog.action == "agency.update"))
    assert (audit.before["unit_id"], audit.after["unit_id"]) == (thieu_van.id, hoang_phu.id)


def test_the_review_page_shows_an_assignments_note_and_its_agencys_unit(admin: TestClient, world,
                                                                         db_session) -> None:
    province, _, _ = _units(db_session)
    assignment = db_session.scalar(select(Assignment).where(Assignment.agency_id == world.noi_vu.id,
                                                            Assignment.role == "support"))
    assignment.note = "nếu có"
    db_session.get(Agency, world.noi_vu.id).unit_id = province.id
    db_session.commit()
    page = admin.get(f"/plans/{world.plan.id}").text
    assert "Sở Nội vụ" in page and "— ghi chú: nếu có" in page and "· tỉnh Thanh Hóa" in page
