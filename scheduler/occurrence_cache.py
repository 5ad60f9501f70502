"""The deadlines a dispatch pass writes about, loaded once per pass instead of once per batch.

A pass sends many reminders about few occurrences (every contact of an agency, every lead time). Loading
an occurrence with its milestone, task, plan and agencies and rendering its text and .ics cost more than
sending the email, so they are kept for the pass. Each batch still reads every occurrence's status, due
date and ``updated_at`` (one light query): a change to any of them reloads that occurrence, so a deadline
marked done or moved is never reminded (status and date are compared themselves, not only the time stamp,
which a frozen or coarse clock may leave unchanged). Edits to the task or plan text show from the next pass, or after
``ttl`` seconds in a long one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Milestone, Occurrence, Plan, Task
from models.live import LIVE_MILESTONE
from scheduler.compose import OccurrenceText, load_occurrences, occurrence_text


@dataclass(frozen=True, slots=True)
class _Entry:
    fingerprint: tuple[str, date, datetime]  # status, effective due date, updated_at
    occurrence: Occurrence  # detached, with everything composing reads already loaded
    text: OccurrenceText
    loaded: float


class OccurrenceCache:
    def __init__(self, host: str, ttl: float = 60.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.host, self.ttl, self.monotonic = host, ttl, monotonic
        self._entries: dict[int, _Entry] = {}

    def get(self, session: Session, ids: Iterable[int]) -> dict[int, tuple[Occurrence, OccurrenceText]]:
        """The current occurrences among ``ids`` (deleted or no longer live ones are absent), each with its text."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        # Only live ones (models.live): a reminder about a cancelled task or milestone, or an unpublished plan,
        # finds its occurrence absent and is cancelled, as for a deleted one.
        stamps = {row.id: (row.status, row.effective_due, row.updated_at) for row in session.execute(
            select(Occurrence.id, Occurrence.status, Occurrence.effective_due, Occurrence.updated_at)
            .join(Milestone, Occurrence.milestone_id == Milestone.id).join(Task, Milestone.task_id == Task.id)
            .join(Plan, Task.plan_id == Plan.id).where(Occurrence.id.in_(wanted), *LIVE_MILESTONE))}
        now = self.monotonic()
        stale = [i for i in stamps if (entry := self._entries.get(i)) is None or entry.fingerprint != stamps[i]
                 or now - entry.loaded > self.ttl]
        for occurrence in load_occurrences(session, stale).values():
            fingerprint = (occurrence.status, occurrence.effective_due, occurrence.updated_at)
            self._entries[occurrence.id] = _Entry(fingerprint, occurrence, occurrence_text(occurrence, self.host), now)
        return {i: (self._entries[i].occurrence, self._entries[i].text) for i in stamps if i in self._entries}
