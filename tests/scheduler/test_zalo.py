"""Zalo reminders through the dispatcher, against the Zalo fake over real HTTP (tests/fakes/zalo_fake.py)."""

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import Delivery, Reminder
from models.db import session_factory
from notifiers.mail_content import message_id_for
from notifiers.zalo_token_store import SqlTokenStore
from notifiers.zalo_tokens import fresh_tokens_from
from scheduler.dispatch import Dispatcher
from scheduler.outbox import plan_reminders
from scheduler.planning import Rules
from scheduler.runtime import build_notifiers, link_settings
from tests.scheduler.independent import plain_is_working
from tests.scheduler.world import build_world

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
