"""Concurrent dispatchers, and dispatchers killed mid-batch: every reminder arrives, none twice but the in-flight."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models import Delivery, Reminder
from models.db import session_factory
from notifiers.mail_content import message_id_for
from scheduler.dispatch import DispatchConfig, Dispatcher
from scheduler.runtime import build_notifiers, link_settings
from tests.scheduler.world import build_world, seed_outbox

ROOT = Path(__file__).resolve().parents[2]
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2025, 5, 5, 8, 0, tzinfo=HCM).astimezone(UTC)  # no planned reminder of the world fires that day
BATCH = 20


@pytest.mark.external_service
@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.external_service)], indirect=True)
def test_it_never_gives_one_row_to_two_concurrent_workers(engine, session, smtp_sink, settings_for):
    keys = seed_outbox(session, build_world(session), 300, AT)
    settings = settings_for(smtp_sink)
    factory = session_factory(engine)
    results = []

    def work(name):
        dispatcher = Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), lambda: AT,
                                DispatchConfig(concurrency=10, claim_size=10), worker=name)
        results.append(dispatcher.run())

    workers = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    received = Counter(r.message_id for r in smtp_sink.received(expect=300, timeout=30))
    assert received == Counter({message_id_for(k): 1 for k in keys})
    assert sum(r.claimed for r in results) == 300 and all(r.claimed > 0 for r in results)  # all three took part
    assert session.scalar(select(func.count()).select_from(Delivery)) == 300
    by_worker = Counter(session.scalars(select(Reminder.claimed_by)))
    assert len(by_worker) == 3


def remind(engine, sink, now, tmp_path):
    env = {**os.environ, "HANCHOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           # A generous timeout: a send that times out after the sink accepted it is a legitimate duplicate
           # (at least once), but this test counts only the duplicates the kills cause.
           "HANCHOT_SMTP_URL": f"smtp://127.0.0.1:{sink.port}?timeout=120", "HANCHOT_SECRET_KEY": "kiem-thu",
           "HANCHOT_MAIL_DIR": str(tmp_path)}
    return subprocess.Popen([sys.executable, "-m", "hanchot", "remind", "--now", now.isoformat(), "--json"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def inbox_count(sink):
    return len(list(sink.inbox.glob("*.eml"))) if sink.inbox.exists() else 0


@pytest.mark.slow
@pytest.mark.external_service
def test_it_delivers_every_reminder_after_the_dispatcher_is_killed(engine, session, smtp_sink, tmp_path, capsys):
    keys = seed_outbox(session, build_world(session), 1000, AT)
    kills, now, in_flight = 0, AT, 0
    for target in (250, 600):  # kill twice, at different depths
        process = remind(engine, smtp_sink, now, tmp_path)
        deadline = time.monotonic() + 120
        while inbox_count(smtp_sink) < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert process.poll() is None, f"the dispatcher ended before the kill: {process.stderr.read()}"
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        # The restart comes one minute later: past the 45-second lease, so the killed claims are reclaimed at once.
        now += timedelta(minutes=1)
        left = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "sending"))
        assert left > 0  # the kill left claimed sends unrecorded (the next start reconciles the previous kill's)
        in_flight += left
    # Restart until the outbox is empty: the sink, flooded by the killed process's half-open connections, may
    # answer late for a while; those sends are transient failures retried after their backoff.
    for attempt in range(5):
        final = remind(engine, smtp_sink, now, tmp_path)
        _out, err = final.communicate(timeout=300)
        assert final.returncode == 0, err
        if attempt == 0:  # the first restart, one minute after the kill, took every killed claim back
            session.expire_all()
            assert session.scalar(select(func.count()).select_from(Reminder).where(
                Reminder.status == "claimed")) == 0
            assert session.scalar(select(func.count()).select_from(Delivery).where(
                Delivery.status == "sending")) == 0
            # Reconciled: the dead claimers' "sending" rows are "unknown" (possible duplicates, same Message-ID;
            # an upper bound: at most ``concurrency`` of them per kill had reached the server).
            assert session.scalar(select(func.count()).select_from(Delivery).where(
                Delivery.status == "unknown")) == in_flight
        if session.scalar(select(func.count()).select_from(Reminder).where(Reminder.status != "sent")) == 0:
            break
        now += timedelta(hours=1)
    received = Counter(r.message_id for r in smtp_sink.received(expect=1000, timeout=30))
    expected = {message_id_for(k) for k in keys}
    assert set(received) == expected  # every reminder arrived
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= kills * BATCH  # only the in-flight batch of each kill can repeat
    assert sum(1 for n in received.values() if n == 1) >= 1000 - kills * BATCH
    assert set(session.scalars(select(Reminder.status))) == {"sent"}
    with capsys.disabled():
        print(f"\ncrash test: {kills} SIGKILLs, {len(received)} distinct Message-IDs, {duplicates} duplicates "
              f"(bound {kills * BATCH})")
