from dataclasses import replace

import pytest

from notifiers import NotifierError
from notifiers.http_client import ZaloHttp
from notifiers.zns import TRACKING_ID_MAX, normalise_phone, tracking_id
from tests.notifiers.zalo_helpers import TEMPLATE, TOKEN, ZNS_CONFIG, Sleeps, seeded_store, tokens_for, zns_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def http() -> ZaloHttp:
    return ZaloHttp(sleep=Sleeps(), attempts=2)


@pytest.fixture
def template(zalo_fake):
    zalo_fake.zalo_phones.add("84987654321")
    return zalo_fake.add_template("643118", {"ten_can_bo": 30, "nhiem_vu": 100, "han_chot": 10})


@pytest.mark.parametrize(("raw", "expected"), [
    ("0987654321", "84987654321"), ("0987 654 321", "84987654321"), ("+84 987-654-321", "84987654321"),
    ("84987654321", "84987654321"), ("(098) 765.4321", "84987654321"),
])
def test_it_normalises_vietnamese_mobile_numbers(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "098765432", "+1 415 555 0100", "08498765432x"])
def test_it_refuses_what_is_not_a_vietnamese_mobile_number(raw):
    with pytest.raises(ValueError):
        normalise_phone(raw)


def test_it_keeps_short_keys_as_tracking_id_and_hashes_long_ones():
    assert tracking_id("r-42-P3D") == "r-42-P3D"
    long = "deadline-1042-20260320@deadlines.example.gov.vn|2026-03-20|P3D|user-77"
    assert len(tracking_id(long)) <= TRACKING_ID_MAX
    assert tracking_id(long) == tracking_id(long) != tracking_id(long + "x")


async def test_it_sends_the_template_by_phone_with_the_key_as_tracking_id(zalo_fake, http, template, reminder):
    store, access, _ = await seeded_store(zalo_fake)
    short = replace(reminder, idempotency_key="r-42|P3D")

    result = await zns_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(short)

    [call] = zalo_fake.calls(TEMPLATE)
    assert call.headers["access_token"] == access
    assert call.body == {"phone": "84987654321", "template_id": "643118", "tracking_id": "r-42|P3D",
                         "template_data": {"ten_can_bo": "Nguyễn Thị Hoàng Anh", "nhiem_vu": reminder.subject,
                                           "han_chot": "20/03/2026"}}
    assert result.kind == "zns" and len(result.provider_message_id) == 20


async def test_it_sends_in_development_mode_when_configured(zalo_fake, http, template, reminder):
    zalo_fake.admin_phones.add("84911111111")
    store, _, _ = await seeded_store(zalo_fake)
    admin = replace(reminder, recipient=replace(reminder.recipient, phone="0911111111"))
    config = ZNS_CONFIG.model_copy(update={"mode": "development"})

    await zns_for(zalo_fake, tokens_for(zalo_fake, store, http), http, config).send(admin)

    assert zalo_fake.calls(TEMPLATE)[0].body["mode"] == "development"
    assert zalo_fake.zns_sent_today == 0                 # development sends use no quota


async def test_it_asks_for_email_when_the_phone_has_no_zalo(zalo_fake, http, template, reminder):
    store, _, _ = await seeded_store(zalo_fake)
    stranger = replace(reminder, recipient=replace(reminder.recipient, phone="0900000000"))

    with pytest.raises(NotifierError) as failure:
        await zns_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(stranger)

    assert failure.value.permanent is True and failure.value.code == "fallback_email"
    assert "-118" in str(failure.value) and len(zalo_fake.calls(TEMPLATE)) == 1


async def test_it_refuses_an_invalid_phone_before_calling_zalo(zalo_fake, http, template, reminder):
    store, _, _ = await seeded_store(zalo_fake)
    bad = replace(reminder, recipient=replace(reminder.recipient, phone="12345"))

    with pytest.raises(NotifierError) as failure:
        await zns_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(bad)

    assert failure.value.code == "fallback_email" and zalo_fake.calls(TEMPLATE) == []


async def test_it_treats_a_phone_zalo_calls_invalid_as_permanent(zalo_fake, http, template, reminder):
    store, _, _ = await seeded_store(zalo_fake)
    zalo_fake.fail_next(TEMPLATE, -108)

    with pytest.raises(NotifierError) as failure:
        await zns_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert failure.value.permanent is True and "-108" in str(failure.value)
    assert len(zalo_fake.calls(TEMPLATE)) == 1


async def test_it_refreshes_once_on_the_zns_token_error(zalo_fake, http, template, reminder):
    store, access, _ = await seeded_store(zalo_fake)
    zalo_fake.expire_access(access)

    await zns_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert len(zalo_fake.calls(TOKEN)) == 1 and len(zalo_fake.calls(TEMPLATE)) == 2


@pytest.mark.parametrize(("code", "outcome", "permanent"), [
    (-133, "night", False), (-144, "quota", False), (-115, "quota", False), (-109, "config", True),
    (-1121, "permanent", True),
])
async def test_it_classifies_zns_failures_without_retrying(zalo_fake, http, template, reminder, code, outcome,
                                                            permanent):
    store, _, _ = await seeded_store(zalo_fake)
    zalo_fake.fail_next(TEMPLATE, code)

    with pytest.raises(NotifierError) as failure:
        await zns_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert (failure.value.code, failure.value.permanent) == (outcome, permanent)
    assert len(zalo_fake.calls(TEMPLATE)) == 1


async def test_it_cuts_template_parameters_that_zalo_would_refuse_as_too_long(zalo_fake, http, reminder):
    zalo_fake.zalo_phones.add("84987654321")
    zalo_fake.add_template("643118", {"ten_can_bo": 30, "nhiem_vu": 40, "han_chot": 10})
    store, _, _ = await seeded_store(zalo_fake)
    config = ZNS_CONFIG.model_copy(update={"max_length": 40})

    await zns_for(zalo_fake, tokens_for(zalo_fake, store, http), http, config).send(
        replace(reminder, subject="Báo cáo " * 20))

    sent = zalo_fake.calls(TEMPLATE)[0].body["template_data"]["nhiem_vu"]
    assert len(sent) == 40 and sent.endswith("…")
