"""Signed links in reminders and what they do, without login."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import AuditLog, Reminder
from scheduler.actions import perform
from scheduler.links import LinkError, make_token, make_url, verify_token
from scheduler.outbox import plan_reminders
from scheduler.planning import Rules
from tests.scheduler.independent import plain_is_working
from tests.scheduler.world import build_world

KEY = "khoa-bi-mat-kiem-thu"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 3, 20, 9, 30, tzinfo=HCM).astimezone(UTC)


def test_it_round_trips_a_signed_link():
    token = make_token(KEY, "done", 41, 7, NOW)
    link = verify_token(KEY, token, NOW + timedelta(days=1))
    assert (link.action, link.occurrence_id, link.contact_id) == ("done", 41, 7)
    assert make_url("https://hanchot.example/", KEY, "snooze", 41, 7, NOW).startswith("https://hanchot.example/r/")


@pytest.mark.parametrize("tamper", [lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
                                    lambda t: make_token("another-key", "done", 41, 7, NOW)])
def test_it_refuses_a_forged_link_in_vietnamese(tamper):
    with pytest.raises(LinkError, match="không hợp lệ"):
        verify_token(KEY, tamper(make_token(KEY, "done", 41, 7, NOW)), NOW)


def test_it_refuses_a_link_whose_payload_was_rewritten_or_is_garbage():
    import base64

    payload, signature = make_token(KEY, "done", 41, 7, NOW).split(".")
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    other = base64.urlsafe_b64encode(decoded.replace(b".41.", b".42.")).rstrip(b"=").decode()
    for token in (f"{other}.{signature}", "", "không-phải-token", "a.b.c", f"{payload}.", "!!!.???"):
        with pytest.raises(LinkError, match="không hợp lệ"):
            verify_token(KEY, token, NOW)


def test_it_refuses_an_expired_link():
    token = make_token(KEY, "done", 41, 7, NOW, validity=timedelta(days=1))
    with pytest.raises(LinkError, match="hết hạn"):
        verify_token(KEY, token, NOW + timedelta(days=2))


def test_it_marks_done_cancels_pending_reminders_and_audits(session):
    world = build_world(session)
    occurrence = world.occurrences[0]
    plan_reminders(session, NOW, plain_is_working, lambda p, a: Rules(), horizon_days=20)
    assert session.scalars(select(Reminder.status).where(Reminder.occurrence_id == occurrence.id)).all()
    token = make_token(KEY, "done", occurrence.id, world.lead.id, NOW)

    result = perform(session, KEY, token, NOW, plain_is_working)
    again = perform(session, KEY, token, NOW, plain_is_working)

    assert result.changed and not again.changed
    session.refresh(occurrence)
    assert occurrence.status == "done" and "Nguyễn Văn An" in occurrence.done_by
    statuses = set(session.scalars(select(Reminder.status).where(Reminder.occurrence_id == occurrence.id)))
    assert statuses == {"cancelled"}
    [audit] = session.scalars(select(AuditLog).where(AuditLog.action == "occurrence.done")).all()
    assert audit.entity_id == occurrence.id and audit.after["cancelled_reminders"] > 0


def test_it_snoozes_to_the_same_hour_two_working_days_later(session):
    world = build_world(session)
    friday = datetime(2025, 3, 21, 10, 0, tzinfo=HCM).astimezone(UTC)
    token = make_token(KEY, "snooze", world.occurrences[0].id, world.lead.id, friday)

    result = perform(session, KEY, token, friday, plain_is_working)
    perform(session, KEY, token, friday, plain_is_working)  # a second click adds nothing

    [snoozed] = session.scalars(select(Reminder).where(Reminder.payload["snoozed"].as_boolean())).all()
    assert snoozed.fire_at == datetime(2025, 3, 25, 8, 0, tzinfo=HCM)  # Friday → Tuesday (Mon, Tue)
    assert snoozed.kind == "before" and snoozed.lead_days == 4 and snoozed.channel == "email"
    assert result.changed and "25/03/2025" in result.message
    assert snoozed.fire_at.astimezone(HCM).date() == date(2025, 3, 25)
