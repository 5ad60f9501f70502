"""Zalo reminders through the dispatcher, against the Zalo fake over real HTTP (tests/fakes/zalo_fake.py)."""

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import Contact, Delivery, Reminder, ZaloCredential
from models.db import session_factory
from notifiers.mail_content import message_id_for
from notifiers.zalo_token_store import SqlTokenStore
from notifiers.zalo_tokens import fresh_tokens_from
from scheduler.alerts import AdminAlerts
from scheduler.dispatch import DispatchConfig, Dispatcher
from scheduler.outbox import plan_reminders
from scheduler.planning import Rules
from scheduler.runtime import build_notifiers, link_settings
from tests.scheduler.independent import plain_is_working
from tests.scheduler.world import build_world, contact

pytestmark = pytest.mark.external_service
MORNING = datetime(2025, 3, 20, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)
CS = "/v3.0/oa/message/cs"
TOKEN = "/v4/oa/access_token"


def test_it_refreshes_an_expired_zalo_token_once_then_delivers(engine, session, zalo_fake, settings_for):
    world = build_world(session)
    zalo_fake.add_user(world.district.zalo_user_id)
    access, refresh = zalo_fake.issue_tokens()
    factory = session_factory(engine)
    real_now = datetime.now(UTC)
    asyncio.run(SqlTokenStore(factory, zalo_fake.app_id).put(fresh_tokens_from(access, refresh, real_now), real_now))
    zalo_fake.expire_access(access)  # expired overnight, though our row still believes it is valid
    plan_reminders(session, MORNING, plain_is_working, lambda p, a: Rules(), horizon_days=0)
    settings = settings_for(None, **zalo_fake.bases)

    stats = Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), lambda: MORNING).run()

    zalo = session.scalars(select(Reminder).where(Reminder.channel == "zalo")).one()
    assert zalo.status == "sent" and stats.failed == 0
    assert len(zalo_fake.calls(TOKEN)) == 1  # one refresh, not one per message
    sends = zalo_fake.calls(CS)
    assert len(sends) == 2  # refused with the expired token, then accepted with the new one
    assert sends[-1].body["recipient"]["user_id"] == world.district.zalo_user_id
    text = sends[-1].body["message"]["text"]
    assert "Còn 7 ngày làm việc" in text and "https://hanchot.example/r/" in text
    delivery = session.scalars(select(Delivery).where(Delivery.reminder_id == zalo.id)).one()
    assert delivery.status == "sent" and delivery.provider_message_id


def test_it_sends_by_email_when_the_zalo_window_is_closed(engine, session, zalo_fake, settings_for, tmp_path):
    world = build_world(session)
    zalo_fake.add_user(world.district.zalo_user_id, days_since_interaction=30)  # outside the 7-day window
    access, refresh = zalo_fake.issue_tokens()
    factory = session_factory(engine)
    real_now = datetime.now(UTC)
    asyncio.run(SqlTokenStore(factory, zalo_fake.app_id).put(fresh_tokens_from(access, refresh, real_now), real_now))
    plan_reminders(session, MORNING, plain_is_working, lambda p, a: Rules(), horizon_days=0)
    settings = settings_for(None, **zalo_fake.bases)
    notifiers = build_notifiers(settings, factory)
    notifiers.pop("zns", None)  # no ZNS template: the OA notifier asks for email

    Dispatcher(factory, notifiers, link_settings(settings), lambda: MORNING).run()

    # One reminder for Dung: the same row moved from Zalo to email, same key, hence the same Message-ID.
    dung = session.scalars(select(Reminder).where(Reminder.contact_id == world.district.id)).one()
    assert dung.status == "sent" and dung.channel == "email" and ":zalo:" in dung.idempotency_key
    assert [(d.channel, d.status) for d in dung.deliveries] == [("zalo", "failed"), ("email", "sent")]
    mails = [p.read_text(encoding="utf-8") for p in (tmp_path / "mail").rglob("*.eml")]
    assert len([m for m in mails if "dung@ngason.example" in m]) == 1
    assert message_id_for(dung.idempotency_key) in next(m for m in mails if "dung@ngason.example" in m)
    session.refresh(world.district)
    assert world.district.channel_blocks is None  # a closed window is not a bounce: Zalo stays on


def test_a_dead_refresh_token_is_detected_once_and_every_zalo_reminder_goes_by_email(
        engine, session, zalo_fake, smtp_sink, settings_for):
    world = build_world(session)
    people = [world.district] + [contact(session, world.district.agency, f"Cán bộ xã {n}", zalo_user_id=f"77{n}",
                                         email=f"xa{n}@ngason.example", channels=["zalo"]) for n in range(5)]
    session.commit()
    for person in people:
        zalo_fake.add_user(person.zalo_user_id)
    access, refresh = zalo_fake.issue_tokens()
    factory = session_factory(engine)
    real_now = datetime.now(UTC)
    asyncio.run(SqlTokenStore(factory, zalo_fake.app_id).put(fresh_tokens_from(access, refresh, real_now), real_now))
    zalo_fake.expire_access(access)
    zalo_fake.refresh_tokens[refresh].used = True  # revoked: Zalo refuses it
    plan_reminders(session, MORNING, plain_is_working, lambda p, a: Rules(), horizon_days=0)
    settings = settings_for(smtp_sink, **zalo_fake.bases)
    alerts = AdminAlerts("quantri@hanchot.example")

    stats = Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), lambda: MORNING,
                       alerts=alerts).run()

    assert len(zalo_fake.calls(TOKEN)) == 1  # ONE refresh attempt for the credential, not one per message
    session.expire_all()
    credential = session.scalars(select(ZaloCredential)).one()
    assert credential.broken_at is not None and "refresh_token" in credential.broken_reason
    rows = session.scalars(select(Reminder).where(Reminder.contact_id.in_([p.id for p in people]))).all()
    assert len(rows) == 6 and all(r.status == "sent" and r.channel == "email" for r in rows)
    received = smtp_sink.received(expect=9)
    by_rcpt = {m.rcpt_tos[0]: m for m in received}
    for r in rows:  # by email, once each, with the reminder's own Message-ID
        person = next(p for p in people if p.id == r.contact_id)
        assert by_rcpt[person.email].message["Message-ID"] == message_id_for(r.idempotency_key)
    admin = [m for m in received if m.rcpt_tos == ["quantri@hanchot.example"]]
    assert len(admin) == 1 and "cần cấp quyền lại" in admin[0].message["Subject"]
    assert stats.rerouted == 6 and all(session.get(Contact, p.id).channel_blocks is None for p in people)

    # The next pass: no OAuth call at all, no second admin email.
    later = datetime(2025, 3, 26, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)
    plan_reminders(session, later, plain_is_working, lambda p, a: Rules(), horizon_days=0)
    Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), lambda: later,
               alerts=alerts).run()
    assert len(zalo_fake.calls(TOKEN)) == 1
    assert len([m for m in smtp_sink.received() if m.rcpt_tos == ["quantri@hanchot.example"]]) == 1


def test_a_phone_not_on_zalo_falls_back_only_to_channels_the_contact_has(engine, session, zalo_fake, smtp_sink,
                                                                          settings_for, tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "zalo.toml").write_text(
        '[zns]\nenabled = true\ntemplate_id = "643118"\n[zns.fields]\nten_can_bo = "recipient.name"\n'
        'nhiem_vu = "subject"\nhan_chot = "template_data.due"\n', encoding="utf-8")
    zalo_fake.add_template("643118", {"ten_can_bo": 30, "nhiem_vu": 200, "han_chot": 10})
    world = build_world(session)
    khoa = contact(session, world.lead.agency, "Lý Văn Khoa", phone="0912000001", channels=["zns"])
    lan = contact(session, world.lead.agency, "Vũ Thị Lan", phone="0912000002", email="lan@snv.example",
                  channels=["zns"])
    session.commit()
    access, refresh = zalo_fake.issue_tokens()
    factory = session_factory(engine)
    real_now = datetime.now(UTC)
    asyncio.run(SqlTokenStore(factory, zalo_fake.app_id).put(fresh_tokens_from(access, refresh, real_now), real_now))
    plan_reminders(session, MORNING, plain_is_working, lambda p, a: Rules(), horizon_days=0)
    settings = settings_for(smtp_sink, config_dir=config, **zalo_fake.bases)

    Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), lambda: MORNING).run()

    session.expire_all()
    assert {c.body["phone"] for c in zalo_fake.calls("/message/template")} == {"84912000001", "84912000002"}
    khoa_row = session.scalars(select(Reminder).where(Reminder.contact_id == khoa.id)).one()
    assert khoa_row.status == "failed" and "không còn kênh nào khác" in khoa_row.last_error and "-118" in \
        khoa_row.last_error
    assert [d.channel for d in khoa_row.deliveries] == ["zns"]  # no email or OA attempt: he has neither
    assert set(session.get(Contact, khoa.id).channel_blocks) == {"zns"}
    lan_row = session.scalars(select(Reminder).where(Reminder.contact_id == lan.id)).one()
    assert lan_row.status == "sent" and lan_row.channel == "email"
    [mail] = [m for m in smtp_sink.received(expect=4) if m.rcpt_tos == ["lan@snv.example"]]
    assert mail.message["Message-ID"] == message_id_for(lan_row.idempotency_key)


@pytest.mark.parametrize(("heartbeat", "stolen"), [(0.1, 0), (60.0, 1)])
def test_the_heartbeat_keeps_a_slow_send_claimed(engine, session, zalo_fake, settings_for, heartbeat, stolen):
    """A send outlasting the lease (Zalo asks to wait 2 s) keeps its claim while the heartbeat runs; without the
    heartbeat another dispatcher would take it back in the meantime (the control case)."""
    world = build_world(session)
    zalo_fake.add_user(world.district.zalo_user_id)
    zalo_fake.rate_limited, zalo_fake.retry_after = 1, 2
    access, refresh = zalo_fake.issue_tokens()
    factory = session_factory(engine)
    real_now = datetime.now(UTC)
    asyncio.run(SqlTokenStore(factory, zalo_fake.app_id).put(fresh_tokens_from(access, refresh, real_now), real_now))
    plan_reminders(session, MORNING, plain_is_working, lambda p, a: Rules(), horizon_days=0)
    settings = settings_for(None, **zalo_fake.bases)
    base = time.monotonic()
    clock = lambda: MORNING + timedelta(seconds=time.monotonic() - base)  # noqa: E731
    config = DispatchConfig(lease=timedelta(seconds=1), heartbeat=heartbeat)
    worker = Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), clock, config,
                        worker="slow")
    done = threading.Thread(target=worker.run)
    done.start()
    deadline = time.monotonic() + 30
    while not zalo_fake.calls(CS) and time.monotonic() < deadline:  # the send is on the wire, waiting out
        time.sleep(0.01)                                            # Zalo's Retry-After
    time.sleep(1.5)  # let the 1-second lease run out (real time: the heartbeat is a real timer)
    other = Dispatcher(factory, {}, link_settings(settings), clock, config, worker="other")
    assert other._reclaim().reminders == stolen
    done.join(timeout=30)
    session.expire_all()
    dung = session.scalars(select(Reminder).where(Reminder.contact_id == world.district.id)).one()
    if not stolen:
        assert dung.status == "sent" and len(zalo_fake.calls(CS)) == 2
