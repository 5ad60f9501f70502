"""Exactly one active scheduler: a lock held for the life of the process; a second process waits as standby.

- PostgreSQL: ``pg_try_advisory_lock`` on a dedicated connection (not from the pool, so nothing else
  ever runs on it or returns it). The server releases the lock the moment that connection dies, so a
  killed scheduler hands over within one standby poll.
- Both: a lease row in the database with a fencing token (``scheduler.leases``), renewed by ``check()``. On
  SQLite it IS the lock (no file to delete); on PostgreSQL the advisory lock holder takes it over at once.
  Every claim of due reminders is fenced by that token in the claiming statement itself, so a leader that
  lost its lock claims nothing more, even within the pass it was in.

The active process must stop scheduling when its lock is lost (PostgreSQL restarted, network cut, lease
taken): ``check()`` says whether it still holds it, and the service exits when it does not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from scheduler.jobs import system_now
from scheduler.leases import DatabaseLease, Fence

log = logging.getLogger(__name__)
# A fixed 64-bit key: "hanchot scheduler" (any constant works; it only has to be the same in every process).
ADVISORY_KEY = 0x68616E63686F7401


class Leadership:
    """Try, wait for, check and release the scheduler lock of one database."""

    def __init__(self, database_url: str, lock_dir: Path | None = None,
                 clock: Callable[[], datetime] = system_now) -> None:
        from models.db import make_engine

        self.url = make_url(database_url)
        self.lock_dir = lock_dir  # kept for callers; the lease now lives in the database
        self.clock = clock
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._lease_engine = make_engine(database_url, poolclass=NullPool)
        self.lease = DatabaseLease(self._lease_engine)

    @property
    def kind(self) -> str:
        return "advisory lock" if self.url.get_backend_name() == "postgresql" else "database lease"

    @property
    def fence(self) -> Fence | None:
        return self.lease.fence

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never blocks. True when this process is now the active scheduler."""
        if self.url.get_backend_name() == "postgresql":
            return self._try_advisory() and self.lease.try_acquire(self.clock(), force=True) is not None
        return self.lease.try_acquire(self.clock()) is not None

    def wait(self, poll: float = 2.0, stop: Callable[[], bool] = lambda: False,
             on_standby: Callable[[], None] = lambda: None) -> bool:
        """Block as standby until the lock is ours (True) or ``stop()`` says to give up (False).

        ``on_standby`` is called once, when the lock is first found held by another process."""
        announced = False
        while not stop():
            if self.try_acquire():
                return True
            if not announced:
                log.warning("another scheduler is active (%s held); waiting as standby", self.kind)
                on_standby()
                announced = True
            time.sleep(poll)
        return False

    def check(self) -> bool:
        """Whether the lock is still held, renewing the lease (PostgreSQL: the lock connection also still answers
        and owns the advisory lock)."""
        try:
            if not self.lease.renew(self.clock()):
                log.error("the scheduler lease was taken by another process")
                return False
        except Exception:
            log.exception("could not renew the scheduler lease")
            return False
        if self._connection is not None:
            try:
                held = self._connection.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() AND objid = :lo AND classid = :hi"),
                    {"lo": ADVISORY_KEY & 0xFFFFFFFF, "hi": ADVISORY_KEY >> 32}).scalar()
                return bool(held)
            except Exception:
                log.exception("lost the scheduler lock connection")
                return False
        return True

    def release(self) -> None:
        try:
            self.lease.release()
        except Exception:
            log.exception("could not release the scheduler lease; it expires by itself")
        if self._connection is not None:
            try:
                self._connection.close()  # closing the session releases the advisory lock
            finally:
                self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _try_advisory(self) -> bool:
        if self._connection is None:
            # Autocommit: the session-level lock must not sit inside an open transaction.
            self._engine = create_engine(self.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            self._connection = self._engine.connect()
        got = self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        return bool(got)
