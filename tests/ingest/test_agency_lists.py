"""Agency lists split as a person reads them: the ten real plans' gold lists, and each rule on small cells."""

from __future__ import annotations

import json
import re

import pytest

from config.agencies import AgencyDirectory, normalise
from ingest.agency_lists import read_list
from ingest.roles import Roles, split_roles
from tests.support.data import PLANS

DIRECTORY = AgencyDirectory.load()
_LEAD = re.compile(r"chủ trì|soạn thảo|chịu trách nhiệm|đơn vị thực hiện", re.IGNORECASE)
_SUPPORT = re.compile(r"phối hợp", re.IGNORECASE)
_TT = re.compile(r"^(?:S?TT|Số TT)$", re.IGNORECASE)


def _cells(stem: str) -> list[tuple[dict, str | None, str]]:
    """Each gold row with the text of its lead and support cells in the .txt (a merged cell's text under it).

    Columns come from the header row (TT/STT first); a row is matched to the next gold row with its number
    (or none, under a merged TT cell) whose cells contain every gold name.
    """
    gold = json.loads((PLANS / f"{stem}.gold.json").read_text(encoding="utf-8"))
    rows = [line.split("\t") for line in (PLANS / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
            if "\t" in line]
    columns: tuple[int | None, int | None] | None = None
    carried: dict[int, str] = {}
    table: list[tuple[str, str, str]] = []
    for row in rows:
        if _TT.match(row[0].strip()):
            columns = (next((i for i, c in enumerate(row) if _LEAD.search(c)), None),
                       next((i for i, c in enumerate(row) if _SUPPORT.search(c)), None))
            carried = {}
            continue
        if columns is None:
            continue
        if sum(1 for cell in row if cell.strip()) <= 1:  # a section row ends the cells merged above it
            carried = {}
            continue
        texts = []
        for column in columns:
            value = row[column].strip() if column is not None and column < len(row) else ""
            if value:
                carried[column] = value
            texts.append(carried.get(column, "") if column is not None else "")
        table.append((row[0].strip().rstrip("."), *texts))
    found: list[tuple[dict, str | None, str]] = []
    at = 0
    for wanted in gold["sample"]:
        for j in range(at, len(table)):
            number, lead, support = table[j]
            if number and number != str(wanted["number"]).rstrip("."):
                continue
            if _contains(lead, wanted["lead"]) and _contains(f"{lead} {support}", wanted["support"]):
                found.append((wanted, lead, support))
                at = j + 1
                break
        else:
            found.append((wanted, None, ""))
    return found


def _contains(cell: str, names: list[str]) -> bool:
    return all(normalise(name) in normalise(cell) for name in names)


def _split(lead: str, support: str) -> Roles:
    roles = split_roles(lead, "lead", DIRECTORY)
    found = split_roles(support, "support", DIRECTORY)
    roles.add("lead", found.lead)
    roles.add("support", found.support)
    return roles


def _same(got: list[str], wanted: list[str]) -> bool:
    return [normalise(n) for n in got] == [normalise(n) for n in wanted]


def test_it_splits_the_ten_real_plans_agency_lists_as_their_gold_does():
    """Every gold row's lead and support cells through the splitter: ≥ 95 % of the lists exactly as the gold."""
    total = right = 0
    misses: list[str] = []
    stems = sorted(p.name.removesuffix(".gold.json") for p in PLANS.glob("*.gold.json"))
    assert len(stems) == 10
    for stem in stems:
        rows = _cells(stem)
        assert sum(lead is None for _, lead, _ in rows) == 0, stem  # every gold row found its cells
        for wanted, lead, support in rows:
            roles = _split(lead or "", support)
            for role in ("lead", "support"):
                if role == "support" and not wanted["support"] and not support:
                    continue  # a table without a support column
                total += 1
                if _same(getattr(roles, role), wanted[role]):
                    right += 1
                else:
                    misses.append(f"{stem} {wanted['number']} {role}: {getattr(roles, role)} ≠ {wanted[role]}")
    assert total > 550
    assert right / total >= 0.95, "\n".join(misses)


@pytest.mark.parametrize(("cell", "names"), [
    # commas and "và" before a new head, whether or not the directory knows the names
    ("Bộ Tư pháp, Bộ Giáo dục và Đào tạo, Tòa án nhân dân tối cao, Bộ Y tế",
     ["Bộ Tư pháp", "Bộ Giáo dục và Đào tạo", "Tòa án nhân dân tối cao", "Bộ Y tế"]),
    ("Sở Tài nguyên, Sở Du lịch tỉnh Quảng Bình và Đài Phát thanh tỉnh",
     ["Sở Tài nguyên", "Sở Du lịch tỉnh Quảng Bình", "Đài Phát thanh tỉnh"]),
    ("Bộ Xây dựng và các bộ, ngành liên quan", ["Bộ Xây dựng", "các bộ, ngành liên quan"]),
    ("Các bộ ngành và các địa phương", ["Các bộ ngành", "các địa phương"]),
    ("UBND thành phố Hà Nội, Thành phố Hồ Chí Minh", ["UBND thành phố Hà Nội", "Thành phố Hồ Chí Minh"]),
    ("Văn phòng Trung ương Đảng, Văn phòng Quốc hội", ["Văn phòng Trung ương Đảng", "Văn phòng Quốc hội"]),
    ("Bộ Công Thương, EVN", ["Bộ Công Thương", "EVN"]),
    ("Hội Nông dân, Hội Liên hiệp Phụ nữ và Đoàn Thanh niên",
     ["Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên"]),
    ("Trung tâm Y tế và các Trạm Y tế xã", ["Trung tâm Y tế", "các Trạm Y tế xã"]),
    # a full stop before a new head, and a head written twice without any separator
    ("Cục Việc làm. Vụ Pháp chế", ["Cục Việc làm", "Vụ Pháp chế"]),
    ("Sở Khoa học và Công nghệ Sở Công Thương", ["Sở Khoa học và Công nghệ", "Sở Công Thương"]),
    ("Sở Sở Công thương", ["Sở Sở Công thương"]),  # a typo, kept as written
    # groups governed by one "các" stay whole; another kind of actor after them does not
    ("Các Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", ["Các Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"]),
    ("Các bộ, ngành và địa phương có liên quan", ["Các bộ, ngành và địa phương có liên quan"]),
    ("UBND các phường, xã", ["UBND các phường, xã"]),
    ("các bộ, ngành và cộng đồng người dân", ["các bộ, ngành", "cộng đồng người dân"]),
    ("Các doanh nghiệp, nhà đầu tư", ["Các doanh nghiệp, nhà đầu tư"]),
    ("Doanh nghiệp, nhà cung cấp dịch vụ, nhà đầu tư", ["Doanh nghiệp", "nhà cung cấp dịch vụ", "nhà đầu tư"]),
    # names holding a comma, "và" or a dash stay whole
    ("Ban Quản lý các Khu công nghiệp, khu kinh tế", ["Ban Quản lý các Khu công nghiệp, khu kinh tế"]),
    ("Báo và Phát thanh, Truyền hình Đồng Nai", ["Báo và Phát thanh, Truyền hình Đồng Nai"]),
    ("Cục Tiền lương và Bảo hiểm xã hội", ["Cục Tiền lương và Bảo hiểm xã hội"]),
    ("Ban Thi đua - Khen thưởng Trung ương", ["Ban Thi đua - Khen thưởng Trung ương"]),
    ("Mặt trận Tổ quốc và các tổ chức chính trị - xã hội", ["Mặt trận Tổ quốc", "các tổ chức chính trị - xã hội"]),
    ("Phòng Văn hóa - Xã hội huyện Như Xuân", ["Phòng Văn hóa - Xã hội huyện Như Xuân"]),
    ("Văn phòng HĐND và UBND xã Quảng Yên", ["Văn phòng HĐND và UBND xã Quảng Yên"]),
    ("Các cơ quan, tổ chức, cá nhân có liên quan", ["Các cơ quan, tổ chức, cá nhân có liên quan"]),
    # one head for several names after a colon
    ("Các Cục: Di sản văn hóa, Bản quyền tác giả", ["Cục Di sản văn hóa", "Cục Bản quyền tác giả"]),
    ("Các Vụ: Pháp chế và Kế hoạch - Tài chính", ["Vụ Pháp chế", "Vụ Kế hoạch - Tài chính"]),
    ("Các Cục: Di sản văn hóa; Nghệ thuật biểu diễn.", ["Cục Di sản văn hóa", "Cục Nghệ thuật biểu diễn"]),
    ("Các Sở: Tài chính, Xây dựng, Nội vụ", ["Sở Tài chính", "Sở Xây dựng", "Sở Nội vụ"]),
    # bodies the directory need not know, cut where a new head begins
    ("Hội Nông dân tỉnh, Đài Phát thanh và Truyền hình tỉnh, Chi cục Kiểm lâm",
     ["Hội Nông dân tỉnh", "Đài Phát thanh và Truyền hình tỉnh", "Chi cục Kiểm lâm"]),
    ("Sở Y tế; Sở Giáo dục và Đào tạo. Công an tỉnh", ["Sở Y tế", "Sở Giáo dục và Đào tạo", "Công an tỉnh"]),
    ("Các trường: Đại học, Cao đẳng trên địa bàn", ["Các trường: Đại học, Cao đẳng trên địa bàn"]),
    # footnote marks go
    ("Ủy ban Đối ngoại [3]", ["Ủy ban Đối ngoại"]),
])
def test_it_cuts_a_list_where_a_new_body_begins(cell, names):
    assert read_list(cell, DIRECTORY).names == names


def test_it_keeps_a_bracketed_scope_and_a_trailing_qualifier_as_the_names_note():
    found = read_list("Bộ Nông nghiệp và Môi trường (mạng lưới quốc gia), UBND các tỉnh, thành phố (nếu có)",
                      DIRECTORY)
    assert found.names == ["Bộ Nông nghiệp và Môi trường", "UBND các tỉnh, thành phố"]
    assert found.notes == {"Bộ Nông nghiệp và Môi trường": "mạng lưới quốc gia", "UBND các tỉnh, thành phố": "nếu có"}
    found = read_list("Bộ Khoa học và Công nghệ với các tiêu chuẩn quốc gia về đo lường", DIRECTORY)
    assert found.names == ["Bộ Khoa học và Công nghệ"]
    assert found.notes == {"Bộ Khoa học và Công nghệ": "với các tiêu chuẩn quốc gia về đo lường"}
    found = read_list("Sở Y tế nếu có", DIRECTORY)
    assert (found.names, found.notes) == (["Sở Y tế"], {"Sở Y tế": "nếu có"})


def test_it_reads_a_body_named_in_brackets_as_helping_as_a_support_agency():
    roles = split_roles("Ủy ban Đối ngoại [3] (Văn phòng Quốc hội phối hợp chuẩn bị)", "lead", DIRECTORY)
    assert (roles.lead, roles.support) == (["Ủy ban Đối ngoại"], ["Văn phòng Quốc hội"])
    roles = split_roles("Ban soạn thảo (Văn phòng Quốc hội là cơ quan thường trực của Ban soạn thảo)", "lead",
                        DIRECTORY)
    assert (roles.lead, roles.support) == (["Ban soạn thảo"], [])
    assert roles.notes == {"Ban soạn thảo": "Văn phòng Quốc hội là cơ quan thường trực của Ban soạn thảo"}


def test_it_treats_a_dash_as_a_bullet_only_before_a_new_body():
    roles = split_roles("Phòng Nội vụ - Cơ quan, đơn vị có liên quan", "support", DIRECTORY)
    assert roles.support == ["Phòng Nội vụ", "Cơ quan, đơn vị có liên quan"]
    roles = split_roles("Ban Thi đua - Khen thưởng; tổ chức chính trị - xã hội", "lead", DIRECTORY)
    assert roles.lead == ["Ban Thi đua - Khen thưởng", "tổ chức chính trị - xã hội"]
