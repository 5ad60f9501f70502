"""One Zalo HTTP client per process, whose connections are reused from one send to the next."""

import asyncio
from dataclasses import replace

import pytest

from config.settings import load_settings
from notifiers import load_notifier
from notifiers.http_client import ZaloHttp, shared_http
from tests.notifiers.zalo_helpers import CS, oa_for, seeded_store, tokens_for

pytestmark = pytest.mark.anyio


async def test_consecutive_sends_reuse_one_connection_until_the_pass_closes_it(zalo_fake, reminder):
    zalo_fake.add_user(reminder.recipient.zalo_user_id, days_since_interaction=1)
    store, _, _ = await seeded_store(zalo_fake)
    http = ZaloHttp()
    notifier = oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http)

    for n in range(5):
        await notifier.send(replace(reminder, idempotency_key=f"k{n}"))
    await notifier.aclose()  # what the dispatcher does when its pass ends
    await notifier.send(replace(reminder, idempotency_key="after"))
    await notifier.aclose()

    ports = [call.peer_port for call in zalo_fake.calls(CS)]
    assert len(ports) == 6 and all(ports)
    assert len(set(ports[:5])) == 1  # one TCP connection for the five sends
    assert ports[5] != ports[0]  # closed by aclose: the next send opens a new one


def test_a_client_left_by_an_ended_event_loop_is_not_reused(zalo_fake, reminder):
    """The scheduler runs one ``asyncio.run`` per tick: a connection of an ended loop cannot serve the next."""
    zalo_fake.add_user(reminder.recipient.zalo_user_id, days_since_interaction=1)
    http = ZaloHttp()

    async def send(key: str) -> None:
        store, _, _ = await seeded_store(zalo_fake)
        await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(replace(reminder, idempotency_key=key))

    asyncio.run(send("first"))  # no aclose: the loop ends with the client open
    asyncio.run(send("second"))
    assert [c.body["recipient"]["user_id"] for c in zalo_fake.calls(CS)] == [reminder.recipient.zalo_user_id] * 2
    assert len(http._clients) == 1  # the first loop's client was dropped, not kept beside the new one


async def test_notifiers_built_from_settings_share_the_process_client(zalo_fake, tmp_path, reminder):
    (tmp_path / "zalo.toml").write_text('[zns]\nenabled = true\ntemplate_id = "643118"\n'
                                        '[zns.fields]\nten_can_bo = "recipient.name"\n', encoding="utf-8")
    store, _, _ = await seeded_store(zalo_fake)
    settings = load_settings(config_dir=tmp_path, **zalo_fake.bases)

    oa = load_notifier("zalo", settings, store=store)
    zns = load_notifier("zns", settings, store=store)

    assert oa.http is shared_http() and oa.zns.http is shared_http() and zns.http is shared_http()
    assert oa.tokens.oauth.http is shared_http()
