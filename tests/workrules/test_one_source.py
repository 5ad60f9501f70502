"""One source of work rules: no code path computes an effective date without the work rules service.

Two guards. The code: outside ``workrules/`` (and the pure engine it calls) nothing builds a working-day
calendar, calls the due-policy shift or writes ``effective_due``. The behaviour: the five seed plans are
imported under a holiday table with extra days off, and the importer, the review editor, event recording,
the recompute and the feed agree on every occurrence with a date computed here from the law itself.
"""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from deadlines import Kind
from ingest import read_plan
from models import Milestone, Occurrence, OccurrenceStatus
from models.db import session_factory
from tests.support.data import SEEDS
from tests.workrules.helpers import ROOT, add_day_off, config_dir, import_plan, live, province_feed, rules_of, uid
from web.editing import apply_edit
from workrules.events import record_event
from workrules.recompute import recompute

SCANNED = [p for p in ROOT.rglob("*.py") if not {".venv", "tests", "bench", "migrations", "node_modules"} & set(
    p.relative_to(ROOT).parts)]
SERVICE = ("workrules", "deadlines")  # the service, and the pure engine it hands data to
CALENDAR_BUILDER = Path("config/holidays.py")  # HolidayOverrides.work_calendar: called by the service only


def _offences(path: Path, root: Path = ROOT) -> list[str]:
    relative = path.relative_to(root)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        where = f"{relative}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("effective_due", "WorkCalendar") and relative != CALENDAR_BUILDER:
                found.append(f"{where}: calls {name}()")
            if isinstance(node.func, ast.Attribute) and name == "work_calendar":  # HolidayOverrides'
                found.append(f"{where}: builds a calendar (.work_calendar())")
            for keyword in node.keywords:
                value = keyword.value
                reads = isinstance(value, ast.Attribute) and value.attr == "effective_due"
                if keyword.arg == "effective_due" and not reads:
                    found.append(f"{where}: passes a computed effective_due")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "effective_due" for t in targets):
                found.append(f"{where}: writes effective_due")
        elif isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "effective_due"
                                                for k in node.keys):
            found.append(f"{where}: writes an effective_due column value")
    return found


@pytest.mark.slow
def test_no_code_outside_the_service_computes_an_effective_date():
    offences = [o for path in SCANNED if path.relative_to(ROOT).parts[0] not in SERVICE for o in _offences(path)]
    assert offences == []
    assert len(SCANNED) > 100  # the scan saw the code base


def test_the_guard_catches_a_calendar_built_on_the_side(tmp_path):
    sneaky = tmp_path / "web" / "sneaky.py"
    sneaky.parent.mkdir()
    sneaky.write_text("from deadlines.workdays import WorkCalendar\n\n\ndef due(o):\n"
                      "    o.effective_due = WorkCalendar().on_or_after(o.due)\n", encoding="utf-8")
    assert [o.split(": ", 1)[1] for o in _offences(sneaky, tmp_path)] == ["writes effective_due",
                                                                          "calls WorkCalendar()"]


def _expected(nominal: date, strict: bool, calendar) -> date:
    """Bộ luật Dân sự Điều 148 k5 by analogy, written out: a day off moves to the next working day, except that
    a strict "trước ngày X" deadline (nominal X−1) never reaches X and goes back instead."""
    day = nominal
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    if strict and day > nominal:
        day = nominal
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def _extra_days_off(folder: Path) -> list[date]:
    """Every nominal due date of the seeds that is a working day: each becomes a day off."""
    calendar = rules_of(folder).calendar
    dues = sorted({o.due for seed in sorted(SEEDS.glob("*.txt")) for task in _items(read_plan(seed))
                   for m in task.milestones for o in m.occurrences} |
                  {m.due for seed in sorted(SEEDS.glob("*.txt")) for task in _items(read_plan(seed))
                   for m in task.milestones if m.kind is Kind.ONCE and m.due})
    return [d for d in dues if calendar.is_working_day(d)]


def _items(draft):
    return [*draft.tasks, *draft.obligations]


@pytest.mark.slow
def test_import_edit_event_recompute_and_feed_agree_on_every_seed_occurrence(engine, tmp_path):
    folder = config_dir(tmp_path)
    extra = _extra_days_off(folder)
    assert len(extra) >= 25
    for day in extra:
        add_day_off(folder, day, "Ngày nghỉ thêm của bài kiểm tra")
    rules = rules_of(folder)
    calendar = rules.calendar
    with session_factory(engine)() as session:
        for seed in sorted(SEEDS.glob("*.txt")):
            import_plan(session, seed, rules)
        occurrences = session.scalars(select(Occurrence).where(Occurrence.status == OccurrenceStatus.OPEN)).all()
        assert len(occurrences) > 100
        moved_by_extra = [o for o in occurrences if o.due in extra]
        assert len(moved_by_extra) >= 20  # the bare holidays package would have kept these on their nominal day
        for o in occurrences:  # the importer
            assert o.effective_due == _expected(o.due, o.milestone.strict, calendar), (o.milestone.source, o.due)
        assert all(o.effective_due != o.due for o in moved_by_extra)

        assert recompute(session, rules, actor="test", now=datetime(2026, 1, 5, tzinfo=UTC)).changes == []

        feed = province_feed(session, rules)  # the feed
        for o in occurrences:
            if o.milestone.task.plan.status == "published" and o.milestone.task.cancelled_at is None:
                assert feed[uid(o.milestone, o)].day == o.effective_due

        once = [m for m in session.scalars(select(Milestone).where(Milestone.kind == Kind.ONCE.value))
                if live(m) and live(m)[0].due in extra][:5]
        assert once
        for m in once:  # the review editor: saving what was loaded keeps the dates; a new date is computed
            before = [o.effective_due for o in live(m)]
            apply_edit(m, kind="once", label=m.label, due=live(m)[0].due, rrule=None,
                       plan_year=m.task.plan.plan_year, rules=rules)
            assert [o.effective_due for o in live(m)] == before
            typed = next(d for d in extra if d != m.due)
            apply_edit(m, kind="once", label=m.label, due=typed, rrule=None,
                       plan_year=m.task.plan.plan_year, rules=rules)
            assert [o.effective_due for o in live(m)] == [_expected(typed, False, calendar)] != [typed]

        waiting = next(m for m in session.scalars(select(Milestone).where(Milestone.kind == Kind.ON_EVENT.value))
                       if m.event_date is None)
        event_day = extra[3] - timedelta(days=1)
        record_event(session, waiting, event_day, rules, actor="test", now=datetime(2026, 1, 5, tzinfo=UTC),
                     due=extra[3])  # event recording: a typed due date on a day off moves like any other
        assert [o.effective_due for o in live(waiting)] == [_expected(extra[3], False, calendar)]
        session.commit()
        assert recompute(session, rules, actor="test", now=datetime(2026, 1, 5, tzinfo=UTC)).changes == []


@pytest.mark.parametrize("name", ["ingest/store.py", "web/editing.py", "calendars/query.py", "scheduler/outbox.py"])
def test_the_writers_and_readers_named_in_the_issue_are_scanned(name):
    assert ROOT / name in SCANNED
