"""One on-time rule: the dashboard's rate and the progress report judge a done deadline the same way, on the
officials' calendar day (HANCHOT_TIMEZONE), not on the UTC day the time was stored in. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendars.progress import progress_rows
from models import Occurrence
from tests.web.access.support import TODAY, Communes
from web.queries import on_time_rates


@pytest.mark.parametrize(("local_day", "local_time", "late"), [
    (0, time(23, 30), 0),  # the evening of the day that counts: 16:30 UTC, on time
    (1, time(0, 30), 1),  # half past midnight the next day: still the same UTC day, but a day late
    (-2, time(9, 0), 0),  # early is on time, never "late by -2"
])
def test_the_rate_and_the_report_agree_on_the_local_day(backend_db, backend_settings, communes: Communes,
                                                       local_day: int, local_time: time, late: int) -> None:
    zone = ZoneInfo(backend_settings.timezone)
    occurrence = backend_db.get(Occurrence, communes.tv_lead_overdue.id)
    due = occurrence.effective_due
    occurrence.status, occurrence.done_by = "done", "admin"
    occurrence.done_at = datetime.combine(due + timedelta(days=local_day), local_time, zone).astimezone(ZoneInfo("UTC"))
    backend_db.commit()

    rows = progress_rows(backend_db, today=TODAY, timezone=backend_settings.timezone, plan_id=communes.plan_tv.id)
    row = next(r for r in rows if r.content == occurrence.milestone.task.content)
    assert row.status == (f"Trễ {late} ngày" if late else "Đúng hạn")
    assert row.done_on == due + timedelta(days=local_day)

    rates = {r.agency.id: r for r in on_time_rates(backend_db, due.year, TODAY, backend_settings.timezone)}
    police = rates[communes.police_tv.id]
    assert (police.due, police.on_time) == (1, 0 if late else 1)
