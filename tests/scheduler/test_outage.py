"""A long SMTP outage in simulated time (time-machine), against a real SMTP server process on loopback.

Nothing is given up while it matters: every reminder is delivered exactly once when the server comes back,
the admin sees a banner meanwhile and gets ONE email after; a reminder whose usefulness ends first stops with
a Vietnamese reason.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from models import ChannelOutage, Reminder
from models.db import session_factory
from notifiers.mail_content import message_id_for
from scheduler.alerts import AdminAlerts
from scheduler.dispatch import DispatchConfig, Dispatcher
from scheduler.outages import open_outages
from scheduler.outbox import plan_reminders
from scheduler.planning import Rules
from scheduler.runtime import build_notifiers, dispatch_config, link_settings, run_pass
from tests.scheduler.independent import plain_is_working
from tests.scheduler.world import build_world, seed_outbox

pytestmark = pytest.mark.external_service
MORNING = datetime(2025, 3, 20, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
ADMIN = "quantri@hanchot.example"


def dispatch(engine, settings):
    factory = session_factory(engine)
    return Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), lambda: datetime.now(UTC),
                      DispatchConfig(), worker="test", alerts=AdminAlerts(ADMIN)).run()


@pytest.mark.slow  # 56 simulated dispatch ticks against an SMTP process that is stopped, then started again
def test_a_four_hour_outage_then_recovery_delivers_every_reminder_exactly_once(engine, session, smtp_sink,
                                                                                settings_for):
    world = build_world(session)
    plan_reminders(session, MORNING, plain_is_working, lambda p, a: Rules(), horizon_days=0)
    keys = seed_outbox(session, world, 40, MORNING.astimezone(UTC))
    settings = settings_for(smtp_sink)
    smtp_sink.stop()
    with time_machine.travel(MORNING, tick=False) as traveller:
        tries = 0
        for _ in range(4 * 60 // 5):  # the scheduler's tick, every 5 simulated minutes, for 4 hours
            stats = dispatch(engine, settings)
            tries += stats.claimed
            assert stats.sent == 0 and stats.failed == 0 and stats.expired == 0
            traveller.shift(timedelta(minutes=5))
        now = datetime.now(UTC)
        banner = open_outages(session, now, DispatchConfig().outage_alert_after)
        assert [o.channel for o in banner] == ["email"] and "unreachable" in banner[0].last_error
        session.expire_all()
        waiting = session.scalars(select(Reminder)).all()
        assert {r.status for r in waiting} == {"pending"}
        # Capped backoff: each reminder was tried at least every 30 minutes of the 4 hours (≥ 8 times)...
        assert min(r.attempts for r in waiting) >= 8
        # ...and none waits longer than the cap from now.
        assert max(r.next_attempt_at for r in waiting) <= now + timedelta(minutes=30)

        smtp_sink.start()
        for _ in range(8):  # 40 minutes of ticks after the server is back: past the longest backoff
            dispatch(engine, settings)
            traveller.shift(timedelta(minutes=5))

    session.expire_all()  # the dispatcher wrote through its own connections
    reminders = session.scalars(select(Reminder)).all()
    assert {r.status for r in reminders} == {"sent"} and len(reminders) == 43
    received = smtp_sink.received(expect=44)
    to_people = [r for r in received if r.rcpt_tos != [ADMIN]]
    ids = [r.message["Message-ID"] for r in to_people]
    assert len(ids) == 43 and len(set(ids)) == 43  # each reminder exactly once
    assert set(ids) == {message_id_for(r.idempotency_key) for r in reminders}
    assert {message_id_for(k) for k in keys} <= set(ids)
    alerts = [r for r in received if r.rcpt_tos == [ADMIN]]
    assert len(alerts) == 1  # one email to the admin, after recovery, not one per pass
    assert "đã hoạt động lại sau 4 giờ" in alerts[0].message["Subject"]
    outage = session.scalars(select(ChannelOutage)).one()
    session.refresh(outage)
    assert outage.ended_at is not None and outage.admin_notified_at is not None
    assert open_outages(session, datetime.now(UTC), timedelta(0)) == []


def test_a_reminder_stops_with_a_reason_once_it_no_longer_matters(engine, session, smtp_sink, settings_for):
    world = build_world(session)
    fire = MORNING.astimezone(UTC)
    seed_outbox(session, world, 1, fire)
    row = session.scalars(select(Reminder)).one()
    row.payload = {**row.payload, "useful_until": (fire + timedelta(hours=2)).isoformat()}
    session.commit()
    settings = settings_for(smtp_sink)
    smtp_sink.stop()
    with time_machine.travel(MORNING, tick=False) as traveller:
        for _ in range(3 * 60 // 5):
            dispatch(engine, settings)
            traveller.shift(timedelta(minutes=5))
    session.refresh(row)
    assert row.status == "failed" and not row.permanent_failure
    assert row.last_error.startswith("Đã ngừng gửi: nhắc việc không còn ý nghĩa sau 20/03/2025 03:00 UTC")
    assert "unreachable" in row.last_error  # the last error, for the admin


def test_a_reminder_claimed_after_its_usefulness_ended_is_not_sent_and_says_why(engine, session, smtp_sink,
                                                                                 settings_for):
    world = build_world(session)
    fire = MORNING.astimezone(UTC)
    seed_outbox(session, world, 1, fire)
    row = session.scalars(select(Reminder)).one()
    row.payload = {**row.payload, "useful_until": (fire + timedelta(hours=1)).isoformat()}
    row.attempts, row.last_error = 3, "SMTP 127.0.0.1:25 unreachable: ConnectionRefusedError"
    row.next_attempt_at = fire + timedelta(minutes=50)
    session.commit()
    with time_machine.travel(MORNING + timedelta(hours=2), tick=False):
        stats = dispatch(engine, settings_for(smtp_sink))
    session.refresh(row)
    assert stats.expired == 1 and stats.sent == 0 and smtp_sink.received(expect=1, timeout=0.3) == []
    assert row.status == "failed" and row.last_error.startswith("Đã ngừng gửi")
    assert "ConnectionRefused" in row.last_error


@pytest.mark.parametrize("cap_minutes", [2, 45])
def test_the_retry_cap_and_the_alert_threshold_are_the_settings(engine, session, smtp_sink, settings_for,
                                                                cap_minutes: int) -> None:
    """HANCHOT_RETRY_CAP_MINUTES bounds the wait of a reminder that failed many times; HANCHOT_OUTAGE_ALERT_MINUTES
    decides when the admin's banner shows. The scheduler's pass reads both from the settings."""
    world = build_world(session)
    fire = MORNING.astimezone(UTC)
    seed_outbox(session, world, 3, fire)
    for row in session.scalars(select(Reminder)):
        row.attempts = 9  # 2⁸ minutes uncapped: only the cap keeps the next try near
    session.commit()
    settings = settings_for(smtp_sink, retry_cap_minutes=cap_minutes, outage_alert_minutes=10)
    smtp_sink.stop()
    with time_machine.travel(MORNING, tick=False) as traveller:
        run_pass(session_factory(engine), settings, datetime.now(UTC), clock=lambda: datetime.now(UTC))
        now = datetime.now(UTC)
        session.expire_all()
        waits = [r.next_attempt_at - now for r in session.scalars(select(Reminder).where(Reminder.attempts == 10))]
        assert len(waits) == 3
        assert all(timedelta(minutes=cap_minutes) * 0.5 <= w <= timedelta(minutes=cap_minutes) for w in waits)
        traveller.shift(timedelta(minutes=11))
        alert_after = dispatch_config(settings).outage_alert_after
        assert [o.channel for o in open_outages(session, datetime.now(UTC), alert_after)] == ["email"]
        assert open_outages(session, datetime.now(UTC), dispatch_config(settings_for(smtp_sink)).outage_alert_after) \
            == []  # the default hour has not passed
