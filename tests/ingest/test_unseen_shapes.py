"""Hand-made plans of the kinds the ten real ones lack (tests/data/unseen, see make_plans.py there): a commune's
and a district's reform plans; a whole commune plan as issued (motto and signature tables around the task table,
a "Lãnh đạo phụ trách" column beside the lead); a department plan with one "Đơn vị thực hiện" column of
"Chủ trì: …; Phối hợp: …" and a money column holding years; a ward's digital plan with its header over two rows,
a column-number row and the header repeated mid-table; a department's 7-column plan continued in a second Word
table; lettered sub-tasks under numbered groups; cells of bullet paragraphs; deadlines counted from events or due
on a day of the quarter's last month. Each is read from its text and from its Word file and compared row by row
with the gold. A ward's plan names officers ("Đ/c … - Công chức …") under "Công chức tham mưu" beside a
"Lãnh đạo phụ trách" column, and has a start and an end column; another has "Thời gian thực hiện" over
"Bắt đầu | Hoàn thành". A province's plan names companies among its agencies ("VNPT, Bưu điện tỉnh, Viettel Thanh
Hóa") and writes some deadlines in the task itself; a ministry's plan has one "Đơn vị thực hiện" column of duty
sentences ("X chủ trì, phối hợp Y", "X (chủ trì); Y, Z (phối hợp)"). Every Word file is also read printed to PDF."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest

import ingest
from config.agencies import AgencyDirectory
from ingest.roles import split_roles
from tests.support.data import UNSEEN
from tests.support.render_docs import docx_to_pdf
from tests.support.score_plans import docx_of, score_one

NAMES = sorted(p.name.removesuffix(".gold.json") for p in UNSEEN.glob("*.gold.json"))


@cache
def gold(name: str) -> dict:
    return json.loads((UNSEEN / f"{name}.gold.json").read_text(encoding="utf-8"))


@cache
def directory() -> AgencyDirectory:
    return AgencyDirectory.load()


def imported(path: Path, plan_year: int) -> dict:
    return ingest.read_plan(path, plan_year).to_json(directory())


def same(got: dict, want: dict) -> bool:
    """A milestone as the gold fixes it: kind, due and start (none when the gold gives none), and the
    occurrences where the gold lists them ("02 kỳ/tháng" writes no days)."""
    return got["kind"] == want["kind"] and got.get("due") == want.get("due") \
        and got.get("start") == want.get("start") \
        and ("occurrences" not in want or got.get("occurrences") == want["occurrences"])


def test_the_eleven_plans_are_all_there():
    assert len(NAMES) == 11
    assert sum(gold(n)["tasks"] for n in NAMES) == 81 + 12 + 9
    assert {gold(n)["issuer"].split()[1] for n in NAMES} == {"xã", "phường", "huyện", "tỉnh", "Nội", "Khoa"}


@pytest.mark.parametrize("form", ["txt", "docx"])
@pytest.mark.parametrize("name", NAMES)
def test_every_row_is_read_as_the_gold_says(name, form):
    answer = gold(name)
    rows_as_the_gold_says(imported(UNSEEN / f"{name}.{form}", answer["plan_year"]), answer)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Each plan's Word file printed to PDF by LibreOffice (one run for all)."""
    folder = tmp_path_factory.mktemp("unseen-pdf")
    return dict(zip(NAMES, docx_to_pdf([UNSEEN / f"{n}.docx" for n in NAMES], folder), strict=True))


@pytest.mark.parametrize("name", NAMES)
def test_every_row_of_the_printed_pdf_is_read_as_the_gold_says(name, pdfs):
    answer = gold(name)
    rows_as_the_gold_says(imported(pdfs[name], answer["plan_year"]), answer)


def rows_as_the_gold_says(out: dict, answer: dict) -> None:
    tasks = out["tasks"]
    assert len(tasks) == answer["tasks"], [t["number"] for t in tasks]
    for task, row in zip(tasks, answer["sample"], strict=True):
        where = (row["section"], row["number"])
        assert (task["section"], task["number"]) == (row["section"], row["number"].strip(". ")), where
        assert task["lead"] == row["lead"], where
        assert task["support"] == row["support"], where
        assert task["deadline_text"] == row["deadline_text"], where
        got, want = task["milestones"], row["milestones"]
        assert len(got) == len(want) and all(map(same, got, want)), (where, got)
    assert len({t["key"] for t in tasks}) == len(tasks)
    assert out["plan"]["scope"] == answer.get("scope", "local")


@pytest.mark.slow  # eleven interpreters start (the scorer's renderer runs in its own process)
def test_the_scorers_own_word_rendering_reads_them_too(tmp_path):
    """One table, a row per line of the text (the scorer's ``--docx``): every lead and deadline still right."""
    for name in NAMES:
        rendered = docx_of(UNSEEN / f"{name}.txt", sys.executable, tmp_path / f"{name}.docx")
        found, leads, deadlines, misses, *_ = score_one(imported(rendered, gold(name)["plan_year"]), gold(name))
        assert (found, leads, deadlines) == (gold(name)["tasks"],) * 3, (name, misses)


def test_a_persons_title_is_kept_as_written_and_placed_as_the_body_they_head():
    out = imported(UNSEEN / "u1-xa-hoang-tien-cchc-2026.txt", 2026)
    task = next(t for t in out["tasks"] if t["lead"] == ["Chủ tịch UBND xã"])
    assert task["lead_members"] == ["UBND xã Hoằng Tiến"]


def test_a_provincial_departments_plan_is_read_in_the_provinces_directory():
    out = imported(UNSEEN / "u3-so-noi-vu-thanh-hoa-2026.docx", 2026)
    assert (out["plan"]["scope"], out["plan"]["unit"]) == ("local", "tỉnh Thanh Hóa")
    task = next(t for t in out["tasks"] if t["support"] == ["Văn phòng UBND tỉnh", "Sở Tư pháp",
                                                             "Sở Khoa học và Công nghệ"])
    assert "Sở Tư pháp" in task["support_members"]


@pytest.mark.parametrize(("cell", "names"), [
    ("Bí thư Chi bộ, Trưởng thôn các thôn", ["Bí thư Chi bộ", "Trưởng thôn các thôn"]),
    ("Hội Nông dân xã, Trạm Y tế xã", ["Hội Nông dân xã", "Trạm Y tế xã"]),
    ("Ngân hàng Chính sách xã hội, Quỹ tín dụng nhân dân xã",
     ["Ngân hàng Chính sách xã hội", "Quỹ tín dụng nhân dân xã"]),
    ("Công an tỉnh, Viettel Thanh Hóa", ["Công an tỉnh", "Viettel Thanh Hóa"]),
    ("Văn phòng HĐND và UBND huyện", ["Văn phòng HĐND và UBND huyện"]),
    ("- Chủ trì: Thanh tra Sở;\n- Phối hợp: các phòng, đơn vị thuộc Sở.", ["Thanh tra Sở"]),
    ("Giám đốc các sở, Trưởng các ban, ngành, đơn vị cấp tỉnh",
     ["Giám đốc các sở, Trưởng các ban, ngành, đơn vị cấp tỉnh"]),
    ("VNPT, Bưu điện tỉnh, Viettel Thanh Hóa", ["VNPT", "Bưu điện tỉnh", "Viettel Thanh Hóa"]),
    ("Các doanh nghiệp viễn thông, Bưu điện", ["Các doanh nghiệp viễn thông", "Bưu điện"]),
    ("VNPT, Viettel, MobiFone", ["VNPT", "Viettel", "MobiFone"]),
    ("Trường Chính trị tỉnh, Cổng Thông tin điện tử tỉnh", ["Trường Chính trị tỉnh", "Cổng Thông tin điện tử tỉnh"]),
    ("Báo và Phát thanh, Truyền hình Thanh Hóa", ["Báo và Phát thanh, Truyền hình Thanh Hóa"]),
    ("Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện",
     ["Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện"]),
    ("Các doanh nghiệp viễn thông, bưu chính", ["Các doanh nghiệp viễn thông, bưu chính"]),
    ("Sở Nội vụ và Sở Tư pháp", ["Sở Nội vụ", "Sở Tư pháp"]),
    ("Sở Y tế, Sở Giáo dục và Đào tạo theo chức năng, nhiệm vụ", ["Sở Y tế", "Sở Giáo dục và Đào tạo"]),
])
def test_commune_and_department_agency_cells_are_cut_where_a_new_body_begins(cell, names):
    scope = directory().scope("UBND huyện Nông Cống", [])
    assert split_roles(cell, "lead", directory(), scope.context).lead == names


@pytest.mark.parametrize(("cell", "lead", "support"), [
    ("Sở Nội vụ chủ trì, phối hợp Sở Tư pháp", ["Sở Nội vụ"], ["Sở Tư pháp"]),
    ("Sở Tư pháp (chủ trì)", ["Sở Tư pháp"], []),
    ("Sở Tư pháp (chủ trì), Sở Nội vụ", ["Sở Tư pháp"], ["Sở Nội vụ"]),
    ("Sở Tài chính (phối hợp)", [], ["Sở Tài chính"]),
    ("Sở Tư pháp chủ trì; Sở Nội vụ, Công an tỉnh phối hợp", ["Sở Tư pháp"], ["Sở Nội vụ", "Công an tỉnh"]),
    ("Sở Tư pháp thực hiện", ["Sở Tư pháp"], []),
    ("Văn phòng UBND tỉnh tham mưu", ["Văn phòng UBND tỉnh"], []),
    ("Sở Nội vụ hướng dẫn, kiểm tra", ["Sở Nội vụ"], []),
    ("Cục Viễn thông chủ trì thực hiện", ["Cục Viễn thông"], []),
    ("Các cơ quan liên quan", ["Các cơ quan liên quan"], []),
    ("Phòng Tổng hợp", ["Phòng Tổng hợp"], []),
    ("Sở Nội vụ (chủ trì, phối hợp với Sở Tư pháp)", ["Sở Nội vụ"], ["Sở Tư pháp"]),
    ("Sở Tư pháp (chủ trì) phối hợp Sở Nội vụ", ["Sở Tư pháp"], ["Sở Nội vụ"]),
    ("Sở Nội vụ (chủ trì); Sở Tư pháp, Công an tỉnh", ["Sở Nội vụ"], ["Sở Tư pháp", "Công an tỉnh"]),
    ("Sở Nội vụ và Sở Tư pháp (phối hợp)", [], ["Sở Nội vụ", "Sở Tư pháp"]),
    ("Đề nghị Sở Nội vụ chủ trì", ["Sở Nội vụ"], []),
    ("Công an tỉnh (Phòng Cảnh sát QLHC về TTXH); Sở Tư pháp", ["Công an tỉnh", "Sở Tư pháp"], []),
    ("Đoàn kiểm tra", ["Đoàn kiểm tra"], []),
    ("Tổ công tác kiểm tra, Tổ phối hợp", ["Tổ công tác kiểm tra", "Tổ phối hợp"], []),
    ("Tổ công tác triển khai Đề án 06", ["Tổ công tác triển khai Đề án 06"], []),
])
def test_duty_words_in_an_agency_cell_give_roles_not_names(cell, lead, support):
    roles = split_roles(cell, "lead", directory(), None)
    assert (roles.lead, roles.support) == (lead, support)


@pytest.mark.parametrize("form", ["txt", "docx"])
def test_a_deadline_read_from_the_task_itself_is_flagged_for_review(form):
    out = imported(UNSEEN / f"u10-tinh-thanh-hoa-ha-tang-so-2026.{form}", 2026)
    from_content = [t for t in out["tasks"] if t["deadline_text"] and t["deadline_text"] in t["content"]]
    assert len(from_content) == 3
    for task in from_content:
        assert all(any("nội dung nhiệm vụ" in w for w in m["warnings"]) for m in task["milestones"]), task
    own = [t for t in out["tasks"] if t["milestones"] and t not in from_content]
    assert own and not any("nội dung nhiệm vụ" in w for t in own for m in t["milestones"] for w in m["warnings"])
