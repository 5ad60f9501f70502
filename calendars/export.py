"""Export every agency's feed to a folder: one ``<slug>.ics`` per agency, rewritten only when it changes.

Unchanged files keep their modification time, so a static web server's Last-Modified and a sync tool's
diff stay quiet. Each file is written to a temporary name and renamed, so a reader never sees half a feed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from calendars.conditional import ascii_filename
from calendars.event_store import DatabaseEventStore, prune
from calendars.feed import TIMEZONE, EventStore, render
from calendars.query import Reasons, Scope, build_feed
from config.atomic_file import write_atomically
from models import Agency, FeedRole, FeedScope


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def slug(name: str) -> str:
    """``"Sở Tư pháp"`` → ``"so-tu-phap"``: ASCII, lower case, hyphens."""
    return ascii_filename(name).lower().strip(".-") or "co-quan"


def export_agency_feeds(session: Session, directory: Path, *, role: FeedRole, base_url: str,
                        reasons: Reasons | None = None, store: EventStore | None = None,
                        timezone: str = TIMEZONE) -> ExportResult:
    """Render the feed of every agency that is not a group (groups are expanded into their members)."""
    directory.mkdir(parents=True, exist_ok=True)
    result, taken = ExportResult(), set()
    for agency in session.scalars(select(Agency).where(Agency.is_group.is_(False)).order_by(Agency.id)):
        name = slug(agency.name)
        if name in taken:  # two names that only differ in diacritics or punctuation
            name = f"{name}-{agency.id}"
        taken.add(name)
        body = render(build_feed(session, Scope(FeedScope.AGENCY, agency.id, role), base_url=base_url,
                                 reasons=reasons, timezone=timezone), store)
        path = directory / f"{name}.ics"
        (result.written if write_if_changed(path, body) else result.unchanged).append(path)
    return result


def write_if_changed(path: Path, body: bytes) -> bool:
    """Write ``body`` atomically unless the file already holds exactly these bytes. Returns True if written."""
    if path.exists() and path.read_bytes() == body:
        return False
    return write_atomically(path, body)


@dataclass
class RepublishResult:
    export: ExportResult
    pruned: int


def republish(engine: Engine, directory: Path, *, base_url: str, reasons: Reasons | None = None,
              timezone: str = TIMEZONE) -> RepublishResult:
    """Export every agency feed (role "all"), storing each new VEVENT (calendars.event_store) so that
    subscribers' next polls need no icalendar; then prune the stored VEVENTs no current event uses.

    The scheduler's feeds job runs this; the province feed holds every published event, hence what to keep.
    """
    store = DatabaseEventStore(engine)
    with Session(engine) as session:
        result = export_agency_feeds(session, directory, role=FeedRole.ALL, base_url=base_url, reasons=reasons,
                                     store=store, timezone=timezone)
        everything = build_feed(session, Scope(FeedScope.PROVINCE, None, FeedRole.ALL), base_url=base_url,
                                reasons=reasons, timezone=timezone)
    return RepublishResult(result, prune(engine, (e.digest for e in everything.events)))
