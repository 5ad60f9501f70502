"""The full list of deadlines: overdue newest first, paged, filtered by plan, agency and status; the dashboard
shows the newest overdue ones and links to the rest."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models import Assignment, Milestone, Occurrence, Plan, Task
from tests.web.world import TODAY
from web.deadline_list import PAGE_SIZE

OLD = 60  # overdue deadlines added to the world's one: more than a page


def _days(html: str) -> list[date]:
    return [date(int(y), int(m), int(d)) for d, m, y in re.findall(r'data-label="Hạn">(\d\d)/(\d\d)/(\d{4})', html)]


def _many_overdue(session: Session, world) -> Plan:  # type: ignore[no-untyped-def]
    """``OLD`` overdue deadlines of Sở Nội vụ in a second published plan, one a day going back from 10 days ago."""
    other = Plan(number="77/KH-UBND", title="Kế hoạch khác", plan_year=TODAY.year, content_hash="c" * 64,
                 status="published", source_name="khac.txt")
    for n in range(OLD):
        task = Task(plan=other, key=f"k{n}", number=str(n + 1), content=f"Nhiệm vụ cũ {n}", deadline_text="x",
                    position=n)
        task.assignments = [Assignment(agency=world.noi_vu, role="lead", as_written="Sở Nội vụ")]
        day = TODAY - timedelta(days=10 + n)
        milestone = Milestone(task=task, key="m1", kind="once", label=f"Việc cũ {n}", due=day, source="x")
        milestone.occurrences = [Occurrence(due=day, effective_due=day)]
        session.add(milestone)
    session.add(other)
    session.commit()
    return other


def test_overdue_newest_first_paged_and_filtered(admin: TestClient, world, db_session: Session) -> None:
    other = _many_overdue(db_session, world)
    first = admin.get("/deadlines")
    assert first.status_code == 200
    assert f"{OLD + 1} hạn · trang 1/2" in first.text
    days = _days(first.text)
    assert days[0] == world.overdue.effective_due and days == sorted(days, reverse=True)  # newest overdue first
    assert len(days) == PAGE_SIZE
    second = admin.get("/deadlines?trang=2")
    assert len(_days(second.text)) == OLD + 1 - PAGE_SIZE and 'rel="prev"' in second.text
    assert max(_days(second.text)) < min(days)
    by_plan = admin.get(f"/deadlines?plan={world.plan.id}").text
    assert _days(by_plan) == [world.overdue.effective_due]
    by_agency = admin.get(f"/deadlines?agency={world.noi_vu.id}&status=overdue").text
    assert f"{OLD + 1} hạn · trang 1/2" in by_agency  # its own and its group's ("Các sở, ban, ngành")
    by_other = admin.get(f"/deadlines?agency={world.tu_phap.id}&status=overdue").text
    assert _days(by_other) == [world.overdue.effective_due]  # only the group's
    open_ones = admin.get(f"/deadlines?status=open&plan={world.plan.id}").text
    assert _days(open_ones) == sorted([world.overdue.effective_due, world.soon.effective_due])
    assert other.number in first.text
    assert admin.get("/deadlines?status=nonsense&plan=99999999999999999999&trang=-4").status_code == 200


def test_the_dashboard_shows_the_newest_overdue_and_links_to_the_rest(admin: TestClient, world,
                                                                      db_session: Session) -> None:
    _many_overdue(db_session, world)
    dashboard = admin.get("/").text
    overdue_section = dashboard.split("<h2>Quá hạn</h2>", 1)[1].split("</section>", 1)[0]
    shown = _days(overdue_section)
    assert len(shown) == 20 and shown[0] == world.overdue.effective_due and shown == sorted(shown, reverse=True)
    assert f'href="/deadlines?status=overdue">Xem tất cả {OLD + 1} hạn quá hạn' in dashboard
