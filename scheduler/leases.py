"""The scheduler's leadership lease in the database, with a fencing token.

One row of ``scheduler_leases`` says who leads until when; every new leader increments ``token``. The leader
renews the row every few seconds (``scheduler.service``); a killed leader's row expires after ``TTL`` and a
standby takes it over, or at once when the leader ran on the standby's host and its process is gone (the SQLite
case: one machine). Work done for the leader is fenced: the claim of due reminders carries
``Fence.condition``, so the very UPDATE that claims rows matches nothing once another process leads — on
the same connection and in the same statement, with no window between a check and the claim.

The lease lives in the database, not in a file: deleting a file can no longer make a second leader.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from models import SchedulerLease

LEASES = SchedulerLease.__table__
NAME = "scheduler"
TTL = timedelta(seconds=10)  # a dead leader's standby on another host takes over within TTL + one poll


@dataclass(frozen=True)
class Fence:
    holder: str
    token: int

    def condition(self, now: datetime) -> Any:
        """True in SQL while this holder, with this token, still leads."""
        return exists(select(LEASES.c.name).where(LEASES.c.name == NAME, LEASES.c.holder == self.holder,
                                                  LEASES.c.token == self.token, LEASES.c.expires_at > now))


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def dead_on_this_host(worker: str) -> bool:
    """Whether ``worker`` ("host:pid", ``scheduler.runtime.worker_name``) ran on this host and its process is gone."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


class DatabaseLease:
    def __init__(self, engine: Engine, holder: str | None = None, ttl: timedelta = TTL) -> None:
        self.engine, self.holder, self.ttl = engine, holder or new_holder(), ttl
        self.fence: Fence | None = None

    def try_acquire(self, now: datetime, force: bool = False) -> Fence | None:
        """Take the lease if it is free or expired (``force``: whatever its state — the caller holds an exclusive
        lock already, PostgreSQL's advisory lock). A new token each time."""
        free = LEASES.c.expires_at <= now
        take = update(LEASES).values(holder=self.holder, token=LEASES.c.token + 1, expires_at=now + self.ttl)
        with self.engine.begin() as connection:
            taken = connection.execute(take.where(LEASES.c.name == NAME, *(() if force else (free,)))).rowcount
            if not taken:
                held = connection.execute(select(LEASES.c.holder).where(LEASES.c.name == NAME)).first()
                if held is not None:
                    # A leader of this host that was killed cannot renew: take its lease now rather than after TTL
                    # (conditional on that holder, so of two standbys only one wins).
                    if not dead_on_this_host(held.holder.rpartition(":")[0]):
                        return None
                    if not connection.execute(take.where(LEASES.c.name == NAME,
                                                         LEASES.c.holder == held.holder)).rowcount:
                        return None
                else:
                    try:
                        with connection.begin_nested():
                            connection.execute(insert(LEASES).values(name=NAME, holder=self.holder, token=1,
                                                                     expires_at=now + self.ttl))
                    except IntegrityError:  # another process created it first
                        return None
            token = connection.execute(select(LEASES.c.token).where(LEASES.c.name == NAME,
                                                                   LEASES.c.holder == self.holder)).scalar()
        if token is None:
            return None
        self.fence = Fence(self.holder, token)
        return self.fence

    def renew(self, now: datetime) -> bool:
        """Push the lease forward; False when another process took it (this one must stop leading)."""
        if self.fence is None:
            return False
        with self.engine.begin() as connection:
            renewed = connection.execute(update(LEASES).where(
                LEASES.c.name == NAME, LEASES.c.holder == self.fence.holder, LEASES.c.token == self.fence.token)
                .values(expires_at=now + self.ttl)).rowcount
        if not renewed:
            self.fence = None
        return bool(renewed)

    def release(self) -> None:
        """Let a standby take over at once (a clean stop)."""
        if self.fence is None:
            return
        with self.engine.begin() as connection:
            connection.execute(update(LEASES).where(LEASES.c.name == NAME, LEASES.c.holder == self.fence.holder,
                                                    LEASES.c.token == self.fence.token)
                               .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC)))
        self.fence = None


_current: Fence | None = None


def set_current(fence: Fence | None) -> None:
    """The fence of this process's leadership, for the jobs it runs (None: not leading)."""
    global _current
    _current = fence


def current() -> Fence | None:
    return _current
