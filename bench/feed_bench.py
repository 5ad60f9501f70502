"""Feed rendering speed: an agency feed of 2,000 events, from the database and from ready FeedEvents.

Run from the repository root: ``.venv/bin/python -m bench.feed_bench [--events 2000] [--rounds 20]``.
Target: rendering a 2,000-event feed in < 50 ms (the HTTP serving part is bench/feed_serve_bench.py).
icalendar serialises each VEVENT once per distinct content; the bytes are kept in process memory and in the
database (``rendered_events``). The figures show the three states a render can meet: events never seen
(icalendar for every one, then stored), a restarted process (events read from the database), and a warm
process. The database is a temporary SQLite file with one published plan whose tasks all lead to one agency.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from calendars.conditional import etag_for
from calendars.event_store import TABLE, DatabaseEventStore
from calendars.feed import FeedCalendar, clear_event_cache, render
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


def timed(rounds: int, work, setup=lambda: None) -> list[float]:
    times = []
    for _ in range(rounds):
        setup()
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


def fresh(feed: FeedCalendar) -> FeedCalendar:
    """The same feed as new objects, as a new process would build them (no digest computed yet)."""
    return replace(feed, events=[replace(e) for e in feed.events])


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
        store = DatabaseEventStore(engine)

        current = [feed]

        def restart() -> None:  # a new process: only the database knows the events
            clear_event_cache()
            current[0] = fresh(feed)

        def forget() -> None:
            restart()
            with engine.begin() as connection:
                connection.execute(TABLE.delete())

        report("render, events never seen", timed(3, lambda: render(current[0], store), forget))
        report("render after a restart (stored)", timed(args.rounds, lambda: render(current[0], store), restart))
        report("render, warm process", timed(args.rounds, lambda: render(feed, store)))
        report("render + ETag, warm", timed(args.rounds, lambda: etag_for(render(feed, store))))

        def from_db() -> None:
            clear_event_cache()
            with sessions() as session:
                render(build_feed(session, scope, base_url=base), store)
        report("query + render after a restart", timed(max(3, args.rounds // 4), from_db))
        report("lint", timed(max(3, args.rounds // 4), lambda: lint_ics(body)))
        engine.dispose()


if __name__ == "__main__":
    main()
