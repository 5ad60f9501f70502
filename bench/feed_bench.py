"""Feed rendering speed: an agency feed of 2,000 events, from the database and from ready FeedEvents.

Run from the repository root: ``.venv/bin/python -m bench.feed_bench [--events 2000] [--rounds 20]``.
Target: rendering a 2,000-event feed in < 50 ms (the HTTP serving part comes with the web app). Rendering
caches each serialised VEVENT, so the figures show a cold cache (after a restart) and a warm one.
The database is a temporary SQLite file with one published plan whose tasks all lead to one agency.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from calendars.conditional import etag_for
from calendars.feed import _event_bytes, render
from calendars.lint import lint_ics
from calendars.query import Scope, build_feed
from models import Agency, Assignment, FeedRole, FeedScope, Milestone, Occurrence, Plan, Task
from models.db import make_engine, session_factory
from models.migrate import upgrade

STAMP = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


def populate(session, events: int) -> int:
    """One agency leading ``events // 4`` quarterly milestones (4 occurrences each). Returns the agency id."""
    agency = Agency(name="Sở Tư pháp")
    plan = Plan(number="1/KH-UBND", title="Kế hoạch thử tốc độ", plan_year=2026, content_hash="0" * 64,
                status="published", updated_at=STAMP)
    for n in range(events // 4):
        task = Task(plan=plan, key=f"1-{n}", content=f"Nhiệm vụ số {n}: báo cáo kết quả thực hiện cải cách hành chính",
                    deadline_text="Định kỳ hằng quý", appendix_number="1", updated_at=STAMP)
        task.assignments = [Assignment(agency=agency, role="lead")]
        nominal = [date(2026, 3, 20) + timedelta(days=91 * q + n % 7) for q in range(4)]
        Milestone(task=task, key=f"m{n}", kind="recurring", label=f"Báo cáo {n}", updated_at=STAMP,
                  occurrences=[Occurrence(due=d, effective_due=d, period=f"quý {q + 1}", updated_at=STAMP)
                               for q, d in enumerate(nominal)])
    session.add(plan)
    session.commit()
    return agency.id


def timed(rounds: int, work) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    print(f"{label:<34} median {statistics.median(times):7.1f} ms   min {min(times):7.1f} ms"
          f"   max {max(times):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        sessions = session_factory(engine)
        with sessions() as session:
            agency_id = populate(session, args.events)
        scope = Scope(FeedScope.AGENCY, agency_id, FeedRole.ALL)
        base = "https://hanchot.test"
        with sessions() as session:
            feed = build_feed(session, scope, base_url=base)
        body = render(feed)
        assert len(feed.events) == args.events and lint_ics(body) == []
        print(f"{len(feed.events)} events, {len(body) / 1024:.0f} KiB")
        def cold() -> None:
            _event_bytes.cache_clear()  # as after a restart: every VEVENT serialised by icalendar again
            render(feed)
        report("render, cold event cache", timed(3, cold))
        report("render (FeedCalendar → bytes)", timed(args.rounds, lambda: render(feed)))
        report("render + ETag", timed(args.rounds, lambda: etag_for(render(feed))))

        def from_db() -> None:
            with sessions() as session:
                render(build_feed(session, scope, base_url=base))
        report("query + render (SQLite)", timed(max(3, args.rounds // 4), from_db))
        report("lint", timed(max(3, args.rounds // 4), lambda: lint_ics(body)))
        engine.dispose()


if __name__ == "__main__":
    main()
