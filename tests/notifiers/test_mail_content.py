from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

from notifiers.mail_content import build_email, message_id_for

NOW = datetime(2026, 3, 17, 1, 0, tzinfo=UTC)


def parse(mail):
    return message_from_bytes(mail.data, policy=default)


def test_it_builds_text_and_html_alternatives_plus_the_ics_attachment(reminder):
    mail = parse(build_email(reminder, "hanchot <hanchot@example.gov.vn>", NOW))
    assert mail.get_content_type() == "multipart/mixed"
    alternative, attachment = mail.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == "nhac-han.ics"
    assert attachment.get_content().encode() == reminder.ics.decode().encode()


def test_it_writes_vietnamese_text_with_the_links_in_both_bodies(reminder):
    mail = parse(build_email(reminder, "hanchot <hanchot@example.gov.vn>", NOW))
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Báo cáo kết quả cải cách hành chính quý I/2026" in plain
    assert "Đánh dấu đã xong: https://hanchot.example/a/done/tok1" in plain
    assert 'href="https://hanchot.example/a/snooze/tok1"' in html
    assert "«Báo cáo kết quả" in html


def test_it_encodes_the_vietnamese_subject_and_name_as_rfc2047_words(reminder):
    raw = build_email(reminder, "hanchot <hanchot@example.gov.vn>", NOW).data
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()                                   # nothing raw-8bit in the headers
    assert b"=?utf-8?" in head
    mail = message_from_bytes(raw, policy=default)
    assert mail["Subject"] == reminder.subject
    assert mail["To"].addresses[0].display_name == "Nguyễn Thị Hoàng Anh"


def test_it_derives_a_stable_message_id_and_key_header(reminder):
    first = parse(build_email(reminder, "a@b", NOW))
    again = parse(build_email(reminder, "a@b", datetime(2026, 3, 18, tzinfo=UTC)))
    assert first["Message-ID"] == again["Message-ID"] == message_id_for(reminder.idempotency_key)
    assert build_email(reminder, "a@b", NOW).message_id == first["Message-ID"]
    assert first["Message-ID"] != message_id_for(reminder.idempotency_key + "x")
    assert len(first["Message-ID"]) == len("<@hanchot>") + 32
    assert first["X-Hanchot-Key"] == reminder.idempotency_key


def test_it_builds_html_from_text_escaping_markup(reminder):
    from dataclasses import replace

    mail = parse(build_email(replace(reminder, text="a <b> & c"), "a@b", NOW))
    assert "a &lt;b&gt; &amp; c" in mail.get_body(("html",)).get_content()


def test_it_writes_ascii_lines_of_at_most_76_characters_in_crlf(reminder):
    from dataclasses import replace

    long = replace(reminder, subject="Sắp đến hạn: " + "Báo cáo kết quả cải cách hành chính quý I/2026 " * 6,
                   text="Nội dung dài. " * 400)
    raw = build_email(long, "Hệ thống nhắc hạn <nhac-han@example.gov.vn>", NOW).data
    assert raw.isascii()
    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines)                     # every line ends with CRLF, never a bare LF
    assert max(len(line) for line in lines) <= 76
    mail = message_from_bytes(raw, policy=default)
    assert mail["Subject"] == " ".join(long.subject.split())
    assert mail["From"].addresses[0].display_name == "Hệ thống nhắc hạn"
    assert mail.get_body(("plain",)).get_content().startswith("Nội dung dài. Nội dung dài.")


def test_it_refuses_an_address_it_cannot_send_to(reminder):
    from dataclasses import replace

    import pytest

    from notifiers.base import Recipient

    for bad in ("không-có-a-còng", "tên.tiếng.việt@example.vn"):
        with pytest.raises(ValueError):
            build_email(replace(reminder, recipient=Recipient("A", bad)), "a@b", NOW)
    idn = parse(build_email(replace(reminder, recipient=Recipient("A", "an@sở.vn")), "a@b", NOW))
    assert idn["To"].addresses[0].addr_spec == "an@xn--s-lym.vn"
