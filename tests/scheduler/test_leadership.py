"""Fenced leadership: the lease lives in the database (no file to delete on SQLite), and a leader that lost it
claims nothing more, because every claim carries the lease's fencing token in the claiming UPDATE itself."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from models import Reminder, SchedulerLease
from models.db import session_factory
from scheduler.dispatch import DispatchConfig, Dispatcher, DispatchStats
from scheduler.leader import Leadership
from scheduler.leases import TTL
from scheduler.runtime import build_notifiers, link_settings
from tests.scheduler.world import build_world, seed_outbox

AT = datetime(2025, 5, 5, 1, 0, tzinfo=UTC)


def url_of(engine):
    return engine.url.render_as_string(hide_password=False)


def claim_with(engine, settings, fence, now):
    factory = session_factory(engine)
    dispatcher = Dispatcher(factory, build_notifiers(settings, factory), link_settings(settings), lambda: now,
                            DispatchConfig(claim_size=5), worker="w", fence=fence)
    return dispatcher.claim_and_prepare(DispatchStats())


def test_one_leader_at_a_time_and_a_deposed_leader_claims_nothing(engine, session, settings_for, tmp_path):
    seed_outbox(session, build_world(session), 10, AT)
    settings = settings_for(None)
    clock = {"now": AT}
    first = Leadership(url_of(engine), tmp_path, clock=lambda: clock["now"])
    second = Leadership(url_of(engine), tmp_path, clock=lambda: clock["now"])
    try:
        assert first.try_acquire() and not second.try_acquire()
        # Nothing on disk a person could delete to make a second leader: no lock file, only the database.
        assert not [p for p in tmp_path.rglob("*lock*")]
        old = first.fence
        assert len(claim_with(engine, settings, old, AT) or []) == 5  # the leader claims

        if engine.dialect.name == "postgresql":
            # The advisory lock is lost (as when its session is terminated) while the process runs on.
            first._connection.execute(text("SELECT pg_advisory_unlock_all()"))
        else:
            clock["now"] = AT + TTL + timedelta(seconds=1)  # the leader stalled: its lease ran out
        assert second.try_acquire()
        assert second.fence.token == old.token + 1
        assert not first.check()  # the old leader learns it at its next check…
        # …but even before that, its claims are fenced: nothing more is claimed with the old token.
        assert claim_with(engine, settings, old, clock["now"]) is None
        assert len(claim_with(engine, settings, second.fence, clock["now"]) or []) == 5
        claimed_by = session.scalars(select(Reminder.status)).all()
        assert sorted(claimed_by) == ["claimed"] * 10
        lease = session.scalars(select(SchedulerLease)).one()
        assert lease.holder == second.fence.holder
    finally:
        second.release()
        first.release()
