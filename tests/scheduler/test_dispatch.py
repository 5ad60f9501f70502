"""Dispatch through a real SMTP server process on loopback (tests/support/smtp_sink.py), both databases."""

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from models import Delivery, Reminder
from models.db import session_factory
from notifiers.mail_content import message_id_for
from scheduler.actions import mark_done
from scheduler.dispatch import DispatchConfig, Dispatcher
from scheduler.outbox import plan_reminders
from scheduler.planning import Rules
from scheduler.runtime import build_notifiers, link_settings
from tests.scheduler.independent import plain_is_working
from tests.scheduler.world import build_world

pytestmark = pytest.mark.external_service
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2025, 3, 20, 8, 0, tzinfo=HCM)  # 7 working days before 31/03/2025


def plan(session, now=MORNING):
    return plan_reminders(session, now, plain_is_working, lambda p, a: Rules(), horizon_days=0)


def dispatcher(engine, settings, clock, **config):
    factory = session_factory(engine)
    return Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), clock,
                      DispatchConfig(**config), worker="test")


def test_it_sends_each_due_reminder_once_with_its_delivery_row(engine, session, smtp_sink, settings_for):
    world = build_world(session)
    plan(session)
    stats = dispatcher(engine, settings_for(smtp_sink), lambda: MORNING.astimezone(UTC)).run()

    received = smtp_sink.received(expect=3)
    # An and Bình by email; Dung's Zalo is not configured here, so her reminder moves to her next channel
    # (email) and is sent in the same pass: the same row, claimed a second time.
    assert stats.sent == 3 and stats.claimed == 4 and stats.failed == 0 and stats.rerouted == 1
    assert sorted(r.rcpt_tos[0] for r in received) == ["an@snv.example", "binh@snv.example", "dung@ngason.example"]
    subject = received[0].message["Subject"]
    assert subject == "[hanchot] Còn 7 ngày làm việc: Báo cáo CCHC (quý I) — hạn 31/03/2025"
    body = received[0].message.get_body(("plain",)).get_content()
    assert "Kế hoạch: 4784/KH-UBND Kế hoạch cải cách hành chính năm 2025" in body
    assert "Cơ quan chủ trì: Sở Nội vụ; UBND cấp huyện" in body and "https://hanchot.example/r/" in body
    assert [p.get_content_type() for p in received[0].message.walk()][-1] == "text/calendar"
    sent = session.scalars(select(Reminder).where(Reminder.status == "sent")).all()
    assert {message_id_for(r.idempotency_key) for r in sent} == {r.message["Message-ID"] for r in received}
    deliveries = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert [d.status for d in deliveries if d.channel == "email"] == ["sent", "sent", "sent"]
    dung = session.scalars(select(Reminder).where(Reminder.contact_id == world.district.id)).one()
    assert dung.status == "sent" and dung.channel == "email" and ":zalo:" in dung.idempotency_key
    assert [(d.channel, d.status) for d in dung.deliveries] == [("zalo", "failed"), ("email", "sent")]
    assert "not configured" in dung.deliveries[0].error
    dung_mail = next(r for r in received if r.rcpt_tos == ["dung@ngason.example"])
    assert dung_mail.message["Message-ID"] == message_id_for(dung.idempotency_key)


def test_it_sends_nothing_when_run_again(engine, session, smtp_sink, settings_for):
    build_world(session)
    plan(session)
    clock = lambda: MORNING.astimezone(UTC)  # noqa: E731
    dispatcher(engine, settings_for(smtp_sink), clock).run()
    again = dispatcher(engine, settings_for(smtp_sink), clock).run()
    assert again.claimed == 0
    assert len(smtp_sink.received(expect=4, timeout=0.5)) == 3


def test_it_retries_with_backoff_while_smtp_is_down_then_delivers(engine, session, smtp_sink, settings_for):
    build_world(session)
    plan(session)
    settings = settings_for(smtp_sink)
    smtp_sink.stop()
    with time_machine.travel(MORNING, tick=False) as traveller:
        clock = lambda: datetime.now(UTC)  # noqa: E731
        down = dispatcher(engine, settings, clock).run()
        assert down.retrying == 3 and down.sent == 0
        waiting = session.scalars(select(Reminder).where(Reminder.channel == "email")).all()
        assert all(r.status == "pending" and r.next_attempt_at > clock() for r in waiting)
        # Backoff base·2^(attempts-1) with jitter in [0.5, 1]: Dung's row already had one try on Zalo.
        assert all(timedelta(seconds=30) * 2 ** (r.attempts - 1) <= r.next_attempt_at - clock()
                   <= timedelta(minutes=1) * 2 ** (r.attempts - 1) for r in waiting)
        traveller.shift(timedelta(seconds=20))
        assert dispatcher(engine, settings, clock).run().claimed == 0  # not before next_attempt_at
        smtp_sink.start()
        traveller.shift(timedelta(minutes=2))
        back = dispatcher(engine, settings, clock).run()
    assert back.sent == 3  # An, Bình and Dung's email fallback
    assert len(smtp_sink.received(expect=3)) == 3
    statuses = session.scalars(select(Delivery.status).where(Delivery.channel == "email").order_by(Delivery.id)).all()
    assert statuses == ["failed"] * 3 + ["sent"] * 3


def test_it_stops_at_a_permanent_smtp_error(engine, session, smtp_sink, settings_for):
    build_world(session)
    plan(session)
    smtp_sink.answer("554 5.7.1 Rejected by policy")
    stats = dispatcher(engine, settings_for(smtp_sink), lambda: MORNING.astimezone(UTC)).run()
    rejected = session.scalars(select(Reminder).where(Reminder.channel == "email")).all()
    assert len(rejected) == 3 and stats.sent == 0
    assert all(r.status == "failed" and r.permanent_failure and "554" in r.last_error for r in rejected)
    smtp_sink.answer(None)
    assert dispatcher(engine, settings_for(smtp_sink), lambda: MORNING.astimezone(UTC)).run().claimed == 0


def test_it_cancels_and_sends_nothing_once_the_occurrence_is_done(engine, session, smtp_sink, settings_for):
    world = build_world(session)
    plan(session)
    result = mark_done(session, world.occurrences[0].id, world.lead.id, MORNING.astimezone(UTC))
    assert result.changed
    stats = dispatcher(engine, settings_for(smtp_sink), lambda: MORNING.astimezone(UTC)).run()
    assert stats.claimed == 0 and smtp_sink.received(expect=1, timeout=0.5) == []
    assert set(session.scalars(select(Reminder.status))) == {"cancelled"}
    plan(session)  # planning again creates nothing for a done occurrence
    assert set(session.scalars(select(Reminder.status))) == {"cancelled"}


def test_it_cancels_a_reminder_whose_due_date_moved(engine, session, smtp_sink, settings_for):
    world = build_world(session)
    plan(session)
    world.occurrences[0].effective_due = world.occurrences[0].effective_due + timedelta(days=1)
    session.commit()
    stats = dispatcher(engine, settings_for(smtp_sink), lambda: MORNING.astimezone(UTC)).run()
    assert stats.sent == 0 and stats.cancelled == 3
    assert all("moved" in r.last_error for r in session.scalars(select(Reminder)))


@pytest.mark.parametrize("change", ["task cancelled", "milestone cancelled", "plan unpublished"])
def test_it_cancels_the_reminders_of_a_deadline_that_is_no_longer_live(engine, session, smtp_sink, settings_for,
                                                                        change):
    world = build_world(session)
    plan(session)
    if change == "task cancelled":  # a re-import without this task
        world.task.cancelled_at = MORNING.astimezone(UTC)
    elif change == "milestone cancelled":
        world.milestone.cancelled_at = MORNING.astimezone(UTC)
    else:
        world.plan.status = "draft"
    session.commit()
    stats = dispatcher(engine, settings_for(smtp_sink), lambda: MORNING.astimezone(UTC)).run()
    assert stats.claimed > 0 and stats.cancelled == stats.claimed and stats.sent == 0
    assert smtp_sink.received(expect=1, timeout=0.5) == []
    assert {r.status for r in session.scalars(select(Reminder))} == {"cancelled"}
    assert all("unpublished" in r.last_error for r in session.scalars(select(Reminder)))


def test_it_reclaims_a_claim_older_than_the_lease(engine, session, smtp_sink, settings_for):
    """A dead worker's claims (not renewed by its heartbeat) come back within a minute; its "sending" rows are
    reconciled as "unknown" and resent with the same Message-ID, counted as possible duplicates."""
    build_world(session)
    plan(session)
    start = MORNING.astimezone(UTC)
    claimed = session.scalars(select(Reminder).where(Reminder.channel == "email")).all()
    session.execute(Reminder.__table__.update().where(Reminder.channel == "email")
                    .values(status="claimed", claimed_at=start, claimed_by="dead-worker", attempts=1))
    session.add(Delivery(reminder_id=claimed[0].id, channel="email", status="sending", created_at=start))
    session.commit()
    early = dispatcher(engine, settings_for(smtp_sink), lambda: start + timedelta(seconds=30)).run()
    assert early.reclaimed == 0 and early.sent == 1  # only Dung's (Zalo → email): the claims are still leased
    late = dispatcher(engine, settings_for(smtp_sink), lambda: start + timedelta(seconds=60)).run()
    assert late.reclaimed == 2 and late.sent == 2 and late.possible_duplicates == 1
    assert len(smtp_sink.received(expect=3)) == 3
    session.expire_all()
    first = session.get(Reminder, claimed[0].id)
    assert [d.status for d in first.deliveries] == ["unknown", "sent"]
    assert "same Message-ID" in first.deliveries[0].error


def test_the_heartbeat_keeps_a_live_workers_claims_and_leaves_others_alone(engine, session, smtp_sink, settings_for):
    build_world(session)
    plan(session)
    start = MORNING.astimezone(UTC)
    session.execute(Reminder.__table__.update().where(Reminder.channel == "email")
                    .values(status="claimed", claimed_at=start, claimed_by="test"))
    session.execute(Reminder.__table__.update().where(Reminder.channel == "zalo")
                    .values(status="claimed", claimed_at=start, claimed_by="other"))
    session.commit()
    later = start + timedelta(seconds=40)
    assert dispatcher(engine, settings_for(smtp_sink), lambda: later).renew() == 2
    session.expire_all()
    rows = session.scalars(select(Reminder)).all()
    assert sorted((r.claimed_by, r.claimed_at) for r in rows) == [("other", start), ("test", later), ("test", later)]


def test_a_restart_right_after_a_crash_reclaims_the_dead_process_claims_at_once(engine, session, smtp_sink,
                                                                                  settings_for):
    build_world(session)
    plan(session)
    start = MORNING.astimezone(UTC)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        rows = session.scalars(select(Reminder).where(Reminder.channel == "email").order_by(Reminder.id)).all()
        session.execute(Reminder.__table__.update().where(Reminder.id == rows[0].id).values(
            status="claimed", claimed_at=start, claimed_by=f"{socket.gethostname()}:{dead.stdout.strip()}"))
        session.execute(Reminder.__table__.update().where(Reminder.id == rows[1].id).values(
            status="claimed", claimed_at=start, claimed_by=f"{socket.gethostname()}:{alive.pid}"))
        session.commit()
        # Same instant as the claims: the lease has not run out, but the first claimer's process is gone.
        stats = dispatcher(engine, settings_for(smtp_sink), lambda: start + timedelta(seconds=1)).run()
        assert stats.reclaimed == 1
        session.expire_all()
        assert session.get(Reminder, rows[0].id).status == "sent"
        assert session.get(Reminder, rows[1].id).status == "claimed"  # a live worker keeps its claims
    finally:
        alive.kill()
        alive.wait()
