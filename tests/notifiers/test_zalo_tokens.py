import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from models import ZaloCredential
from models.db import session_factory
from notifiers import NotifierError
from notifiers.http_client import ZaloHttp
from notifiers.zalo_token_store import SqlTokenStore
from notifiers.zalo_tokens import MemoryTokenStore, TokenState, fresh_tokens_from
from tests.notifiers.zalo_helpers import CS, TOKEN, Sleeps, oa_for, seeded_store, tokens_for

pytestmark = pytest.mark.anyio
T0 = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)          # 08:00 in Hà Nội


@pytest.fixture
def http() -> ZaloHttp:
    return ZaloHttp(sleep=Sleeps(), attempts=2)


async def test_it_refreshes_the_token_before_it_expires_and_not_earlier(zalo_fake, http):
    with time_machine.travel(T0, tick=False) as clock:
        store, access, _ = await seeded_store(zalo_fake)                 # valid for 25 h
        tokens = tokens_for(zalo_fake, store, http)

        clock.move_to(T0 + timedelta(hours=20))
        assert await tokens.refresh_if_expiring(datetime.now(UTC)) is False
        assert zalo_fake.calls(TOKEN) == []

        clock.move_to(T0 + timedelta(hours=23))                          # 2 h left < 3 h margin
        assert await tokens.refresh_if_expiring(datetime.now(UTC)) is True

    state = await store.load()
    assert len(zalo_fake.calls(TOKEN)) == 1
    assert state.access_token != access
    assert state.access_expires_at == T0 + timedelta(hours=23, seconds=90000)


async def test_it_rotates_a_refresh_token_that_is_close_to_its_own_expiry(zalo_fake, http):
    with time_machine.travel(T0, tick=False) as clock:
        store, _, refresh = await seeded_store(zalo_fake)
        tokens = tokens_for(zalo_fake, store, http)
        clock.move_to(T0 + timedelta(days=80))                         # access long dead, refresh 10 days left

        assert await tokens.refresh_if_expiring(datetime.now(UTC)) is True

    state = await store.load()
    assert state.refresh_token != refresh
    assert state.refresh_expires_at == T0 + timedelta(days=170)


async def test_it_refreshes_a_token_expired_in_the_store_before_sending(zalo_fake, http, reminder):
    zalo_fake.add_user(reminder.recipient.zalo_user_id)
    with time_machine.travel(T0, tick=False) as clock:
        store, _, _ = await seeded_store(zalo_fake)
        clock.move_to(T0 + timedelta(hours=26))
        zalo_fake.add_user(reminder.recipient.zalo_user_id)            # interacted "today"

        await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    assert len(zalo_fake.calls(TOKEN)) == 1
    assert len(zalo_fake.calls(CS)) == 1                               # no wasted call with the dead token


async def test_it_asks_for_reauthorization_when_no_token_is_stored(zalo_fake, http, reminder):
    tokens = tokens_for(zalo_fake, MemoryTokenStore(), http)

    with pytest.raises(NotifierError) as failure:
        await oa_for(zalo_fake, tokens, http).send(reminder)

    assert failure.value.code == "reauthorize" and failure.value.permanent is True


async def test_it_keeps_the_stored_pair_when_the_refresh_is_refused(zalo_fake, http):
    store, _, refresh = await seeded_store(zalo_fake)
    zalo_fake.fail_next(TOKEN, -14020)
    tokens = tokens_for(zalo_fake, store, http)

    with pytest.raises(NotifierError) as failure:
        await tokens.refresh_if_expiring(datetime.now(UTC) + timedelta(hours=24))

    state = await store.load()
    assert failure.value.code == "reauthorize"
    assert state.refresh_token == refresh and not state.refreshing     # the claim was released
    assert len(zalo_fake.calls(TOKEN)) == 1                            # never retried


async def test_it_takes_over_a_claim_abandoned_by_a_crashed_worker(zalo_fake, http):
    access, refresh = zalo_fake.issue_tokens()
    now = datetime.now(UTC)
    crashed = TokenState(access, refresh, now - timedelta(minutes=1), now + timedelta(days=80), version=4,
                         updated_at=now - timedelta(minutes=10))                 # claimed 10 minutes ago
    store = MemoryTokenStore(crashed)

    token = await tokens_for(zalo_fake, store, http).access_token(now)

    assert token == (await store.load()).access_token != access
    assert (await store.load()).version == 6


async def test_it_waits_for_a_fresh_claim_instead_of_spending_the_token_twice(zalo_fake, http):
    store, _, _ = await seeded_store(zalo_fake)
    state = await store.load()
    now = datetime.now(UTC) + timedelta(hours=25)                      # the access token is dead
    assert await store.claim(state.version, now)                       # "another process" is refreshing
    tokens = tokens_for(zalo_fake, store, http)
    reads, read_again = 0, asyncio.Event()
    load = store.load

    async def counted_load():
        nonlocal reads
        reads += 1
        if reads == 2:  # the waiter found the claim held, waited, and looks again
            read_again.set()
        return await load()

    store.load = counted_load

    async def other_process_finishes() -> None:
        await read_again.wait()  # an event, not a guess at how long the waiter takes to start
        await store.save(fresh_tokens_from("new-access", "new-refresh", now), state.version + 1, now)

    token, _ = await asyncio.gather(tokens.access_token(now), other_process_finishes())

    assert token == "new-access" and zalo_fake.calls(TOKEN) == []
    assert reads >= 3  # it read the store until the other process's tokens were there


@pytest.mark.external_service
async def test_it_stores_rotations_in_the_database_with_compare_and_swap(zalo_fake, http, engine, reminder):
    zalo_fake.add_user(reminder.recipient.zalo_user_id)
    store, access, _ = await seeded_store(zalo_fake, SqlTokenStore(session_factory(engine), zalo_fake.app_id))
    zalo_fake.expire_access(access)

    await oa_for(zalo_fake, tokens_for(zalo_fake, store, http), http).send(reminder)

    with session_factory(engine)() as session:
        row = session.scalar(select(ZaloCredential).where(ZaloCredential.app_id == zalo_fake.app_id))
    assert row.version == 3 and row.access_token != access
    assert row.refresh_token in zalo_fake.refresh_tokens and not zalo_fake.refresh_tokens[row.refresh_token].used
    assert not await store.claim(1, datetime.now(UTC))                 # a stale version never wins


@pytest.mark.external_service
async def test_it_spends_the_refresh_token_once_across_database_connections(zalo_fake, http, engine, reminder):
    zalo_fake.add_user(reminder.recipient.zalo_user_id)
    _, access, _ = await seeded_store(zalo_fake, SqlTokenStore(session_factory(engine), zalo_fake.app_id))
    zalo_fake.expire_access(access)
    # Four "processes": separate stores (own sessions) and token managers on one database row.
    workers = [oa_for(zalo_fake, tokens_for(zalo_fake, SqlTokenStore(session_factory(engine), zalo_fake.app_id),
                                            http), http) for _ in range(4)]

    await asyncio.gather(*(w.send(reminder) for w in workers for _ in range(3)))

    assert len(zalo_fake.calls(TOKEN)) == 1
    used = [c.headers["access_token"] for c in zalo_fake.calls(CS)]
    assert used.count(access) == 12                                    # each send tried the old token once
    assert len(set(used) - {access}) == 1 and len(used) == 24          # and all retried with the one new token


def test_it_serves_one_process_wide_manager_across_event_loops(zalo_fake):
    """The scheduler runs asyncio.run() per tick with one shared ZaloTokens."""
    http = ZaloHttp(sleep=Sleeps(), attempts=2)
    store, _, _ = asyncio.run(seeded_store(zalo_fake))
    tokens = tokens_for(zalo_fake, store, http)

    async def racing_refreshes(hours: int) -> set[str]:
        now = datetime.now(UTC) + timedelta(hours=hours)
        return set(await asyncio.gather(*(tokens.access_token(now) for _ in range(5))))

    first = asyncio.run(racing_refreshes(25))
    second = asyncio.run(racing_refreshes(50))

    assert len(first) == len(second) == 1 and first != second
    assert len(zalo_fake.calls(TOKEN)) == 2
