"""Shared fixtures of the notifier tests: the SMTP sink process, the Zalo fake and a sample reminder."""

from __future__ import annotations

import pytest

from notifiers import Links, Message, Recipient
from tests.fakes.zalo_fake import zalo_fake  # noqa: F401  (fixture)
from tests.support.smtp_sink import smtp_sink, smtp_sink_tls  # noqa: F401  (fixtures)

ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hanchot//VI\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\n"
       b"UID:deadline-7-20260320@hanchot\r\nDTSTAMP:20260105T030000Z\r\nDTSTART;VALUE=DATE:20260320\r\n"
       b"DTEND;VALUE=DATE:20260321\r\nSUMMARY:B\xc3\xa1o c\xc3\xa1o CCHC qu\xc3\xbd I/2026\r\nEND:VEVENT\r\n"
       b"END:VCALENDAR\r\n")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def reminder() -> Message:
    return Message(
        idempotency_key="deadline-7-20260320@hanchot|2026-03-20|P3D|u42",
        recipient=Recipient(name="Nguyễn Thị Hoàng Anh", email="anh.nth@sonoivu.thanhhoa.gov.vn",
                            zalo_user_id="2512523625412515", phone="0987654321"),
        subject="Sắp đến hạn: Báo cáo CCHC quý I/2026 (còn 3 ngày)",
        text="Kính gửi chị Hoàng Anh,\n\nNhiệm vụ «Báo cáo kết quả cải cách hành chính quý I/2026» "
             "đến hạn ngày 20/03/2026.",
        links=Links(done_url="https://hanchot.example/a/done/tok1", snooze_url="https://hanchot.example/a/snooze/tok1"),
        ics=ICS,
        template_data={"due_date": "20/03/2026"},
    )
