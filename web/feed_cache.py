"""Rendered feeds kept in process memory, reused while the data they come from is unchanged.

A feed of 2,000 events takes hundreds of milliseconds to query and render, and calendar clients poll
every hour, mostly to learn that nothing changed. The cache key is the feed scope; an entry is reused
while the database *fingerprint* is the same: the latest ``updated_at`` and the row count of plans, tasks,
milestones and occurrences, plus the newest audit log id (every admin edit — agency renames, remapped
assignments, merges — writes one). The fingerprint is global, so any change anywhere renders feeds again:
simple and never stale, at the cost of some needless re-renders.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditLog, Milestone, Occurrence, Plan, Task

MAX_ENTRIES = 512


@dataclass(frozen=True)
class Rendered:
    body: bytes
    etag: str
    last_modified: datetime | None
    name: str


def fingerprint(session: Session) -> tuple:
    parts: list[object] = []
    for model in (Plan, Task, Milestone, Occurrence):
        parts.extend(session.execute(select(func.max(model.updated_at), func.count(model.id))).one())
    parts.append(session.scalar(select(func.max(AuditLog.id))))
    return tuple(parts)


class FeedCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[str, tuple[tuple, Rendered]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: str, stamp: tuple) -> Rendered | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, stamp: tuple, rendered: Rendered) -> None:
        with self._lock:
            self._entries[key] = (stamp, rendered)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
