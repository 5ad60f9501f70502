"""The agency directory: normalised names, aliases, 2025 mergers, local offices, groups and hierarchy."""

from __future__ import annotations

from datetime import date

import pytest

from config.agencies import AgencyDirectory, DirectoryFile, display_name
from config.errors import ConfigError
from config.files import parse_toml
from ingest.roles import split_roles

DIRECTORY = AgencyDirectory.load()


@pytest.mark.parametrize(("name", "agency_id"), [
    ("Sở Tư pháp.", "so-tu-phap"), ("- Sở Tư pháp", "so-tu-phap"), ("SỞ TƯ PHÁP", "so-tu-phap"),
    ("Sở Thông tin và Truyền thông", "so-khcn"), ("Sở TT&TT", "so-khcn"),
    ("Sở Kế hoạch và Đầu tư.", "so-tai-chinh"), ("Sở KH&ĐT", "so-tai-chinh"),
    ("Sở Lao động - Thương binh và Xã hội", "so-noi-vu"), ("Sở Tài nguyên Môi trường", "so-nnmt"),
    ("Văn phòng ĐKĐĐ", "vpdkdd"), ("Đài PT&TH tỉnh", "dai-ptth"), ("Báo Thanh Hoá", "bao-thanh-hoa"),
])
def test_it_resolves_normalised_names_aliases_and_merged_agencies(name, agency_id):
    assert DIRECTORY.resolve(name).id == agency_id


@pytest.mark.parametrize(("name", "agency_id"), [
    ("Văn phòng HĐND&UBND", "hoang-phu-vp-hdnd-ubnd"), ("Văn phòng HĐND và UBND xã", "hoang-phu-vp-hdnd-ubnd"),
    ("Phòng VH-XH", "hoang-phu-phong-vhxh"), ("Phòng Văn hoá - Xã hội", "hoang-phu-phong-vhxh"),
    ("Trung tâm PVHCC.", "hoang-phu-ttpvhcc"), ("UBND xã", "ubnd-xa-hoang-phu"),
])
def test_it_resolves_a_communes_own_offices_in_its_plan(name, agency_id):
    assert DIRECTORY.resolve(name, context="ubnd-xa-hoang-phu").id == agency_id


def test_it_does_not_resolve_a_communes_office_outside_its_plan():
    assert DIRECTORY.resolve("Trung tâm PVHCC.") is None
    assert DIRECTORY.resolve("Văn phòng HĐND&UBND") is None


def test_it_expands_groups_to_their_members():
    provincial = {a.id for a in DIRECTORY.expand("Các sở, ban, ngành cấp tỉnh")}
    assert {"so-noi-vu", "so-tu-phap", "cong-an-tinh", "ban-qlkkt"} <= provincial
    assert "ubnd-tinh" not in provincial and "van-phong-ubnd-tinh" not in provincial
    assert len(DIRECTORY.expand("UBND các huyện, thị xã, thành phố")) == 27
    assert DIRECTORY.expand("Các cơ quan, đơn vị có liên quan") == []
    district = {a.id for a in DIRECTORY.expand("Các phòng, ngành, đơn vị cấp huyện", context="ubnd-huyen-tho-xuan")}
    assert "tho-xuan-phong-tu-phap" in district and "so-tu-phap" not in district


def test_it_knows_the_huyen_level_ended_with_the_two_level_government():
    assert len(DIRECTORY.expand("UBND cấp huyện", on=date(2025, 6, 30))) == 27
    assert DIRECTORY.expand("UBND cấp huyện", on=date(2025, 7, 1)) == []
    assert DIRECTORY.expand("UBND cấp xã", on=date(2025, 7, 1))


@pytest.mark.parametrize(("written", "shown"), [
    ("- Công chức Văn hóa –Xã hội;", "Công chức Văn hóa – Xã hội"), ("Văn phòng- Thống kê", "Văn phòng - Thống kê"),
    ("Phòng Văn hóa - Xã hội.", "Phòng Văn hóa - Xã hội"), ("Công chức Tư pháp-Hộ tịch", "Công chức Tư pháp-Hộ tịch"),
    ("-  Sở   Tư pháp .", "Sở Tư pháp"),
])
def test_it_shows_a_name_without_bullet_and_with_its_dashes_spaced_evenly(written, shown):
    assert display_name(written) == shown


def test_it_keeps_unknown_names_as_new_agencies_flagged_for_review():
    [agency] = DIRECTORY.members("- Tổ công tác liên ngành số 5.")
    assert agency.review and agency.name == "Tổ công tác liên ngành số 5"


def test_it_splits_role_phrases_of_every_form():
    roles = split_roles("Sở Tư pháp chủ trì, phối hợp với Công an tỉnh, Bảo hiểm xã hội tỉnh, các huyện, thị xã, "
                        "thành phố.", "lead", DIRECTORY)
    assert roles.lead == ["Sở Tư pháp"]
    assert roles.support == ["Công an tỉnh", "Bảo hiểm xã hội tỉnh", "các huyện, thị xã, thành phố"]
    roles = split_roles("- Cơ quan chủ trì, chỉ đạo: Sở Tài nguyên Môi trường\n- Cơ quan thực hiện: Văn phòng Đăng "
                        "ký đất đai; Chi nhánh Văn phòng Đăng ký đất đai các huyện, thị xã, thành phố.", "lead",
                        DIRECTORY)
    assert roles.lead == ["Sở Tài nguyên Môi trường", "Văn phòng Đăng ký đất đai",
                          "Chi nhánh Văn phòng Đăng ký đất đai các huyện, thị xã, thành phố"]
    roles = split_roles("- Cơ quan thực hiện: Các sở, ban, ngành cấp tỉnh; UBND cấp huyện, cấp xã.\n"
                        "- Cơ quan tổng hợp: Văn phòng UBND tỉnh.", "lead", DIRECTORY)
    assert roles.lead == ["Các sở, ban, ngành cấp tỉnh", "UBND cấp huyện", "UBND cấp xã"]
    assert roles.synthesis == ["Văn phòng UBND tỉnh"]


def test_it_reads_a_role_label_written_without_its_colon():
    roles = split_roles("Cơ quan thực hiện UBND cấp huyện, UBND cấp xã.", "support", DIRECTORY)
    assert (roles.lead, roles.support) == (["UBND cấp huyện", "UBND cấp xã"], [])
    assert split_roles("- Cơ quan phối hợp Sở Nội vụ", "lead", DIRECTORY).support == ["Sở Nội vụ"]
    # a name that merely opens with the same words is no label
    assert split_roles("Bộ phận Một cửa UBND xã", "lead", DIRECTORY).lead == ["Bộ phận Một cửa UBND xã"]


def test_it_takes_the_agencies_after_a_colon_when_they_are_named_there():
    roles = split_roles("UBND cấp huyện: Sở Nội vụ, Văn phòng UBND tỉnh, Sở Tư pháp phối hợp thẩm định.\n"
                        "- Sở Nội vụ tổng hợp, báo cáo.", "support", DIRECTORY)
    assert roles.support == ["Sở Nội vụ", "Văn phòng UBND tỉnh", "Sở Tư pháp"]
    assert roles.synthesis == ["Sở Nội vụ"]
    roles = split_roles("- Cơ quan thẩm định:\n+ Chỉ số cấp xã; UBND cấp huyện.\n+ Chỉ số cấp tỉnh: Sở Nội vụ.",
                        "support", DIRECTORY)
    assert roles.support == ["UBND cấp huyện", "Sở Nội vụ"]  # "+ Chỉ số …:" names a topic, not an agency
    # the agency named first and its duties after the colon: the agency, in the cell's role
    roles = split_roles("- Sở Nội vụ: theo dõi, kiểm tra, giám sát, tổng hợp.", "support", DIRECTORY)
    assert (roles.support, roles.synthesis) == (["Sở Nội vụ"], [])


def test_it_gives_names_that_leave_out_their_head_the_head_of_the_name_before():
    assert split_roles("Sở Tư pháp; Tài chính.", "lead", DIRECTORY).lead == ["Sở Tư pháp", "Sở Tài chính"]
    roles = split_roles("-Công chức Tư pháp; Văn hóa, Tài chính", "lead", DIRECTORY, "ubnd-xa-thieu-van")
    assert roles.lead == ["Công chức Tư pháp", "Công chức Văn hóa", "Công chức Tài chính"]
    # only when every borrowed name is known: an unknown piece stays as written
    assert split_roles("Sở Tư pháp; Tổ công tác số 5", "lead", DIRECTORY).lead == ["Sở Tư pháp", "Tổ công tác số 5"]


def test_it_refuses_a_directory_with_an_unknown_parent_naming_the_line():
    text = 'province = "X"\n\n[[agency]]\nid = "a"\nname = "A"\nparent = "nowhere"\n'
    with pytest.raises(ConfigError) as refused:
        parse_toml(text, DirectoryFile, name="agencies.toml")
    assert "unknown parent nowhere" in str(refused.value)
    assert str(refused.value).startswith("agencies.toml:")
