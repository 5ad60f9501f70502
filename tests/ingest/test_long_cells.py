"""A deadline cell far longer than any real one is read up to a limit, with a warning, and stored bounded."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

import ingest
from config.agencies import AgencyDirectory
from ingest.builder import MAX_DEADLINE_CELL, deadline_read
from ingest.store import store_plan
from ingest.text_layouts import read_text
from models.plans import Milestone

HEADER = "TT\tNội dung thực hiện\tSản phẩm, kết quả\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành"


def _dates_cell(length: int) -> str:
    """Every day of 2026 in turn, "Ngày dd/mm/2026; …", cut to ``length`` characters."""
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    text = "".join(f"Ngày {d:%d/%m/%Y}; " for d in days * 2)
    return text[:length]


def _plan(cell: str) -> ingest.PlanDraft:
    rows = [f"1.\tRà soát thủ tục\tBáo cáo\tSở Tư pháp\t\t{cell}", "2.\tKiểm tra\tBáo cáo\tSở Nội vụ\t\tQuý I/2026"]
    return ingest.build_plan(read_text("KẾ HOẠCH\nCải cách hành chính năm 2026\n" + HEADER + "\n" + "\n".join(rows)
                                       + "\n"))


def test_a_cell_past_the_limit_is_read_up_to_its_last_whole_part_with_a_warning(session):
    draft = _plan(_dates_cell(10_000))
    long, short = draft.tasks
    assert len(long.deadline_text) == 10_000  # kept as written; only its start is read
    read = deadline_read(long.deadline_text)
    assert len(read) <= MAX_DEADLINE_CELL and read.endswith("/2026;")  # never half a date
    parts = read.count("Ngày ")
    assert [m.due for m in long.milestones] == [date(2026, 1, 1) + timedelta(days=i) for i in range(parts)]
    shown = f"{len(read):,}".replace(",", ".")  # "1.988": Vietnamese groups thousands with dots
    warning = f"Ô thời hạn dài 10.000 ký tự, quá giới hạn 2.000: chỉ đọc {shown} ký tự đầu"
    assert [w for w in long.warnings if w.startswith(warning)] and long.milestones[0].warnings[-1].startswith(warning)
    assert not short.warnings and len(short.milestones) == 1

    stored = store_plan(session, draft, AgencyDirectory.load())
    session.commit()
    assert stored.created
    assert session.scalar(select(func.count()).select_from(Milestone)) == parts + 1
    first = session.scalars(select(Milestone).where(Milestone.due == date(2026, 1, 1))).one()
    assert first.warnings[-1].startswith(warning)


def test_a_cell_of_one_repeated_deadline_is_one_milestone_and_a_cell_within_the_limit_has_no_warning():
    draft = _plan("Quý I/2026; " * 1_000)
    [milestone] = draft.tasks[0].milestones
    assert milestone.due == date(2026, 3, 31)
    assert draft.tasks[0].warnings and "quá giới hạn 2.000" in draft.tasks[0].warnings[0]
    within = _plan(_dates_cell(MAX_DEADLINE_CELL - 5))
    assert not within.tasks[0].warnings and deadline_read(within.tasks[0].deadline_text) == \
        within.tasks[0].deadline_text
