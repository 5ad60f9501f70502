"""The dispatch pass as a pipeline: claim and prepare ahead, keep ``concurrency`` sends on the wire, commit
outcomes in groups as they arrive (``scheduler.dispatch.Dispatcher`` supplies each step)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.dispatch import Dispatcher, DispatchStats, Job, Outcome


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed: its C transports halve the event loop's share of each SMTP exchange."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


GROUP_COMMIT_DELAY = 0.002  # seconds the recorder waits for more outcomes when only a few are ready


class Pipeline:
    """One dispatch pass: a producer claims and prepares batches, ``concurrency`` lanes keep that many sends on
    the wire, and a recorder commits outcomes as they arrive (group commit).

    Why a pipeline and not batch after batch: a batch waits for its slowest send and then for its commit, and
    the SMTP connections idle meanwhile. Here a lane takes the next prepared job as soon as its previous
    outcome is committed, and the recorder commits together whatever finished while its previous commit
    ran. At most one claim is prepared ahead (its rows are claimed, not sent). The duplicate window of a
    kill — sends the provider accepted whose outcome is not committed yet — is at most one per lane, i.e.
    ``concurrency``. A kill also leaves claimed rows that were never sent: they are sent once, after the lease.

    The database work (a claim of 100, a group commit) runs on the event loop's own thread, between sends: a
    few milliseconds during which the SMTP server works on what it already has. A helper thread was
    measured slower (its hand-offs of the GIL cost more than the waits it avoided).
    """

    def __init__(self, dispatcher: Dispatcher, stats: DispatchStats) -> None:
        self.dispatcher, self.stats = dispatcher, stats
        self.lanes = dispatcher.config.concurrency
        self.quorum = max(1, self.lanes // 2)
        self.ready: asyncio.Queue[Job | None] = asyncio.Queue(maxsize=dispatcher.config.claim_size)
        self.finished: list[tuple[Job, Outcome, asyncio.Future[None]]] = []
        self.wake = asyncio.Event()      # something finished, or the pass is over
        self.idle = asyncio.Event()      # every job handed to a lane has been recorded
        self.idle.set()
        self.outstanding = 0
        self.over = False

    async def run(self) -> None:
        async with asyncio.TaskGroup() as tasks:
            heartbeat = tasks.create_task(self._heartbeat())
            recorder = tasks.create_task(self._record())
            lanes = [tasks.create_task(self._lane()) for _ in range(self.lanes)]
            await self._produce()
            await asyncio.gather(*lanes)
            self.over = True
            self.wake.set()
            await recorder
            heartbeat.cancel()

    async def _heartbeat(self) -> None:
        """Renew this worker's claims every ``heartbeat`` seconds: a live worker's claims never expire, a dead
        one's expire within the (short) lease and are reclaimed by the next pass."""
        while True:
            await asyncio.sleep(self.dispatcher.config.heartbeat)
            self.dispatcher.renew()

    async def _produce(self) -> None:
        while True:
            jobs = self.dispatcher.claim_and_prepare(self.stats)
            if jobs is None:
                # Nothing due now; but a send still in flight may fail over to email and plan a new due
                # row, so look once more when everything handed out has been recorded.
                await self.idle.wait()
                jobs = self.dispatcher.claim_and_prepare(self.stats)
                if jobs is None:
                    break
            for job in jobs:
                self.outstanding += 1
                self.idle.clear()
                await self.ready.put(job)
        for _ in range(self.lanes):
            await self.ready.put(None)

    async def _lane(self) -> None:
        loop = asyncio.get_running_loop()
        while (job := await self.ready.get()) is not None:
            outcome = await self.dispatcher.send(job)
            recorded = loop.create_future()
            self.finished.append((job, outcome, recorded))
            self.wake.set()
            # Take the next job only once this outcome is committed: the sends accepted but not yet recorded
            # (a kill's duplicates) stay at most one per lane, however slow the database is.
            await recorded

    async def _record(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            if 0 < len(self.finished) < self.quorum and not self.over:
                # Group commit: a commit costs far more than a row, so give the other lanes a moment to finish
                # too. Short next to a send's round trip; the lanes waiting meanwhile are a few.
                await asyncio.sleep(GROUP_COMMIT_DELAY)
            while self.finished:
                batch, self.finished = self.finished, []
                self.dispatcher.record([(job, outcome) for job, outcome, _ in batch], self.stats)
                for *_, recorded in batch:
                    recorded.set_result(None)
                self.outstanding -= len(batch)
                if self.outstanding == 0:
                    self.idle.set()
            if self.over:
                return
