"""Exactly one active scheduler: a lock held for the life of the process; a second process waits as standby.

- PostgreSQL: ``pg_try_advisory_lock`` on a dedicated connection (not from the pool, so nothing else
  ever runs on it or returns it). The server releases the lock the moment that connection dies, so a
  killed scheduler hands over within one standby poll.
- SQLite: an exclusive ``filelock`` next to the database file (``var/hanchot.db.scheduler.lock`` by
  default), so each database has its own; the kernel releases it when the process dies.

The active process must stop scheduling when its lock is lost (PostgreSQL restarted, network cut):
``check()`` says whether it still holds it, and the service exits when it does not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)
# A fixed 64-bit key: "hanchot scheduler" (any constant works; it only has to be the same in every process).
ADVISORY_KEY = 0x68616E63686F7401


class Leadership:
    """Try, wait for, check and release the scheduler lock of one database."""

    def __init__(self, database_url: str, lock_dir: Path) -> None:
        self.url = make_url(database_url)
        self.lock_dir = lock_dir
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._file_lock: FileLock | None = None

    @property
    def kind(self) -> str:
        return "advisory lock" if self.url.get_backend_name() == "postgresql" else "file lock"

    @property
    def lock_path(self) -> Path:
        database = self.url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            return Path(database).with_name(Path(database).name + ".scheduler.lock")
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        return self.lock_dir / "scheduler.lock"

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never blocks. True when this process is now the active scheduler."""
        if self.url.get_backend_name() == "postgresql":
            return self._try_advisory()
        return self._try_file()

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
        """Whether the lock is still held (PostgreSQL: the lock connection still answers and owns it)."""
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
        return self._file_lock is not None and self._file_lock.is_locked

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()  # closing the session releases the advisory lock
            finally:
                self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None

    def _try_advisory(self) -> bool:
        if self._connection is None:
            # Autocommit: the session-level lock must not sit inside an open transaction.
            self._engine = create_engine(self.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            self._connection = self._engine.connect()
        got = self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        return bool(got)

    def _try_file(self) -> bool:
        if self._file_lock is None:
            self._file_lock = FileLock(str(self.lock_path))
        try:
            self._file_lock.acquire(timeout=0)
        except Timeout:
            return False
        return True
