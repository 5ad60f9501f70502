import asyncio
from email import message_from_bytes
from email.policy import default

import pytest

from config.settings import load_settings
from notifiers import load_notifier
from notifiers.mail_content import message_id_for

pytestmark = pytest.mark.anyio


async def test_it_writes_one_eml_file_named_after_the_message_id(tmp_path, reminder):
    notifier = load_notifier("eml", load_settings(mail_dir=tmp_path / "mail"))

    result = await notifier.send(reminder)

    [path] = (tmp_path / "mail").iterdir()
    assert path.name == message_id_for(reminder.idempotency_key).strip("<>") + ".eml"
    mail = message_from_bytes(path.read_bytes(), policy=default)
    assert mail["Message-ID"] == result.provider_message_id
    assert mail["Subject"] == reminder.subject


async def test_it_never_overwrites_a_sent_key_and_reports_success(tmp_path, reminder):
    notifier = load_notifier("eml", load_settings(mail_dir=tmp_path))
    await notifier.send(reminder)
    path = notifier.path_for(reminder.idempotency_key)
    path.write_bytes(b"first version")

    again = await notifier.send(reminder)

    assert path.read_bytes() == b"first version"
    assert again.provider_message_id == message_id_for(reminder.idempotency_key)


async def test_it_leaves_no_temporary_files_when_writers_race(tmp_path, reminder):
    notifier = load_notifier("eml", load_settings(mail_dir=tmp_path))

    await asyncio.gather(*(notifier.send(reminder) for _ in range(5)))

    assert [p.name for p in tmp_path.iterdir()] == [notifier.path_for(reminder.idempotency_key).name]
