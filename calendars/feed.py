"""Render a calendar feed to iCalendar bytes with ``icalendar`` 7.x (docs/calendar-feeds.md §2-§3).

The inputs are neutral dataclasses so that rendering needs no database: ``calendars/query.py`` builds them.
The output is deterministic: the same ``FeedCalendar`` always gives the same bytes (events sorted by day
then UID, DTSTAMP taken from the data, never "now"), so the body hash can serve as a strong ETag.

Decisions written down here because clients depend on them:

- **One all-day VEVENT per occurrence**, not one VEVENT with an RRULE. Our deadlines move one by one
  (holidays, weekends: docs/working-days.md), are completed one by one and change period labels ("quý I",
  "quý II"); an RRULE would need an EXDATE or a RECURRENCE-ID override for most of them, and every
  override is one more place where Google, Outlook and ical.js can disagree. Per-occurrence events with a
  UID built from (milestone id, nominal date) expand identically everywhere, and a moved occurrence keeps
  its UID (it is the *nominal* date in the UID) so clients update it in place instead of duplicating it.
- **No VALARM**: subscribed calendars ignore or strip alarms; the scheduler sends the reminders (§5).
- **TRANSP:TRANSPARENT**: deadlines must not block anybody's free/busy time.
- Timed events (``FeedEvent.at``) are written with ``TZID=<the event's zone>`` (HANCHOT_TIMEZONE, by default
  Asia/Ho_Chi_Minh) and a matching VTIMEZONE (the one ``add_missing_timezones()`` would build; the lint
  checks none is missing). Deadlines themselves are all-day (``VALUE=DATE``, exclusive DTEND).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import icalendar
from icalendar import Calendar, Event, Timezone, vDuration

PRODID = "-//hanchot//Hạn chót kế hoạch//VI"
TIMEZONE = "Asia/Ho_Chi_Minh"  # the default of HANCHOT_TIMEZONE; feeds take the configured one
REFRESH = timedelta(hours=1)
TIMED_EVENT_LENGTH = timedelta(hours=1)
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
EVENT_CACHE_SIZE = 50_000  # about 1 KiB each: every event of a province-wide feed, several times over
_END = b"END:VCALENDAR\r\n"
# Part of every event digest: bump it whenever ``_event`` changes what it writes, so stored bytes of the old
# form are not served; the icalendar version is in it because its output may change between releases.
RENDERER = f"hanchot-vevent-1/icalendar-{icalendar.__version__}"
_CACHE: OrderedDict[str, bytes] = OrderedDict()  # digest → VEVENT; oldest first, the first to go when full
_LOCK = threading.Lock()


@dataclass(frozen=True)
class FeedEvent:
    """One event of a feed: an all-day deadline on ``day`` (the effective due date), or a timed one at ``at``.

    ``last_modified`` must be an aware datetime (UTC); it is written as DTSTAMP and LAST-MODIFIED.
    ``sequence`` must grow on every change clients should see (date, summary, status).
    """

    uid: str
    summary: str
    day: date
    sequence: int
    last_modified: datetime
    description: str = ""
    categories: tuple[str, ...] = ()
    url: str | None = None
    status: str = "CONFIRMED"
    at: time | None = None  # local time in ``timezone``; None means an all-day event
    timezone: str = TIMEZONE
    digest: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.last_modified.tzinfo is None:
            raise ValueError(f"FeedEvent {self.uid}: last_modified must be timezone-aware")
        if self.status not in STATUSES:
            raise ValueError(f"FeedEvent {self.uid}: unknown STATUS {self.status!r}")
        if self.sequence < 0:
            raise ValueError(f"FeedEvent {self.uid}: SEQUENCE must not be negative")
        # The digest of everything the VEVENT is made from, and of the code that makes it (``RENDERER``): the
        # key of the rendered bytes in this process and in the database. Every render needs it, so it is
        # computed here once (a cached_property cost as much again, for its lock).
        text = (f"{RENDERER}\x1f{self.uid}\x1f{self.summary}\x1f{self.day.toordinal()}\x1f{self.sequence}\x1f"
                f"{self.last_modified.timestamp()}\x1f{self.description}\x1f{chr(30).join(self.categories)}\x1f"
                f"{self.url or ''}\x1f{self.status}\x1f{self.at or ''}{self.timezone if self.at else ''}")
        object.__setattr__(self, "digest", hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest())


@dataclass(frozen=True)
class FeedCalendar:
    """A whole feed. ``uid`` must be stable for the scope (e.g. ``agency-12@host``); ``name`` is shown to users."""

    uid: str
    name: str
    description: str
    events: Sequence[FeedEvent] = field(default_factory=tuple)
    timezone: str = TIMEZONE  # HANCHOT_TIMEZONE: X-WR-TIMEZONE, and the VTIMEZONE of timed events

    @property
    def last_modified(self) -> datetime | None:
        """The latest change of any event (the HTTP Last-Modified), or None for an empty feed."""
        return max((e.last_modified for e in self.events), default=None)


class EventStore(Protocol):
    """Where serialised VEVENTs outlive the process (``calendars.event_store.DatabaseEventStore``)."""

    def get_many(self, digests: Collection[str]) -> dict[str, bytes]:
        """The stored bytes of those ``digests`` that are stored."""

    def put_many(self, rendered: dict[str, bytes]) -> None:
        """Store ``digest → bytes``; a digest already stored is left as it is."""


def render(feed: FeedCalendar, store: EventStore | None = None) -> bytes:
    """Return the feed as iCalendar bytes (CRLF, folded at 75 octets). Raises ValueError on duplicate UIDs.

    icalendar needs about half a millisecond per VEVENT, so a 2,000-event feed would cost a second per
    render. Each VEVENT is therefore serialised once per distinct content: kept in this process
    (``_event_bytes``) and, given a ``store``, across processes and restarts, addressed by ``FeedEvent.digest``.
    Only events never seen before reach icalendar.
    """
    uids = [e.uid for e in feed.events]
    if len(set(uids)) != len(uids):
        duplicates = sorted({u for u in uids if uids.count(u) > 1})
        raise ValueError(f"duplicate event UIDs in feed {feed.uid}: {duplicates[:5]}")
    cal = Calendar.new(
        uid=feed.uid, prodid=PRODID, name=feed.name, description=feed.description, language="vi",
        method="PUBLISH", refresh_interval=REFRESH,
    )
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 form; Calendar.new omits it
    # Calendar.new also writes X-WR-CALNAME and X-WR-CALDESC for older clients.
    cal.add("X-WR-TIMEZONE", feed.timezone)
    cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))  # a bare timedelta would print "1:00:00"
    for tzid in sorted({e.timezone for e in feed.events if e.at is not None}):
        cal.add_component(Timezone.from_tzid(tzid))  # what add_missing_timezones() adds for each TZID
    shell = cal.to_ical()
    assert shell.endswith(_END), "icalendar changed how it closes a calendar"
    events = sorted(feed.events, key=lambda e: (e.day, e.at or time(0), e.uid))
    if store is not None:
        _load_missing(events, store)
    return shell[: -len(_END)] + b"".join(_event_bytes(e) for e in events) + _END


def _load_missing(events: Sequence[FeedEvent], store: EventStore) -> None:
    """Fill the process cache with the store's bytes for the events it lacks; store what icalendar must make."""
    missing = {e.digest: e for e in events if e.digest not in _CACHE}
    if not missing:
        return
    stored = store.get_many(list(missing))
    made: dict[str, bytes] = {}
    for digest, event in missing.items():
        if digest in stored:
            _remember(digest, stored[digest])
        else:
            made[digest] = _event_bytes(event)
    if made:
        store.put_many(made)


def _remember(digest: str, ics: bytes) -> None:
    with _LOCK:  # web requests render in several threads
        _CACHE[digest] = ics
        _CACHE.move_to_end(digest)
        while len(_CACHE) > EVENT_CACHE_SIZE:
            _CACHE.popitem(last=False)


def _event_bytes(event: FeedEvent) -> bytes:
    """The VEVENT bytes of ``event``, from the process cache or made by icalendar (and then cached)."""
    ics = _CACHE.get(event.digest)
    if ics is None:
        ics = _event(event).to_ical()
        _remember(event.digest, ics)
    return ics


def clear_event_cache() -> None:
    """Forget the process cache, as after a restart (tests and benchmarks)."""
    with _LOCK:
        _CACHE.clear()


def _event(event: FeedEvent) -> Event:
    stamp = event.last_modified.astimezone(UTC)
    if event.at is None:
        start: date | datetime = event.day
        end: date | datetime = event.day + timedelta(days=1)  # DTEND;VALUE=DATE is exclusive
    else:
        start = datetime.combine(event.day, event.at, tzinfo=ZoneInfo(event.timezone))
        end = start + TIMED_EVENT_LENGTH
    return Event.new(
        uid=event.uid, stamp=stamp, last_modified=stamp, sequence=event.sequence, summary=event.summary,
        description=event.description or None, categories=event.categories, url=event.url,
        start=start, end=end, status=event.status, transparency="TRANSPARENT",
    )
