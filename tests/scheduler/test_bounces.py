"""Issue 15's bounce rule, against a real SMTP server process (its ``refused.example`` mailboxes answer 550)
and the Zalo fake over real HTTP: a permanent error switches that channel off for that contact, the same
reminder goes by the contact's next channel, later ones too, or they are held with a visible reason."""

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from models import Contact, Reminder
from models.db import session_factory
from notifiers.mail_content import message_id_for
from notifiers.zalo_token_store import SqlTokenStore
from notifiers.zalo_tokens import fresh_tokens_from
from scheduler.attention import enable_channel
from scheduler.dispatch import Dispatcher
from scheduler.outbox import plan_reminders
from scheduler.planning import Rules
from scheduler.runtime import build_notifiers, link_settings
from tests.scheduler.independent import plain_is_working
from tests.scheduler.world import build_world, contact

pytestmark = pytest.mark.external_service
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2025, 3, 20, 8, 0, tzinfo=HCM)   # 7 working days before 31/03/2025
LATER = datetime(2025, 3, 26, 8, 0, tzinfo=HCM)     # 3 working days before
CS = "/v3.0/oa/message/cs"


def test_a_bounce_switches_the_channel_off_and_the_reminders_go_by_the_next_one_or_wait(
        engine, session, smtp_sink, zalo_fake, settings_for):
    world = build_world(session)
    world.lead.email = "an@refused.example"  # only email: nothing to fall back to
    hoa = contact(session, world.lead.agency, "Đỗ Thị Hoa", email="hoa@refused.example", zalo_user_id="8811",
                  channels=["email"])
    session.commit()
    zalo_fake.add_user("8811")
    factory = session_factory(engine)
    access, refresh = zalo_fake.issue_tokens()
    real_now = datetime.now(UTC)
    asyncio.run(SqlTokenStore(factory, zalo_fake.app_id).put(fresh_tokens_from(access, refresh, real_now), real_now))
    settings = settings_for(smtp_sink, **zalo_fake.bases)

    def run(at):
        plan_reminders(session, at, plain_is_working, lambda p, a: Rules(), horizon_days=0)
        return Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings),
                          lambda: at.astimezone(UTC)).run()

    first = run(MORNING)
    session.expire_all()
    an, hoa_row = (session.get(Contact, c.id) for c in (world.lead, hoa))
    assert set(an.channel_blocks) == {"email"} and "550" in an.channel_blocks["email"]["reason"]
    assert set(hoa_row.channel_blocks) == {"email"} and "vì lỗi vĩnh viễn" in hoa_row.channel_blocks["email"]["reason"]
    an_first = session.scalars(select(Reminder).where(Reminder.contact_id == an.id)).one()
    assert an_first.status == "failed" and "không còn kênh nào khác" in an_first.last_error
    hoa_first = session.scalars(select(Reminder).where(Reminder.contact_id == hoa.id)).one()
    assert hoa_first.status == "sent" and hoa_first.channel == "zalo"  # same row, next channel
    assert [(d.channel, d.status) for d in hoa_first.deliveries] == [("email", "failed"), ("zalo", "sent")]
    assert first.rerouted >= 1

    # A later reminder: Hoa's goes straight to Zalo (no second bounce); An's is held with the reason shown.
    later = run(LATER)
    session.expire_all()
    hoa_later = session.scalars(select(Reminder).where(Reminder.contact_id == hoa.id,
                                                       Reminder.id != hoa_first.id)).one()
    assert hoa_later.channel == "zalo" and hoa_later.status == "sent"
    assert [d.channel for d in hoa_later.deliveries] == ["zalo"]
    an_later = session.scalars(select(Reminder).where(Reminder.contact_id == an.id,
                                                      Reminder.id != an_first.id)).one()
    assert an_later.status == "pending" and an_later.last_error.startswith("Tạm giữ: mọi kênh của người nhận")
    assert "550" in an_later.last_error and an_later.deliveries == [] and later.held == 1

    # The admin fixes the address and turns email back on: the held reminder goes at its next look.
    an.email = "an@snv.example"
    assert enable_channel(session, an, "email", LATER.astimezone(UTC), "admin")
    session.commit()
    with time_machine.travel(LATER + timedelta(hours=1, minutes=1), tick=False):
        run(LATER + timedelta(hours=1, minutes=1))
    session.expire_all()
    an_later = session.get(Reminder, an_later.id)
    assert an_later.status == "sent" and an_later.channel == "email"
    mail = smtp_sink.received()
    assert [m.message["Message-ID"] for m in mail if m.rcpt_tos == ["an@snv.example"]] == [
        message_id_for(an_later.idempotency_key)]
    assert len([c for c in zalo_fake.calls(CS) if c.body["recipient"]["user_id"] == "8811"]) == 2


def test_a_temporary_refusal_retries_the_same_channel_and_switches_nothing_off(engine, session, smtp_sink,
                                                                               settings_for):
    world = build_world(session)
    world.lead.email = "an@busy.example"  # 450 4.2.1 Mailbox busy
    world.lead.zalo_user_id = "8812"
    session.commit()
    settings = settings_for(smtp_sink)
    factory = session_factory(engine)
    plan_reminders(session, MORNING, plain_is_working, lambda p, a: Rules(), horizon_days=0)
    stats = Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings),
                       lambda: MORNING.astimezone(UTC)).run()
    session.expire_all()
    an = session.scalars(select(Reminder).where(Reminder.contact_id == world.lead.id)).one()
    assert an.status == "pending" and an.channel == "email" and "450" in an.last_error and an.next_attempt_at
    assert session.get(Contact, world.lead.id).channel_blocks is None and stats.retrying >= 1
