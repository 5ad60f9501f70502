"""Units scoped to their commune: two communes' plans imported side by side never share an office or a deadline.

The plans are small and synthetic, written as the communes write theirs (tests/data/seeds 001 and 002): the same
generic names ("Công an xã", "Công chức chuyên môn", "Bộ phận một cửa") in each commune's own plan.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.agencies import AgencyDirectory
from ingest import read_plan
from ingest.store import store_plan
from models import Agency, AgencyGroupMember, Assignment, Task, Unit
from models.responsibility import (
    agencies_of_unit,
    agency_reaches_task,
    task_agency_ids,
    tasks_of_agency,
    tasks_of_unit,
)

HEADER = "TT\tNội dung thực hiện\tSản phẩm/Kết quả\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành"
ROWS = [
    ("Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch.", "Công chức Tư pháp - Hộ tịch",
     "Công chức chuyên môn", "Quý II/2026"),
    ("Bảo đảm an ninh trật tự tại bộ phận một cửa.", "Công an xã", "Bộ phận một cửa", "Thường xuyên"),
    ("Tuyên truyền cải cách hành chính.", "Công chức Văn hóa - Xã hội", "Các bộ phận chuyên môn", "Tháng 10/2026"),
    ("Tổng kết công tác cải cách hành chính năm 2026.", "Văn phòng HĐND và UBND xã", "Công an xã", "Tháng 12/2026"),
]


def _commune_plan(folder: Path, commune: str, number: str) -> Path:
    rows = "\n".join(f"{i}.\t{content}\tBáo cáo.\t{lead}\t{support}\t{due}"
                     for i, (content, lead, support, due) in enumerate(ROWS, 1))
    text = (f"ỦY BAN NHÂN DÂN XÃ {commune.upper()}\n\nSố: {number}/KH-UBND\n\n{commune}, ngày 05 tháng 01 năm 2026"
            f"\n\nKẾ HOẠCH\nCải cách hành chính trên địa bàn xã {commune} năm 2026\n\n"
            f"UBND xã {commune} ban hành kế hoạch cải cách hành chính như sau:\n\n"
            f"Phụ lục số 01: Các nhiệm vụ trọng tâm\n\n{HEADER}\n{rows}\n")
    path = folder / f"ke-hoach-{number}.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def communes(session: Session, tmp_path: Path) -> dict[str, int]:
    """Thiệu Vân's, Hoàng Phú's and Quảng Yên's plans (the last commune not in the directory), stored: plan ids."""
    directory = AgencyDirectory.load()
    plans = {}
    for commune, number in (("Thiệu Vân", "21"), ("Hoàng Phú", "22"), ("Quảng Yên", "23")):
        plans[commune] = store_plan(session, read_plan(_commune_plan(tmp_path, commune, number)), directory).plan_id
    session.commit()
    return plans


def _agency(session: Session, name: str, unit: str) -> Agency:
    return session.scalars(select(Agency).join(Unit).where(Agency.name == name, Unit.key == unit)).one()


def _tasks(session: Session, plan_id: int) -> list[int]:
    return list(session.scalars(select(Task.id).where(Task.plan_id == plan_id).order_by(Task.position)))


def test_each_commune_has_its_own_police_office_and_one_the_directory_lacks_is_made_in_that_commune(session,
                                                                                                    communes):
    thieu_van = _agency(session, "Công an xã", "xa-thieu-van")
    hoang_phu = _agency(session, "Công an xã", "xa-hoang-phu")
    quang_yen = _agency(session, "Công an xã", "xa-quang-yen")
    assert len({thieu_van.id, hoang_phu.id, quang_yen.id}) == 3
    assert (thieu_van.needs_review, hoang_phu.needs_review, quang_yen.needs_review) == (False, False, True)
    assert quang_yen.unit.name == "xã Quảng Yên" and quang_yen.unit.parent.key == "tinh-thanh-hoa"
    # a name the directory does not know is the commune's own too
    one_stops = session.scalars(select(Agency).join(Unit).where(Agency.name == "Bộ phận một cửa")).all()
    assert sorted(a.unit.key for a in one_stops) == ["xa-hoang-phu", "xa-quang-yen", "xa-thieu-van"]


def test_a_communes_group_holds_that_communes_offices_only(session, communes):
    for unit in ("xa-thieu-van", "xa-hoang-phu"):
        group = _agency(session, "Công chức chuyên môn", unit)  # "Các bộ phận chuyên môn" is the same group
        assert group.is_group and group.members
        assert {m.unit.key for m in group.members} == {unit}
    thieu_van = {m.name for m in _agency(session, "Công chức chuyên môn", "xa-thieu-van").members}
    assert {"Công an xã", "Công chức Tư pháp - Hộ tịch"} <= thieu_van
    assert "Trung tâm Phục vụ hành chính công" not in thieu_van  # Hoàng Phú's office
    pairs = session.execute(select(AgencyGroupMember.group_id, AgencyGroupMember.member_id)).all()
    units = dict(session.execute(select(Agency.id, Agency.unit_id)).all())
    assert all(units[g] == units[m] for g, m in pairs)  # no group of one commune holds another's office


def test_a_communes_police_reaches_its_own_deadlines_and_never_the_other_communes(session, communes):
    police = {c: _agency(session, "Công an xã", u).id for c, u in (("Thiệu Vân", "xa-thieu-van"),
                                                                    ("Hoàng Phú", "xa-hoang-phu"))}
    for commune, other in (("Thiệu Vân", "Hoàng Phú"), ("Hoàng Phú", "Thiệu Vân")):
        own, foreign = _tasks(session, communes[commune]), _tasks(session, communes[other])
        reached = set(session.scalars(tasks_of_agency(police[commune])))
        # lead of task 2, support of task 4, and through "Công chức chuyên môn" support of tasks 1 and 3
        assert reached == set(own)
        assert not reached & set(foreign)
        assert set(session.scalars(tasks_of_agency(police[commune], roles=("lead",)))) == {own[1]}
        assert agency_reaches_task(session, police[commune], own[1], roles=("lead",))
        assert not any(agency_reaches_task(session, police[commune], t) for t in foreign)
        assert police[commune] in task_agency_ids(session, own[0])  # a member of the group the task names
        assert police[other] not in task_agency_ids(session, own[0])


def test_a_units_agencies_and_tasks_stay_inside_the_unit(session, communes):
    for commune, unit in (("Thiệu Vân", "xa-thieu-van"), ("Hoàng Phú", "xa-hoang-phu"), ("Quảng Yên", "xa-quang-yen")):
        unit_id = session.scalars(select(Unit.id).where(Unit.key == unit)).one()
        assert set(session.scalars(tasks_of_unit(unit_id))) == set(_tasks(session, communes[commune]))
        agencies = agencies_of_unit(session, unit_id)
        assert session.scalars(select(Unit.key).join(Agency).where(Agency.id.in_(agencies))).unique().all() == [unit]


def test_a_province_plan_for_every_commune_reaches_each_communes_government(session, communes, tmp_path):
    rows = "1.\tBáo cáo cải cách hành chính.\tBáo cáo.\tUBND cấp xã\tSở Nội vụ\tQuý IV/2026\n"
    path = tmp_path / "tinh.txt"
    path.write_text("ỦY BAN NHÂN DÂN TỈNH THANH HÓA\n\nSố: 30/KH-UBND\n\nThanh Hóa, ngày 05 tháng 01 năm 2026\n\n"
                    "KẾ HOẠCH\nCải cách hành chính năm 2026\n\nPhụ lục số 01: Nhiệm vụ\n\n"
                    f"{HEADER}\n{rows}", encoding="utf-8")
    plan_id = store_plan(session, read_plan(path), AgencyDirectory.load()).plan_id
    session.commit()
    [task] = _tasks(session, plan_id)
    for unit in ("xa-thieu-van", "xa-hoang-phu"):
        government = session.scalars(select(Agency.id).join(Unit).where(Unit.key == unit, Agency.name.like("UBND%")))
        assert agency_reaches_task(session, government.one(), task, roles=("lead",))
    # the commune's police is not its government: the province's plan for "UBND cấp xã" is not the police's
    assert not agency_reaches_task(session, _agency(session, "Công an xã", "xa-hoang-phu").id, task)


def test_importing_the_same_plans_again_finds_the_same_rows(session, communes, tmp_path):
    before = session.execute(select(Agency.id, Agency.unit_id, Agency.name).order_by(Agency.id)).all()
    assignments = session.execute(select(Assignment.task_id, Assignment.agency_id).order_by(Assignment.id)).all()
    directory = AgencyDirectory.load()
    for commune, number in (("Thiệu Vân", "21"), ("Hoàng Phú", "22"), ("Quảng Yên", "23")):
        result = store_plan(session, read_plan(_commune_plan(tmp_path, commune, number)), directory)
        assert result.plan_id == communes[commune] and not result.changed and not result.agencies_created
    session.commit()
    assert session.execute(select(Agency.id, Agency.unit_id, Agency.name).order_by(Agency.id)).all() == before
    assert session.execute(select(Assignment.task_id, Assignment.agency_id).order_by(Assignment.id)).all() \
        == assignments


def test_a_group_of_the_whole_province_in_a_communes_plan_means_that_commune_only(session, communes, tmp_path):
    """"UBND các phường, xã" or "Các đơn vị sự nghiệp công lập" in a commune's plan: none of another commune's
    or the province's bodies, also for a commune the directory does not list."""
    directory = AgencyDirectory.load()
    for commune, number in (("Hoàng Phú", "31"), ("Quảng Yên", "32")):
        path = tmp_path / f"{number}.txt"
        path.write_text(_commune_plan(tmp_path, commune, number).read_text(encoding="utf-8").replace(
            "Công chức chuyên môn", "UBND các phường, xã; Các đơn vị sự nghiệp công lập"), encoding="utf-8")
        plan_id = store_plan(session, read_plan(path), directory).plan_id
        session.commit()
        [first, *_] = _tasks(session, plan_id)
        unit = session.scalars(select(Unit.id).join(Agency).join(Assignment).where(Assignment.task_id == first,
                                                                                  Assignment.role == "lead")).one()
        reached = task_agency_ids(session, first)
        assert session.scalars(select(Agency.unit_id).where(Agency.id.in_(reached))).unique().all() == [unit]
