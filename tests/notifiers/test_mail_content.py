from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

from notifiers.mail_content import build_email, message_id_for

NOW = datetime(2026, 3, 17, 1, 0, tzinfo=UTC)


def parse(mail):
    return message_from_bytes(mail.as_bytes(), policy=default)


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
    raw = build_email(reminder, "hanchot <hanchot@example.gov.vn>", NOW).as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()                                   # nothing raw-8bit in the headers
    assert b"=?utf-8?" in head
    mail = message_from_bytes(raw, policy=default)
    assert mail["Subject"] == reminder.subject
    assert mail["To"].addresses[0].display_name == "Nguyễn Thị Hoàng Anh"


def test_it_derives_a_stable_message_id_and_key_header(reminder):
    first = build_email(reminder, "a@b", NOW)
    again = build_email(reminder, "a@b", datetime(2026, 3, 18, tzinfo=UTC))
    assert first["Message-ID"] == again["Message-ID"] == message_id_for(reminder.idempotency_key)
    assert first["Message-ID"] != message_id_for(reminder.idempotency_key + "x")
    assert len(first["Message-ID"]) == len("<@hanchot>") + 32
    assert first["X-Hanchot-Key"] == reminder.idempotency_key


def test_it_builds_html_from_text_escaping_markup(reminder):
    from dataclasses import replace

    mail = parse(build_email(replace(reminder, text="a <b> & c"), "a@b", NOW))
    assert "a &lt;b&gt; &amp; c" in mail.get_body(("html",)).get_content()
