"""A task's section path and extra columns are stored (SQLite and PostgreSQL), kept on re-import, updated on change."""

from __future__ import annotations

from sqlalchemy import select

from config.agencies import AgencyDirectory
from ingest import build_plan
from ingest.store import store_plan
from ingest.text_layouts import read_text
from models.plans import Task
from tests.support.render_docs import grid_text

HEADER = ["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn", "Nguồn kinh phí", "Ghi chú"]


def _draft(funding: str):
    blocks = ["KẾ HOẠCH", "Chuyển đổi số năm 2026",
              [HEADER, ["A", "HẠ TẦNG SỐ", "", "", "", ""], ["I", "Mạng viễn thông", "", "", "", ""],
               ["1", "Phủ sóng 5G các khu công nghiệp.", "Sở Khoa học và Công nghệ", "Năm 2026", funding, ""],
               ["2", "Số hóa hồ sơ.", "Sở Nội vụ", "Quý II/2026", "", ""]]]
    return build_plan(read_text(grid_text(blocks), "kh.txt"), plan_year=2026)


def test_it_stores_the_section_and_the_extra_columns_and_updates_them(session):
    directory = AgencyDirectory.load()
    first = store_plan(session, _draft("Ngân sách tỉnh"), directory)
    session.commit()
    stored = {t.key: t for t in session.scalars(select(Task).where(Task.plan_id == first.plan_id))}
    assert set(stored) == {"A/I-1", "A/I-2"}
    assert (stored["A/I-1"].section, stored["A/I-1"].extra) == ("A > I", {"Nguồn kinh phí": "Ngân sách tỉnh"})
    assert stored["A/I-2"].extra is None
    again = store_plan(session, _draft("Ngân sách tỉnh"), directory)
    session.commit()
    assert not again.changed
    changed = store_plan(session, _draft("Vốn xã hội hóa"), directory)
    session.commit()
    assert changed.tasks_changed == 1
    session.expire_all()
    task = session.scalar(select(Task).where(Task.plan_id == first.plan_id, Task.key == "A/I-1"))
    assert task.extra == {"Nguồn kinh phí": "Vốn xã hội hóa"}
