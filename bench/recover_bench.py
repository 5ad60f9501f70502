"""Kill and recover: a dispatcher killed mid-pass, then restarted one (simulated) minute later, on SQLite and
PostgreSQL. Run from the root: ``.venv/bin/python -m bench.recover_bench [--count 2000] [--kills 2]``.

Each database gets ``--count`` due email reminders. ``hanchot remind`` (a real process) sends them to the SMTP
sink process on loopback and is SIGKILLed ``--kills`` times at different depths; each restart runs with the
clock one minute later (past the 45-second claim lease, like the scheduler's next tick). Reported per database:

- **lost**: reminders whose Message-ID never reached the sink (target 0);
- **duplicates**: Message-IDs received twice (target ≤ 20 per kill: the sends in flight; each a resend of the
  same Message-ID);
- **recover**: wall seconds of the first restart after the last kill until every reminder is sent, plus the
  one simulated minute the restart waited (target: everything sent by the first restart, ≤ 1 min + the pass);
- **unknown**: the killed processes' "sending" delivery rows reconciled as "unknown" at restart (possible
  duplicates; an upper bound of the real ones).

Options: ``--count``, ``--kills``, ``--pg URL`` (server; a database is created and dropped), ``--sink-dir``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
AT = datetime(2025, 5, 5, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def remind(url: str, port: int, now: datetime, mail_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "HANCHOT_DATABASE_URL": url, "HANCHOT_SECRET_KEY": "bench-recover",
           "HANCHOT_SMTP_URL": f"smtp://127.0.0.1:{port}?timeout=120", "HANCHOT_MAIL_DIR": str(mail_dir)}
    return subprocess.Popen([sys.executable, "-m", "hanchot", "remind", "--now", now.isoformat(), "--json"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_case(name: str, url: str, count: int, kills: int, sink_root: Path | None) -> None:
    from sqlalchemy import func, select

    from models import Delivery, Reminder
    from models.db import make_engine, session_factory
    from models.migrate import upgrade
    from notifiers.mail_content import message_id_for
    from tests.scheduler.world import build_world, seed_outbox
    from tests.support.smtp_sink import SmtpSink

    engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    with factory() as session:
        keys = seed_outbox(session, build_world(session), count, AT)
    with tempfile.TemporaryDirectory(dir=sink_root) as sink_tmp, tempfile.TemporaryDirectory() as mail_tmp:
        sink = SmtpSink(Path(sink_tmp) / "sink").start()
        try:
            now = AT
            for n in range(kills):
                process = remind(url, sink.port, now, Path(mail_tmp))
                target = count * (n + 1) // (kills + 2)
                while len(list(sink.inbox.glob("*.eml"))) < target and process.poll() is None:
                    time.sleep(0.005)
                process.send_signal(signal.SIGKILL)
                process.wait()
                now += timedelta(minutes=1)
            started = time.perf_counter()
            restart = remind(url, sink.port, now, Path(mail_tmp))
            restart.communicate(timeout=1200)
            recover = time.perf_counter() - started
            with factory() as session:
                left = session.scalar(select(func.count()).select_from(Reminder).where(Reminder.status != "sent"))
                unknown = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "unknown"))
            extra = 0
            while left and extra < 5:  # sends the flooded sink answered late: transient, retried after backoff
                now += timedelta(minutes=31)
                remind(url, sink.port, now, Path(mail_tmp)).communicate(timeout=1200)
                extra += 1
                with factory() as session:
                    left = session.scalar(select(func.count()).select_from(Reminder).where(Reminder.status != "sent"))
            received = Counter(r.message["Message-ID"] for r in sink.received(expect=count, timeout=30))
        finally:
            sink.stop()
    expected = {message_id_for(k) for k in keys}
    lost = len(expected - set(received))
    duplicates = sum(n - 1 for n in received.values())
    first = "everything sent by the first restart" if extra == 0 else f"{extra} more passes needed"
    print(f"{name:10} {count} reminders, {kills} SIGKILLs: lost {lost}, duplicates {duplicates} "
          f"(bound {20 * kills}), recover 60 s simulated + {recover:.1f} s wall ({first}), unknown {unknown}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--pg", default=PG_SERVER)
    parser.add_argument("--sink-dir", type=Path, default=Path("/dev/shm") if Path("/dev/shm").is_dir() else None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run_case("SQLite", f"sqlite:///{tmp}/recover.db", args.count, args.kills, args.sink_dir)
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    name = f"hanchot_bench_{secrets.token_hex(4)}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
        run_case("PostgreSQL", url, args.count, args.kills, args.sink_dir)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
