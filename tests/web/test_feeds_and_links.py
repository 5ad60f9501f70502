"""Feed serving (200/304/404/HEAD, subscribe links, revocation) and the signed reminder links."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select

from models import FeedToken, Occurrence, Reminder
from scheduler.links import make_token
from tests.web.conftest import csrf


def _new_feed(admin: TestClient, agency_id: int) -> str:
    response = admin.post(f"/agencies/{agency_id}/feed-tokens",
                          data={"name": "Điện thoại", "role": "all", "csrf_token": csrf(admin, "/")})
    assert response.status_code == 303
    return response.headers["location"].removeprefix("/subscribe/")


def test_it_serves_an_agency_feed_with_validators_and_answers_304(admin: TestClient, client: TestClient,
                                                                   world, db_session) -> None:
    token = _new_feed(admin, world.tu_phap.id)
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert {e["DTSTART"].dt for e in events} == {world.soon.effective_due, world.overdue.effective_due}
    etag, modified = response.headers["etag"], response.headers["last-modified"]
    assert client.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": modified}).status_code == 304
    head = client.head(f"/feeds/{token}.ics")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    row = db_session.scalar(select(FeedToken))
    assert row.last_used_at is not None


def test_it_answers_404_with_an_empty_body_for_unknown_malformed_and_revoked_tokens(
        admin: TestClient, client: TestClient, world, db_session) -> None:
    token = _new_feed(admin, world.tu_phap.id)
    for name in ("x" * 43 + ".ics", "short.ics", f"{token}.txt"):
        response = client.get(f"/feeds/{name}")
        assert response.status_code == 404 and response.content == b""
    row = db_session.scalar(select(FeedToken))
    assert admin.post(f"/feed-tokens/{row.id}/revoke", data={"csrf_token": csrf(admin, "/")}).status_code == 303
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 404 and response.content == b""
    assert client.get(f"/subscribe/{token}").status_code == 404


def test_it_shows_webcal_google_and_outlook_subscribe_links(admin: TestClient, world) -> None:
    token = _new_feed(admin, world.tu_phap.id)
    page = admin.get(f"/subscribe/{token}").text
    assert f"webcal://testserver/feeds/{token}.ics" in page
    assert "calendar.google.com/calendar/r?cid=webcal%3A%2F%2F" in page
    assert "outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2Ftestserver" in page


def test_it_marks_done_from_the_agency_page_and_cancels_pending_reminders(admin: TestClient, world,
                                                                         db_session) -> None:
    response = admin.post(f"/occurrences/{world.soon.id}/done",
                          data={"csrf_token": csrf(admin, "/"), "back": f"/agencies/{world.tu_phap.id}"})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Occurrence, world.soon.id).status == "done"
    assert db_session.get(Reminder, world.reminder.id).status == "cancelled"
    assert "Đã hoàn thành" in admin.get(f"/agencies/{world.tu_phap.id}").text


def test_it_refuses_done_from_anonymous_visitors(client: TestClient, world, db_session) -> None:
    response = client.post(f"/occurrences/{world.soon.id}/done", data={"csrf_token": csrf(client)})
    assert response.status_code == 403
    assert db_session.get(Occurrence, world.soon.id).status == "open"


def test_it_confirms_a_reminder_link_on_get_and_acts_only_on_post(client: TestClient, world, db_session,
                                                                  web_settings) -> None:
    token = make_token(web_settings.secret_key, "done", world.soon.id, world.contact.id, datetime.now(UTC))
    page = client.get(f"/r/{token}")
    assert page.status_code == 200 and "Xác nhận đã hoàn thành" in page.text
    db_session.expire_all()
    assert db_session.get(Occurrence, world.soon.id).status == "open"  # a mail scanner's GET changes nothing
    result = client.post(f"/r/{token}")
    assert result.status_code == 200 and "Đã ghi nhận hoàn thành" in result.text
    db_session.expire_all()
    assert db_session.get(Occurrence, world.soon.id).status == "done"
    assert db_session.get(Reminder, world.reminder.id).status == "cancelled"


def test_it_snoozes_from_a_reminder_link(client: TestClient, world, db_session, web_settings) -> None:
    token = make_token(web_settings.secret_key, "snooze", world.soon.id, world.contact.id, datetime.now(UTC))
    result = client.post(f"/r/{token}")
    assert result.status_code == 200 and re.search(r"Sẽ nhắc lại vào ngày \d\d/\d\d/\d{4}", result.text)
    keys = db_session.scalars(select(Reminder.idempotency_key)).all()
    assert any(k.startswith("snooze:") for k in keys)


def test_it_refuses_a_tampered_reminder_link(client: TestClient, world, web_settings) -> None:
    token = make_token(web_settings.secret_key, "done", world.soon.id, world.contact.id, datetime.now(UTC))
    for response in (client.get(f"/r/{token}x"), client.post(f"/r/{token}x")):
        assert response.status_code == 400 and "Liên kết không hợp lệ" in response.text


def test_it_renders_the_feed_again_once_an_occurrence_changes(admin: TestClient, client: TestClient, world) -> None:
    token = _new_feed(admin, world.tu_phap.id)
    first = client.get(f"/feeds/{token}.ics")
    assert client.get(f"/feeds/{token}.ics").headers["etag"] == first.headers["etag"]  # served from the cache
    admin.post(f"/occurrences/{world.soon.id}/done", data={"csrf_token": csrf(admin, "/")})
    second = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    assert "✓ Đã hoàn thành" in second.content.decode()
