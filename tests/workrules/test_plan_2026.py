"""The 2026 plan case, end to end on SQLite and PostgreSQL.

"Chậm nhất ngày 02/01/2026" is due 05/01/2026 from the first import (config/holidays.toml makes 02/01 a day
off; 03–04/01 is a weekend). With the CV 581 rule configured, "Định kỳ hằng Quý" falls on 20/3, 20/6,
20/9 and 20/12. A day off added on 20/03/2026 and a recompute move it to 23/03/2026: the feed's event gets
a higher SEQUENCE, the reminders planned for 20/3 are cancelled and nobody is reminded twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import AuditLog, Contact, Reminder, ReminderStatus
from models.db import session_factory
from scheduler.outbox import plan_reminders
from scheduler.runtime import rules_resolver
from tests.workrules.helpers import (
    CV_581,
    PLAN_21,
    ROOT,
    add_day_off,
    config_dir,
    import_plan,
    live,
    milestone_of,
    province_feed,
    rules_of,
    settings_for,
    uid,
)
from workrules.recompute import recompute
from workrules.replan import replan

MARCH_17 = datetime(2026, 3, 17, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội: "3 working days before 20/3"


def test_the_2026_plan_from_import_to_recompute(engine, tmp_path):
    folder = config_dir(tmp_path, day_rules=CV_581)
    settings = settings_for(folder, str(engine.url))
    with session_factory(engine)() as session:
        plan = import_plan(session, PLAN_21, rules_of(folder))
        first = milestone_of(session, plan, "1-1")
        assert [(o.due, o.effective_due) for o in live(first)] == [(date(2026, 1, 2), date(2026, 1, 5))]
        quarterly = milestone_of(session, plan, "1-2")
        assert [o.due for o in live(quarterly)] == [date(2026, 3, 20), date(2026, 6, 20), date(2026, 9, 20),
                                                    date(2026, 12, 20)]
        assert [o.effective_due for o in live(quarterly)] == [date(2026, 3, 20), date(2026, 6, 22),
                                                              date(2026, 9, 21), date(2026, 12, 21)]
        march = live(quarterly)[0]
        lead = next(a.agency for a in quarterly.task.assignments if a.role == "lead")
        session.add(Contact(name="Lê Văn Hòa", agency_id=lead.id, email="hoa@hoangphu.example", channels=["email"]))
        session.commit()
        plan_reminders(session, MARCH_17, rules_of(folder).calendar.is_working_day, rules_resolver(settings))
        before_feed = province_feed(session)[uid(quarterly, march)]
        first_planned = _reminders(session, march.id)
        assert {(r.lead_days, r.payload["due"]) for r in first_planned} == {(3, "2026-03-20"), (1, "2026-03-20")}
        three_days = next(r for r in first_planned if r.lead_days == 3)
        three_days.status, three_days.sent_at = ReminderStatus.SENT, MARCH_17  # this morning's reminder went out
        session.commit()

        add_day_off(folder, date(2026, 3, 20))
        rules = rules_of(folder)
        report = recompute(session, rules, actor="hanchot dates recompute", now=MARCH_17)
        replanned = replan(session, report.occurrence_ids, rules, settings, MARCH_17)

        session.refresh(march)
        assert (march.due, march.effective_due) == (date(2026, 3, 20), date(2026, 3, 23))
        assert [(c.occurrence_id, c.before, c.after) for c in report.changes] == [
            (march.id, (date(2026, 3, 20), date(2026, 3, 20)), (date(2026, 3, 20), date(2026, 3, 23)))]
        after_feed = province_feed(session, rules)[uid(quarterly, march)]
        assert after_feed.day == date(2026, 3, 23) and after_feed.sequence > before_feed.sequence
        assert "20/03/2026 là ngày nghỉ: Nghỉ bù theo thông báo của tỉnh" in after_feed.description
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "occurrence.recompute")).all()
        assert [(a.entity_id, a.before["effective_due"], a.after["effective_due"]) for a in audit] == [
            (march.id, "2026-03-20", "2026-03-23")]
        assert "hạn thực tế từ 20/03/2026 sang 23/03/2026" in audit[0].after["note"]

        reminders = _reminders(session, march.id)
        pending = [r for r in reminders if r.status == ReminderStatus.PENDING]
        assert {(r.lead_days, r.payload["due"]) for r in pending} == {(1, "2026-03-23")}  # 19/3, for the new date
        old = next(r for r in reminders if r.lead_days == 1 and r.payload["due"] == "2026-03-20")
        assert old.status == ReminderStatus.CANCELLED  # planned for the old date, cancelled at once
        alive = [r for r in reminders if r.status != ReminderStatus.CANCELLED]
        per_day = Counter((r.contact_id, r.channel, r.fire_at.date()) for r in alive)
        assert max(per_day.values()) == 1  # "3 days left" went out this morning: not planned again for 23/3
        assert replanned.cancelled == 1

        again = recompute(session, rules, actor="hanchot dates recompute", now=MARCH_17)
        assert again.changes == [] and replan(session, [], rules, settings, MARCH_17).planned == 0


def _reminders(session, occurrence_id: int) -> list[Reminder]:
    session.expire_all()
    return list(session.scalars(select(Reminder).where(Reminder.occurrence_id == occurrence_id)
                                .order_by(Reminder.id)))


@pytest.mark.slow  # eight command-line processes
def test_the_command_line_imports_recomputes_and_records_events(migrated_url, tmp_path):
    db_url = migrated_url
    folder = config_dir(tmp_path, day_rules=CV_581)
    env = {**os.environ, "HANCHOT_DATABASE_URL": db_url, "HANCHOT_CONFIG_DIR": str(folder)}

    def hanchot(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    hanchot("import", str(PLAN_21), "--publish")
    assert "Thử: 0 hạn sẽ đổi" in hanchot("dates", "recompute", "--dry-run")
    add_day_off(folder, date(2026, 3, 20))
    dry = hanchot("dates", "recompute", "--dry-run")
    assert "(quý I): Đổi hạn thực tế từ 20/03/2026 sang 23/03/2026" in dry and "Thử: 1 hạn sẽ đổi" in dry
    assert "Thử: 1 hạn sẽ đổi" in hanchot("dates", "recompute", "--dry-run")  # the dry run wrote nothing
    assert "1 hạn đổi" in hanchot("dates", "recompute")
    assert "0 hạn đổi" in hanchot("dates", "recompute")

    from models.db import make_engine

    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        from models import Plan

        plan = session.scalars(select(Plan)).one()
        assert [o.effective_due for o in live(milestone_of(session, plan, "1-1"))] == [date(2026, 1, 5)]
        assert live(milestone_of(session, plan, "1-2"))[0].effective_due == date(2026, 3, 23)
        assert [o.due for o in live(milestone_of(session, plan, "1-4"))] == [date(2026, 1, 20)]  # 15 days from 5/1
        event = milestone_of(session, plan, "1-3")
    engine.dispose()
    out = hanchot("milestones", "event", str(event.id), "2026-02-13")  # Friday before Tết
    assert "Hạn 27/02/2026 (5 ngày làm việc kể từ ngày 13/02/2026)" in out  # 16–20/2 Tết; 23/2 … 27/2
    done = subprocess.run([sys.executable, "-m", "hanchot", "milestones", "event", str(event.id), "13/02/2026"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "không phải ngày dạng YYYY-MM-DD" in done.stderr
