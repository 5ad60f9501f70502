"""Admin delivery pages: the outage banner, the stuck-or-failed view with "Gửi lại", re-enabling a bounced channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from models import AuditLog, ChannelOutage, Contact, Reminder, ZaloCredential
from tests.web.conftest import csrf

BOUNCE = ("Tắt kênh email ngày 01/12/2026 08:00 UTC vì lỗi vĩnh viễn: SMTP refused the recipient: "
          "550 5.1.1 không có hộp thư")


def _fail(db_session, world) -> None:
    reminder = db_session.get(Reminder, world.reminder.id)
    reminder.status, reminder.attempts = "failed", 3
    reminder.last_error = "Không gửi được: lỗi vĩnh viễn trên kênh email (550) và người nhận không còn kênh nào khác."
    db_session.get(Contact, world.contact.id).channel_blocks = {"email": {"reason": BOUNCE}}
    db_session.add(ChannelOutage(channel="email", started_at=datetime.now(UTC) - timedelta(hours=2),
                                 last_error="SMTP 127.0.0.1:25 unreachable"))
    db_session.commit()


def test_the_admin_sees_the_outage_banner_and_the_stuck_reminder_and_sends_it_again(
        admin: TestClient, client: TestClient, world, db_session) -> None:
    _fail(db_session, world)
    home = admin.get("/").text
    assert "Kênh email (SMTP) đang gián đoạn" in home and "127.0.0.1:25 unreachable" in home
    assert "đang gián đoạn" not in client.get("/").text  # the banner is the admin's only
    settings = admin.app.state.settings
    admin.app.state.settings = settings.model_copy(update={"outage_alert_minutes": 180})
    assert "đang gián đoạn" not in admin.get("/").text  # 2 hours is not yet HANCHOT_OUTAGE_ALERT_MINUTES=180
    admin.app.state.settings = settings
    stuck = admin.get("/deliveries/stuck")
    assert stuck.status_code == 200 and "Nguyễn Văn An" in stuck.text and "người nhận không còn kênh nào" in stuck.text
    assert client.get("/deliveries/stuck").status_code in (303, 401, 403)

    response = admin.post(f"/reminders/{world.reminder.id}/send-again", data={"csrf_token": csrf(admin, "/")})
    assert response.status_code == 303
    db_session.expire_all()
    reminder = db_session.get(Reminder, world.reminder.id)
    assert reminder.status == "pending" and reminder.last_error is None and reminder.next_attempt_at is None
    assert datetime.fromisoformat(reminder.payload["useful_until"]) > datetime.now(UTC) + timedelta(hours=23)
    audit = db_session.scalars(select(AuditLog).where(AuditLog.action == "reminder.send_again")).one()
    assert audit.entity_id == reminder.id and audit.before["status"] == "failed"
    assert "Không có nhắc việc nào" in admin.get("/deliveries/stuck").text
    assert admin.post("/reminders/999999999/send-again", data={"csrf_token": csrf(admin, "/")}).status_code == 404


def test_the_admin_sees_why_a_channel_is_off_and_turns_it_back_on(admin: TestClient, world, db_session) -> None:
    _fail(db_session, world)
    page = admin.get(f"/agencies/{world.tu_phap.id}").text
    assert "Kênh email đã tắt: " + BOUNCE in page and "Bật lại kênh email" in page
    response = admin.post(f"/contacts/{world.contact.id}/channels/email/enable",
                          data={"csrf_token": csrf(admin, "/")})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Contact, world.contact.id).channel_blocks is None
    audit = db_session.scalars(select(AuditLog).where(AuditLog.action == "contact.channel_enable")).one()
    assert audit.before == {"channel": "email", "blocked": {"reason": BOUNCE}} and audit.actor == "admin"
    assert "đã tắt" not in admin.get(f"/agencies/{world.tu_phap.id}").text


def test_a_broken_zalo_credential_is_a_banner_for_the_admin(admin: TestClient, db_session) -> None:
    now = datetime.now(UTC)
    db_session.add(ZaloCredential(app_id="app-1", access_token="a", refresh_token="r", access_expires_at=now,
                                  broken_at=now, broken_reason="Zalo OAuth refused the refresh_token grant: -14020"))
    db_session.commit()
    home = admin.get("/").text
    assert "Thông tin xác thực Zalo của ứng dụng app-1 đã hỏng" in home and "-14020" in home
