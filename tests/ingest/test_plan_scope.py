"""Whose plan it is: the province's directory reads only the province's own plans (and those addressed to it).

A plan of a ministry, the Prime Minister or another province keeps its agencies as written and flagged, except the
part it gives the province itself ("UBND các tỉnh, thành phố trực thuộc trung ương"), which is UBND tỉnh's task.
National bodies are in the directory, the same in every plan.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from config.agencies import AgencyDirectory, parse_directory
from ingest import read_document, read_plan
from ingest.builder import metadata_of
from ingest.metadata import read_metadata
from ingest.store import store_plan
from models import Agency, Assignment, Task
from tests.support.data import PLANS

DIRECTORY = AgencyDirectory.load()
HEADER = "STT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn hoàn thành"


@pytest.mark.parametrize(("paragraphs", "issuer"), [
    (["PHỤ LỤC", "(Kèm theo Quyết định số 2597/QĐ-TTg ngày 27 tháng 11 năm 2025 của Thủ tướng Chính phủ)"],
     "Thủ tướng Chính phủ"),
    (["(Ban hành kèm theo Nghị quyết số 1339/NQ-UBTVQH15 ngày 28 tháng 12 năm 2024 của Uỷ ban thường vụ Quốc hội)"],
     "Ủy ban Thường vụ Quốc hội"),
    (["(Ban hành kèm theo Quyết định số: 1383/QĐ-BNV ngày 26 tháng 11 năm 2025 của Bộ trưởng Bộ Nội vụ)"],
     "Bộ Nội vụ"),
    (["BỘ TƯ PHÁP", "Số: 12/KH-BTP", "KẾ HOẠCH", "Phổ biến pháp luật năm 2026"], "Bộ Tư pháp"),
    (["PHỤ LỤC", "(Kèm theo Nghị quyết số 394/NQ-CP ngày 03 tháng 12 năm 2025)"], "Chính phủ"),
    (["(Kèm theo Kế hoạch số: /KH-UBND ngày / /2025 của UBND thành phố Hà Nội)"], "UBND thành phố Hà Nội"),
])
def test_it_reads_issuers_above_the_province_from_the_opening(paragraphs, issuer):
    assert read_metadata(paragraphs).issuer == issuer


def test_it_takes_the_province_a_plan_names_when_it_names_no_issuer():
    meta = read_metadata(["PHỤ LỤC", "(Kèm theo Kế hoạch số 179/KH-UBND ngày 18 tháng 11 năm 2025)"],
                         elsewhere=["Triển khai Kế hoạch thương mại điện tử tỉnh Đồng Nai", "Báo tỉnh Đồng Nai"])
    assert (meta.issuer, meta.place) == ("UBND tỉnh Đồng Nai", "Đồng Nai")


@pytest.mark.parametrize(("issuer", "kind", "unit"), [
    ("UBND tỉnh Thanh Hóa", "local", "tinh-thanh-hoa"), ("UBND xã Hoàng Phú", "local", "xa-hoang-phu"),
    ("UBND phường Quảng Phú", "local", "phuong-quang-phu"), ("Thủ tướng Chính phủ", "national", "trung-uong"),
    ("Bộ Nội vụ", "national", "trung-uong"), ("Bộ Ngoại thương", "national", "trung-uong"),
    ("UBND tỉnh Đồng Nai", "external", "ngoai-tinh-dong-nai"),
    ("UBND thành phố Hà Nội", "external", "ngoai-thanh-pho-ha-noi"),
])
def test_it_tells_whose_plan_it_is_from_the_issuer(issuer, kind, unit):
    scope = DIRECTORY.scope(issuer)
    assert (scope.kind, scope.unit.key) == (kind, unit)


def test_a_plan_addressed_to_the_province_by_name_is_the_provinces():
    assert DIRECTORY.scope("Bộ Tư pháp", ["UBND tỉnh Thanh Hóa", "Sở Tư pháp tỉnh Thanh Hóa"]).local
    assert not DIRECTORY.scope("Bộ Tư pháp", ["UBND các tỉnh, thành phố trực thuộc trung ương"]).local
    assert read_metadata(["Kính gửi:", "- UBND tỉnh Thanh Hóa;", "- Sở Tư pháp tỉnh Thanh Hóa.", "Thực hiện …"]
                         ).recipients == ["UBND tỉnh Thanh Hóa", "Sở Tư pháp tỉnh Thanh Hóa"]


@pytest.mark.parametrize(("name", "placed", "unit", "review"), [
    ("Bộ Tư pháp", "Bộ Tư pháp", "trung-uong", False),
    ("Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Môi trường", "trung-uong", False),  # merged in 2025
    ("Văn phòng Chính phủ", "Văn phòng Chính phủ", "trung-uong", False),
    ("UBND các tỉnh, thành phố trực thuộc trung ương", "UBND tỉnh Thanh Hóa", "tinh-thanh-hoa", False),
    ("UBND cấp tỉnh", "UBND tỉnh Thanh Hóa", "tinh-thanh-hoa", False),
    ("UBND các tỉnh/ thành phố", "UBND tỉnh Thanh Hóa", "tinh-thanh-hoa", False),
    ("Công an tỉnh Thanh Hóa", "Công an tỉnh", "tinh-thanh-hoa", False),  # named with the province: ours
    ("Sở Tư pháp", "Sở Tư pháp", "trung-uong", True),  # every province's, not ours: as written, flagged
    ("Các sở, ban, ngành", "Các sở, ban, ngành", "trung-uong", True),
    ("Vụ Pháp chế", "Vụ Pháp chế", "trung-uong", True),
])
def test_a_ministrys_plan_maps_only_national_bodies_and_the_provinces_own_part(name, placed, unit, review):
    found = DIRECTORY.place(name, DIRECTORY.scope("Bộ Tư pháp"))
    assert (found.name, found.unit.key, found.review, found.is_group) == (placed, unit, review, False)


def test_another_provinces_plan_keeps_its_names_in_that_province():
    scope = DIRECTORY.scope("UBND tỉnh Đồng Nai")
    for name in ("Sở Tư pháp", "Các sở, ban, ngành", "UBND cấp tỉnh", "UBND các phường, xã"):
        found = DIRECTORY.place(name, scope)
        assert (found.unit.name, found.review, found.members) == ("tỉnh Đồng Nai", True, ())
    ministries = DIRECTORY.place("Các bộ, ngành", scope)
    assert ministries.unit.key == "trung-uong" and ministries.is_group and "Bộ Tư pháp" in {
        m.name for m in ministries.members}


def test_the_provinces_own_plan_expands_its_groups_as_before():
    found = DIRECTORY.place("Các sở, ban, ngành", DIRECTORY.scope("UBND tỉnh Thanh Hóa"))
    assert found.is_group and not found.review and found.unit.key == "tinh-thanh-hoa"
    assert {"Sở Tư pháp", "Sở Nội vụ"} <= {m.name for m in found.members}


def test_the_province_is_a_setting_of_the_directory():
    text = (Path(__file__).resolve().parents[2] / "config" / "agencies.toml").read_text(encoding="utf-8")
    directory = AgencyDirectory(parse_directory(text.replace('province = "Thanh Hóa"', 'province = "Nghệ An"')
                                                .replace("UBND tỉnh Thanh Hóa", "UBND tỉnh Nghệ An")))
    assert directory.scope("UBND tỉnh Thanh Hóa").kind == "external"
    assert directory.scope("UBND tỉnh Nghệ An").unit.key == "tinh-nghe-an"
    assert directory.place("UBND cấp tỉnh", directory.scope("Thủ tướng Chính phủ")).name == "UBND tỉnh Nghệ An"


def test_it_imports_a_prime_ministers_plan_with_its_names_flagged_and_the_provinces_part_on_ubnd_tinh(session,
                                                                                                    tmp_path):
    path = tmp_path / "ttg.txt"
    path.write_text("PHỤ LỤC\nDANH MỤC NHIỆM VỤ NĂM 2026\n(Kèm theo Quyết định số 99/QĐ-TTg ngày 05 tháng 01 năm "
                    f"2026 của Thủ tướng Chính phủ)\n\n{HEADER}\n"
                    "1\tHướng dẫn thực hiện.\tBộ Tư pháp\tCác sở, ban, ngành; Vụ Pháp chế (nếu có)\tQuý I/2026\n"
                    "2\tTổ chức thực hiện tại địa phương.\tUBND các tỉnh, thành phố trực thuộc trung ương\tSở Tư pháp"
                    "\tQuý II/2026\n", encoding="utf-8")
    draft = read_plan(path, plan_year=2026)
    assert draft.issuer == "Thủ tướng Chính phủ" and any("giữ như văn bản ghi" in w for w in draft.warnings)
    store_plan(session, draft, DIRECTORY)
    session.commit()
    rows = session.execute(select(Task.number, Assignment.role, Assignment.as_written, Assignment.note, Agency)
                           .join(Assignment, Assignment.task_id == Task.id).join(Agency)
                           .order_by(Task.number, Assignment.role, Assignment.as_written)).all()
    seen = {(n, r, w): (a.name, a.unit.key, a.needs_review, note) for n, r, w, note, a in rows}
    assert seen == {
        ("1", "lead", "Bộ Tư pháp"): ("Bộ Tư pháp", "trung-uong", False, None),
        ("1", "support", "Các sở, ban, ngành"): ("Các sở, ban, ngành", "trung-uong", True, None),
        ("1", "support", "Vụ Pháp chế"): ("Vụ Pháp chế", "trung-uong", True, "nếu có"),
        ("2", "lead", "UBND các tỉnh, thành phố trực thuộc trung ương"): ("UBND tỉnh Thanh Hóa", "tinh-thanh-hoa",
                                                                        False, None),
        ("2", "support", "Sở Tư pháp"): ("Sở Tư pháp", "trung-uong", True, None),
    }
    assert session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp", Agency.unit_id.is_(None))) is None


def test_the_ten_real_plans_are_read_as_their_issuers_plans():
    issuers = {}
    for gold in sorted(PLANS.glob("*.gold.json")):
        issuer = metadata_of(read_document(gold.with_name(gold.name.replace(".gold.json", ".txt")))).issuer
        issuers[gold.name[:2]] = (issuer, DIRECTORY.scope(issuer).kind)
    assert issuers == {
        "01": ("UBND thành phố Hà Nội", "external"), "02": ("UBND tỉnh Đồng Nai", "external"),
        "03": ("Thủ tướng Chính phủ", "national"), "04": ("Thủ tướng Chính phủ", "national"),
        "05": ("Thủ tướng Chính phủ", "national"), "06": ("Văn phòng Chính phủ", "national"),
        "07": ("Văn phòng Chính phủ", "national"), "08": ("Chính phủ", "national"),
        "09": ("Ủy ban Thường vụ Quốc hội", "national"), "10": ("Bộ Nội vụ", "national")}
