"""Dispatch and planning throughput. Run from the root: ``.venv/bin/python -m bench.dispatch_bench``.

1. **Dispatch**: N reminders (default 10,000) through ``Dispatcher`` (SQLite outbox on disk) to the aiosmtpd
   sink process on loopback, with bounded concurrency (the batch size: sends in flight), compared with the
   sink's own acceptance rate measured in the same run: the very messages the sink just received, replayed
   to it by plain aiosmtplib over ``concurrency`` persistent connections (bytes ready before timing, so only
   the sink and the SMTP exchange are measured). Repeated ``--rounds`` times; the median ratio is reported.
   The sink stores messages on tmpfs by default (``--sink-dir``): on this machine's disk, creating two files
   per message made the sink itself the bottleneck. Target: ≥ 80 % of the sink and ≥ 300 emails/s.
2. **Planning**: ``plan_reminders`` over M milestones (default 100,000) on PostgreSQL, in a child process so
   that its peak RSS is the planner's alone; also at M/10 to show that memory stays flat. Target < 10 s.

Options: ``--count``, ``--concurrency``, ``--milestones``, ``--pg URL`` (server; a database is created and
dropped), ``--skip-dispatch``, ``--skip-planning``, ``--rounds``, ``--sink-dir``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import secrets
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2025, 5, 5, 8, 0, tzinfo=HCM).astimezone(UTC)
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


# ---- 1. dispatch ---------------------------------------------------------------------------------------

async def sink_rate(port: int, mails: list[bytes], concurrency: int) -> float:
    """Messages per second the sink accepts from plain aiosmtplib sends, one connection per message."""
    import aiosmtplib

    gate = asyncio.Semaphore(concurrency)

    async def one(n: int, raw: bytes) -> None:
        async with gate:
            connection = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=120)
            await connection.connect()
            await connection.sendmail("b@hanchot", [f"raw{n}@example.vn"], raw)
            await connection.quit()

    start = time.perf_counter()
    await asyncio.gather(*(one(n, raw) for n, raw in enumerate(mails)))
    return len(mails) / (time.perf_counter() - start)


async def pooled_sink_rate(port: int, mails: list[bytes], concurrency: int) -> float:
    """The same, over ``concurrency`` persistent connections (as ``SmtpNotifier`` sends)."""
    import aiosmtplib

    numbered = iter(enumerate(mails))

    async def lane() -> None:
        connection = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=120)
        await connection.connect()
        for n, raw in numbered:  # the iterator is shared: each lane takes the next message
            await connection.sendmail("b@hanchot", [f"raw{n}@example.vn"], raw)
        await connection.quit()

    start = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return len(mails) / (time.perf_counter() - start)


def dispatch_rate(port: int, count: int, concurrency: int, folder: Path) -> tuple[float, int]:
    """Reminders per second through the real dispatcher (SQLite outbox on disk, full message with .ics)."""
    from config.settings import load_settings
    from models.db import make_engine, session_factory
    from models.migrate import upgrade
    from scheduler.dispatch import DispatchConfig, Dispatcher
    from scheduler.runtime import build_notifiers, link_settings
    from tests.scheduler.world import build_world, seed_outbox

    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    factory = session_factory(engine)
    with factory() as session:
        seed_outbox(session, build_world(session), count, AT)
    settings = load_settings(smtp_url=f"smtp://127.0.0.1:{port}?timeout=120", base_url="https://hanchot.example",
                             secret_key="bench-secret")
    dispatcher = Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), lambda: AT,
                            DispatchConfig(concurrency=concurrency), worker="bench")
    start = time.perf_counter()
    stats = dispatcher.run()
    elapsed = time.perf_counter() - start
    engine.dispose()
    return stats.sent / elapsed, stats.sent


def received_since(inbox: Path, before: set[Path]) -> list[bytes]:
    return [path.read_bytes() for path in sorted(set(inbox.glob("*.eml")) - before)]


def bench_dispatch(count: int, concurrency: int, rounds: int, sink_root: Path | None) -> None:
    """``rounds`` times: the dispatcher sends ``count`` reminders, then the very bytes the sink received are
    replayed to it by plain aiosmtplib over ``concurrency`` pooled connections. The ratio compares like with
    like (same messages, same sink, moments apart), which matters on a machine whose speed drifts."""
    from tests.support.smtp_sink import SmtpSink

    ratios, ours_all = [], []
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(dir=sink_root) as sink_tmp:
        sink = SmtpSink(Path(sink_tmp) / "sink").start()
        try:
            for n in range(rounds):
                before = set(sink.inbox.glob("*.eml"))
                database = Path(tmp) / f"round{n}"
                database.mkdir()
                ours, sent = dispatch_rate(sink.port, count, concurrency, database)
                mails = received_since(sink.inbox, before)
                pooled = asyncio.run(pooled_sink_rate(sink.port, mails, concurrency))
                ratios.append(ours / pooled)
                ours_all.append(ours)
                print(f"round {n + 1}: {sent}/{count} reminders sent ({len(mails)} stored by the sink), "
                      f"{sum(map(len, mails)) / len(mails) / 1024:.1f} KiB each")
                print(f"  sink, the same messages replayed, {concurrency} pooled connections: {pooled:7.1f} emails/s")
                print(f"  hanchot dispatcher, SQLite outbox → SMTP, {concurrency} in flight: {ours:7.1f} emails/s"
                      f" = {ours / pooled:5.1%}")
            per_message = asyncio.run(sink_rate(sink.port, mails[: count // 5], concurrency))
        finally:
            sink.stop()
    print(f"  (sink, one connection per message: {per_message:.1f} emails/s)")
    print(f"dispatch: median {statistics.median(ours_all):.1f} emails/s = {statistics.median(ratios):.1%} of the "
          f"sink (target ≥ 80 %, ≥ 300 emails/s); sink folder on {sink_root or 'the default temporary folder'}")


# ---- 2. planning -----------------------------------------------------------------------------------------

def seed_milestones(url: str, milestones: int, today: date) -> None:
    """A published plan with ``milestones`` milestones, one open occurrence each, due around ``today``."""
    from sqlalchemy import insert

    from models import Agency, Assignment, Contact, Milestone, Occurrence, Plan, Task
    from models.db import make_engine
    from models.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as c:
        c.execute(insert(Agency), [{"name": f"Cơ quan {n:03d}"} for n in range(100)])
        c.execute(insert(Contact), [{"name": f"Cán bộ {n:03d}-{k}", "agency_id": n + 1, "email": f"c{n}-{k}@x.vn",
                                     "channels": ["email"]} for n in range(100) for k in range(2)])
        c.execute(insert(Plan), [{"title": "Kế hoạch thử tải", "number": "1/KH-BENCH", "plan_year": today.year,
                                  "content_hash": "0" * 64, "status": "published"}])
        tasks = milestones // 5
        for start in range(0, tasks, 5000):
            ids = range(start + 1, min(start + 5000, tasks) + 1)
            c.execute(insert(Task), [{"plan_id": 1, "key": f"T{i}", "content": f"Nhiệm vụ số {i}"} for i in ids])
            c.execute(insert(Assignment), [{"task_id": i, "agency_id": i % 100 + 1, "role": "lead"} for i in ids])
        for start in range(0, milestones, 10000):
            ids = range(start + 1, min(start + 10000, milestones) + 1)
            c.execute(insert(Milestone), [{"task_id": (i - 1) // 5 + 1, "key": f"m{i}", "kind": "once",
                                           "label": f"Mốc {i}"} for i in ids])
            c.execute(insert(Occurrence), [{"milestone_id": i, "due": today + timedelta(days=i % 60 - 20),
                                            "effective_due": today + timedelta(days=i % 60 - 20)} for i in ids])
    engine.dispose()


def plan_in_child(url: str, now: datetime, queue: multiprocessing.Queue) -> None:
    from models.db import make_engine, session_factory
    from scheduler.outbox import plan_reminders
    from scheduler.planning import Rules
    from tests.scheduler.independent import plain_is_working

    engine = make_engine(url)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with session_factory(engine)() as session:
        stats = plan_reminders(session, now, plain_is_working, lambda p, a: Rules(), horizon_days=2)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, stats.occurrences, stats.inserted, before / 1024, peak / 1024))


def bench_planning(milestones: int, server: str) -> None:
    from sqlalchemy import create_engine, make_url, text

    today = AT.astimezone(HCM).date()
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    for size in (milestones // 10, milestones):
        name = f"hanchot_bench_{secrets.token_hex(4)}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        try:
            seed_milestones(url, size, today)
            queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
            child = multiprocessing.get_context("spawn").Process(target=plan_in_child, args=(url, AT, queue))
            child.start()
            elapsed, occurrences, inserted, rss_start, rss_peak = queue.get(timeout=600)
            child.join()
            print(f"planning: {size:>7} milestones on PostgreSQL: {elapsed:6.2f} s, {occurrences} occurrences "
                  f"scanned, {inserted} reminders inserted; RSS {rss_start:.0f} MiB at start, peak {rss_peak:.0f} MiB"
                  f" (target < 10 s)")
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--milestones", type=int, default=100000)
    parser.add_argument("--pg", default=PG_SERVER)
    parser.add_argument("--skip-dispatch", action="store_true")
    parser.add_argument("--skip-planning", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sink-dir", type=Path, default=Path("/dev/shm") if Path("/dev/shm").is_dir() else None,
                        help="where the sink stores messages (default: tmpfs, so the disk is not what is measured)")
    args = parser.parse_args()
    if not args.skip_planning:
        bench_planning(args.milestones, args.pg)
    if not args.skip_dispatch:
        bench_dispatch(args.count, args.concurrency, args.rounds, args.sink_dir)
