import asyncio
import re
from dataclasses import replace

import pytest

from config.settings import load_settings
from notifiers import NotifierError, load_notifier
from notifiers.http_client import ZaloHttp
from notifiers.zalo_tokens import ZaloTokens
from tests.notifiers.zalo_helpers import (
    CS,
    TEMPLATE,
    TOKEN,
    Sleeps,
    oa_for,
    seeded_store,
    tokens_for,
    zns_for,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def http(sleeps) -> ZaloHttp:
    return ZaloHttp(sleep=sleeps, attempts=3)


@pytest.fixture
def user(zalo_fake, reminder):
    return zalo_fake.add_user(reminder.recipient.zalo_user_id, days_since_interaction=2)


async def test_it_sends_a_consultation_text_with_the_token_in_the_access_token_header(zalo_fake, http, user,
                                                                                     reminder):
    store, access, _ = await seeded_store(zalo_fake)

    result = await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    [call] = zalo_fake.calls(CS)
    assert call.headers["access_token"] == access
    assert "authorization" not in call.headers
    assert call.body["recipient"] == {"user_id": "2512523625412515"}
    text = call.body["message"]["text"]
    assert text.startswith("Kính gửi chị Hoàng Anh,")
    assert text.endswith("Nhắc lại sau: https://hanchot.example/a/snooze/tok1")
    assert result.kind == "zalo" and re.fullmatch(r"[0-9a-f]{20}", result.provider_message_id)


async def test_it_truncates_a_long_text_to_2000_characters_and_keeps_the_links(zalo_fake, http, user, reminder):
    store, _, _ = await seeded_store(zalo_fake)
    long = replace(reminder, text="Nhiệm vụ trọng tâm năm 2026 " * 200)

    await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(long)

    text = zalo_fake.calls(CS)[0].body["message"]["text"]
    assert len(text) <= 2000
    body, links = text.split("\n\n", 1)
    assert body.endswith("…")
    kept = body.removesuffix("…")
    assert long.text.startswith(kept + " ")               # cut between two words, never inside one
    assert len(text) > 1900                               # and not much shorter than allowed
    assert links == ("Đánh dấu đã xong: https://hanchot.example/a/done/tok1\n"
                     "Nhắc lại sau: https://hanchot.example/a/snooze/tok1")


async def test_it_refreshes_an_expired_token_exactly_once_then_delivers(zalo_fake, http, user, reminder):
    store, access, refresh = await seeded_store(zalo_fake)
    zalo_fake.expire_access(access)                       # our store still believes it is valid

    result = await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    [grant] = zalo_fake.calls(TOKEN)
    assert grant.headers["secret_key"] == zalo_fake.secret_key
    assert grant.body == {"refresh_token": refresh, "app_id": zalo_fake.app_id, "grant_type": "refresh_token"}
    first, second = zalo_fake.calls(CS)
    assert first.headers["access_token"] == access
    assert second.headers["access_token"] != access
    assert result.provider_message_id


async def test_it_stores_the_rotated_pair_and_the_fake_refuses_the_spent_refresh_token(zalo_fake, http, user,
                                                                                     reminder):
    store, access, refresh = await seeded_store(zalo_fake)
    zalo_fake.expire_access(access)
    tokens = tokens_for(zalo_fake, store, http)
    await oa_for(zalo_fake, tokens, http).send(reminder)

    state = await store.load()
    assert state.refresh_token != refresh and state.refresh_token in zalo_fake.refresh_tokens
    assert zalo_fake.access_tokens[state.access_token].revoked is False
    with pytest.raises(NotifierError) as reuse:
        await tokens.oauth.refresh(refresh, state.updated_at)
    assert reuse.value.code == "reauthorize" and reuse.value.permanent is True
    assert len(zalo_fake.calls(TOKEN)) == 2               # the reuse was really sent, and refused


async def test_it_spends_the_refresh_token_once_when_many_sends_race(zalo_fake, http, user, reminder):
    store, access, _ = await seeded_store(zalo_fake)
    zalo_fake.expire_access(access)
    # Two managers on one store stand for two processes; each has its own in-process lock.
    first, second = tokens_for(zalo_fake, store, http), tokens_for(zalo_fake, store, http)
    notifiers = [oa_for(zalo_fake, tokens, http) for tokens in (first, second)]

    results = await asyncio.gather(*(notifiers[i % 2].send(reminder) for i in range(10)))

    assert len(zalo_fake.calls(TOKEN)) == 1
    assert all(r.provider_message_id for r in results)


async def test_it_falls_back_to_zns_outside_the_7_day_window(zalo_fake, http, reminder):
    zalo_fake.add_user(reminder.recipient.zalo_user_id, days_since_interaction=8)
    zalo_fake.add_template("643118", {"ten_can_bo": 30, "nhiem_vu": 100, "han_chot": 10})
    zalo_fake.zalo_phones.add("84987654321")
    store, _, _ = await seeded_store(zalo_fake)
    tokens = tokens_for(zalo_fake, store, http)

    result = await oa_for(zalo_fake, tokens, http, zns=zns_for(zalo_fake, tokens, http)).send(reminder)

    assert len(zalo_fake.calls(CS)) == 1                   # -230 is not retried
    [zns] = zalo_fake.calls(TEMPLATE)
    assert zns.body["phone"] == "84987654321"
    assert zns.body["tracking_id"] == reminder.idempotency_key
    assert result.kind == "zns"


async def test_it_asks_for_email_outside_the_window_without_zns(zalo_fake, http, reminder):
    zalo_fake.add_user(reminder.recipient.zalo_user_id, days_since_interaction=30)
    store, _, _ = await seeded_store(zalo_fake)

    with pytest.raises(NotifierError) as failure:
        await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert failure.value.code == "fallback_email" and failure.value.permanent is False
    assert len(zalo_fake.calls(CS)) == 1


async def test_it_retries_a_rate_limited_send_after_the_servers_delay(zalo_fake, http, sleeps, user, reminder):
    store, _, _ = await seeded_store(zalo_fake)
    zalo_fake.rate_limited, zalo_fake.retry_after = 1, 1.5

    await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert sleeps.delays == [1.5]
    assert len(zalo_fake.calls(CS)) == 2


async def test_it_backs_off_on_rate_limits_without_a_retry_after(zalo_fake, sleeps, user, reminder):
    http = ZaloHttp(sleep=sleeps, attempts=3, rate_limit_delay=4.0)
    store, _, _ = await seeded_store(zalo_fake)
    zalo_fake.rate_limited = 3

    with pytest.raises(NotifierError) as failure:
        await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert failure.value.permanent is False
    assert len(zalo_fake.calls(CS)) == 3
    assert 4.0 <= sleeps.delays[0] <= 6.0 and 8.0 <= sleeps.delays[1] <= 12.0


@pytest.mark.parametrize(("state", "code"), [({"follower": False}, -213), ({"banned": True}, -227)])
async def test_it_does_not_retry_a_recipient_zalo_cannot_reach(zalo_fake, http, sleeps, reminder, state, code):
    zalo_fake.add_user(reminder.recipient.zalo_user_id, **state)
    store, _, _ = await seeded_store(zalo_fake)

    with pytest.raises(NotifierError) as failure:
        await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert failure.value.permanent is True and failure.value.code == "fallback_email"
    assert str(code) in str(failure.value)
    assert len(zalo_fake.calls(CS)) == 1 and sleeps.delays == []


async def test_it_reports_night_refusals_for_rescheduling(zalo_fake, http, sleeps, user, reminder):
    store, _, _ = await seeded_store(zalo_fake)
    zalo_fake.fail_next(CS, -234)

    with pytest.raises(NotifierError) as failure:
        await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert failure.value.code == "night" and failure.value.permanent is False
    assert len(zalo_fake.calls(CS)) == 1


async def test_it_gives_up_after_a_second_token_error_without_looping(zalo_fake, http, user, reminder):
    store, _, _ = await seeded_store(zalo_fake)
    zalo_fake.fail_next(CS, -216, -220)

    with pytest.raises(NotifierError) as failure:
        await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert failure.value.code == "reauthorize"
    assert len(zalo_fake.calls(TOKEN)) == 1 and len(zalo_fake.calls(CS)) == 2


async def test_it_retries_server_errors_then_delivers(zalo_fake, http, sleeps, user, reminder):
    store, _, _ = await seeded_store(zalo_fake)
    zalo_fake.http_statuses[CS] = [502, 503]

    await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert len(zalo_fake.calls(CS)) == 3 and len(sleeps.delays) == 2


async def test_it_reports_an_unreachable_zalo_as_transient(sleeps, reminder):
    from notifiers.zalo_tokens import MemoryTokenStore, ZaloOAuth, fresh_tokens_from
    from tests.notifiers.zalo_helpers import now
    from tests.support.smtp_sink import free_port

    http = ZaloHttp(sleep=sleeps, attempts=2)
    store = MemoryTokenStore()
    await store.put(fresh_tokens_from("a", "r", now()), now())
    base = f"http://127.0.0.1:{free_port()}"                 # nothing listens there
    tokens = ZaloTokens(store, ZaloOAuth(http, oauth_base=base, app_id="1", secret_key="s"))
    notifier = oa_for(type("F", (), {"url": base})(), tokens, http)

    with pytest.raises(NotifierError) as failure:
        await notifier.send(reminder)

    assert failure.value.permanent is False and failure.value.code == "transient"
    assert len(sleeps.delays) == 1


async def test_it_is_built_from_settings_and_config_zalo_toml(zalo_fake, http, tmp_path, reminder):
    (tmp_path / "zalo.toml").write_text(
        '[zns]\nenabled = true\ntemplate_id = "643118"\nmode = "development"\n'
        '[zns.fields]\nten_can_bo = "recipient.name"\nnhiem_vu = "subject"\nhan_chot = "template_data.due_date"\n',
        encoding="utf-8")
    zalo_fake.add_user(reminder.recipient.zalo_user_id, days_since_interaction=10)
    zalo_fake.add_template("643118", {"ten_can_bo": 30, "nhiem_vu": 100, "han_chot": 10})
    zalo_fake.admin_phones.add("84987654321")
    store, _, _ = await seeded_store(zalo_fake)
    settings = load_settings(config_dir=tmp_path, **zalo_fake.bases)

    result = await load_notifier("zalo", settings, store=store, http=http).send(reminder)

    [zns] = zalo_fake.calls(TEMPLATE)
    assert zns.body["mode"] == "development"
    assert zns.body["template_data"] == {"ten_can_bo": "Nguyễn Thị Hoàng Anh", "nhiem_vu": reminder.subject,
                                         "han_chot": "20/03/2026"}
    assert result.kind == "zns"
