"""Emails to the admin address (``HANCHOT_ADMIN_EMAIL``) about delivery itself: a long outage that ended, a
broken Zalo credential. Each is sent once: the row that records it is claimed by a conditional UPDATE first.

Sent after a dispatch pass, through the email notifier of that pass: when the outage was the mail server's
own, the alert goes out only once the server is back, which is the point (the banner on the dashboard says
it meanwhile).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from models import ZaloCredential
from notifiers.base import Message, Notifier, NotifierError, Recipient
from scheduler import outages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdminAlerts:
    admin_email: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"

    async def after_pass(self, factory: sessionmaker[Session], email: Notifier | None, now: datetime,
                         longer_than: timedelta) -> int:
        """Send the recovery email of every long outage that ended, and the broken-credential email; return how
        many went out."""
        if not self.admin_email or email is None:
            return 0
        engine = factory.kw["bind"]
        with engine.begin() as connection:
            ended = outages.claim_recovery_alert(connection, now, longer_than)
        sent = await self._broken_credentials(engine, email, now)
        for outage in ended:
            try:
                await email.send(self.recovery_message(outage))
                sent += 1
            except NotifierError as e:
                log.warning("the admin alert about the %s outage was not sent (%s); next pass tries again",
                            outage.channel, e)
                with engine.begin() as connection:
                    outages.release_recovery_alert(connection, outage.channel)
        return sent

    async def _broken_credentials(self, engine: Any, email: Notifier, now: datetime) -> int:
        creds = ZaloCredential.__table__
        with engine.begin() as connection:
            broken = connection.execute(select(creds.c.app_id, creds.c.broken_at, creds.c.broken_reason).where(
                creds.c.broken_at.is_not(None), creds.c.broken_alerted_at.is_(None))).all()
            won = [b for b in broken if connection.execute(update(creds).where(
                creds.c.app_id == b.app_id, creds.c.broken_alerted_at.is_(None))
                .values(broken_alerted_at=now)).rowcount == 1]
        sent = 0
        for b in won:
            text = (f"Zalo đã từ chối refresh token của ứng dụng {b.app_id} lúc "
                    f"{b.broken_at.astimezone(ZoneInfo(self.timezone)):%H:%M %d/%m/%Y}: {b.broken_reason}\n\n"
                    "Các nhắc việc qua Zalo đang được gửi qua kênh tiếp theo của từng người (thường là email). "
                    "Cần cấp quyền lại cho Official Account để dùng lại Zalo.")
            message = Message(idempotency_key=f"zalo-broken:{b.app_id}:{b.broken_at:%Y%m%dT%H%M%S}",
                              recipient=Recipient(name="Quản trị hạn chót", email=self.admin_email),
                              subject="[hanchot] Thông tin xác thực Zalo đã hỏng: cần cấp quyền lại", text=text)
            try:
                await email.send(message)
                sent += 1
            except NotifierError as e:
                log.warning("the admin alert about the broken Zalo credential was not sent (%s)", e)
                with engine.begin() as connection:
                    connection.execute(update(creds).where(creds.c.app_id == b.app_id).values(broken_alerted_at=None))
        return sent

    def recovery_message(self, outage: outages.Outage) -> Message:
        zone = ZoneInfo(self.timezone)
        start, end = outage.started_at.astimezone(zone), (outage.ended_at or outage.started_at).astimezone(zone)
        minutes = int((end - start).total_seconds() // 60)
        span = f"{minutes // 60} giờ {minutes % 60} phút" if minutes >= 60 else f"{minutes} phút"
        text = (f"Kênh {outage.label} bị gián đoạn từ {start:%H:%M %d/%m/%Y} đến {end:%H:%M %d/%m/%Y} ({span}).\n"
                f"Lỗi cuối cùng: {outage.last_error or 'không rõ'}\n\n"
                "Các nhắc việc chưa gửi được trong thời gian này vẫn được gửi lại tự động cho tới khi hết ý nghĩa; "
                "xem trang \"Nhắc việc bị kẹt hoặc lỗi\" để kiểm tra.")
        key = f"outage:{outage.channel}:{outage.started_at:%Y%m%dT%H%M%S}"
        return Message(idempotency_key=key, recipient=Recipient(name="Quản trị hạn chót", email=self.admin_email),
                       subject=f"[hanchot] Kênh {outage.label} đã hoạt động lại sau {span} gián đoạn", text=text)
