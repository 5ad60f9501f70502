import ssl
from dataclasses import replace

import pytest

from config.settings import load_settings
from notifiers import NotifierError, load_notifier
from notifiers.mail_content import message_id_for
from notifiers.smtp import SmtpNotifier

pytestmark = [pytest.mark.anyio, pytest.mark.external_service]


def notifier_for(url: str, **deps) -> SmtpNotifier:
    settings = load_settings(smtp_url=url, mail_from="Hạn chót <hanchot@example.gov.vn>")
    return load_notifier("email", settings, **deps)


async def test_it_delivers_the_reminder_to_a_real_smtp_server(smtp_sink, reminder):
    result = await notifier_for(smtp_sink.url()).send(reminder)

    [got] = smtp_sink.received(expect=1)
    assert result.kind == "email" and result.provider_message_id == message_id_for(reminder.idempotency_key)
    assert got.rcpt_tos == ["anh.nth@sonoivu.thanhhoa.gov.vn"]
    assert got.mail_from == "hanchot@example.gov.vn"
    assert got.message["Message-ID"] == result.provider_message_id
    assert got.message["Subject"] == reminder.subject
    assert [p.get_content_type() for p in got.message.walk()][-1] == "text/calendar"


async def test_it_uses_starttls_and_auth_when_the_server_requires_them(smtp_sink_tls, reminder):
    trust = ssl.create_default_context(cafile=str(smtp_sink_tls.cert))
    url = smtp_sink_tls.url(user="hanchot", password="mat-khau-9", starttls=True)

    await notifier_for(url, tls_context=trust).send(reminder)

    [got] = smtp_sink_tls.received(expect=1)
    assert got.tls is True and got.auth_user == "hanchot"


async def test_it_reports_a_wrong_password_as_permanent(smtp_sink_tls, reminder):
    trust = ssl.create_default_context(cafile=str(smtp_sink_tls.cert))
    url = smtp_sink_tls.url(user="hanchot", password="sai", starttls=True)

    with pytest.raises(NotifierError) as failure:
        await notifier_for(url, tls_context=trust).send(reminder)

    assert failure.value.permanent is True
    assert smtp_sink_tls.received() == []


async def test_it_refuses_an_untrusted_certificate_as_transient(smtp_sink_tls, reminder):
    url = smtp_sink_tls.url(user="hanchot", password="mat-khau-9", starttls=True)

    with pytest.raises(NotifierError) as failure:
        await notifier_for(url).send(reminder)          # default context: the self-signed cert is refused

    assert failure.value.permanent is False
    assert smtp_sink_tls.received() == []


async def test_it_treats_a_5xx_answer_as_permanent(smtp_sink, reminder):
    smtp_sink.answer("554 5.7.1 Message rejected as spam")

    with pytest.raises(NotifierError) as failure:
        await notifier_for(smtp_sink.url()).send(reminder)

    assert failure.value.permanent is True
    assert "554" in str(failure.value)


async def test_it_treats_a_4xx_answer_as_transient_and_succeeds_once_the_server_recovers(smtp_sink, reminder):
    notifier = notifier_for(smtp_sink.url())
    smtp_sink.answer("451 4.3.0 Mailbox temporarily unavailable")
    with pytest.raises(NotifierError) as failure:
        await notifier.send(reminder)
    assert failure.value.permanent is False and failure.value.code == "transient"

    smtp_sink.answer(None)
    await notifier.send(reminder)
    assert len(smtp_sink.received(expect=1)) == 1


async def test_it_reports_smtp_down_as_transient(smtp_sink, reminder):
    notifier = notifier_for(smtp_sink.url())
    smtp_sink.stop()
    with pytest.raises(NotifierError) as failure:
        await notifier.send(reminder)
    assert failure.value.permanent is False

    smtp_sink.start()                                   # same port: the outage is over
    await notifier.send(reminder)
    assert len(smtp_sink.received(expect=1)) == 1


async def test_it_refuses_a_recipient_without_email_permanently(smtp_sink, reminder):
    nobody = replace(reminder, recipient=replace(reminder.recipient, email=None))
    with pytest.raises(NotifierError) as failure:
        await notifier_for(smtp_sink.url()).send(nobody)
    assert failure.value.permanent is True and failure.value.code == "recipient"


async def test_it_reconnects_when_the_server_dropped_a_pooled_connection(smtp_sink, reminder):
    notifier = notifier_for(smtp_sink.url())
    await notifier.send(reminder)                       # leaves an idle connection in the pool
    smtp_sink.stop()
    smtp_sink.start()                                   # the idle connection is now dead

    second = replace(reminder, idempotency_key=f"{reminder.idempotency_key}:2")
    result = await notifier.send(second)

    received = smtp_sink.received(expect=2)  # the restarted sink numbers on: both mails are kept
    assert len(received) == 2 and received[-1].message["Message-ID"] == result.provider_message_id
    await notifier.aclose()


async def test_it_keeps_tls_and_auth_for_every_message_sent_on_a_pooled_connection(smtp_sink_tls, reminder):
    trust = ssl.create_default_context(cafile=str(smtp_sink_tls.cert))
    notifier = notifier_for(smtp_sink_tls.url(user="hanchot", password="mat-khau-9", starttls=True), tls_context=trust)

    for n in range(3):
        await notifier.send(replace(reminder, idempotency_key=f"{reminder.idempotency_key}:{n}"))
    await notifier.aclose()

    received = smtp_sink_tls.received(expect=3)
    assert len(received) == 3 and all(r.tls and r.auth_user == "hanchot" for r in received)


@pytest.mark.parametrize(("address", "permanent"), [("ai@refused.example", True), ("ai@busy.example", False)])
async def test_it_reports_a_refused_recipient_by_the_server_s_code(smtp_sink, reminder, address, permanent):
    from notifiers.base import Recipient

    notifier = notifier_for(smtp_sink.url())
    with pytest.raises(NotifierError) as refused:
        await notifier.send(replace(reminder, recipient=Recipient("Ai", address)))
    assert refused.value.permanent is permanent and refused.value.code == "recipient"
    await notifier.send(reminder)  # the failed connection was dropped; the next message goes through
    assert [r.rcpt_tos for r in smtp_sink.received(expect=1)] == [[reminder.recipient.email]]
    await notifier.aclose()
