"""The five seed plans imported through the real importer (read_plan + store_plan), then published.

Also the expected occurrences of a feed, read with plain SQL (never through calendars/query.py), so a wrong
filter in the feed query shows up as a difference.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from calendars.feed import render
from calendars.query import Scope, build_feed
from config.agencies import AgencyDirectory
from ingest import read_plan
from ingest.store import ImportResult, store_plan
from models import FeedRole, Plan
from tests.support.data import SEEDS

HOST = "hanchot.test"
BASE_URL = f"https://{HOST}"
PUBLISHED_AT = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
ROLES = {FeedRole.LEAD: ("lead",), FeedRole.SUPPORT: ("support",), FeedRole.ALL: ("lead", "support", "synthesis")}


def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 5, f"expected the five seed plans in {SEEDS}, found {len(paths)}"
    return paths


def import_and_publish(session: Session, path: Path, directory: AgencyDirectory) -> ImportResult:
    """One plan file through the importer, published, committed (as ``hanchot import --publish`` does: a new version
    of a published plan goes live at once, through its revision)."""
    from ingest.revisions import publish

    result = store_plan(session, read_plan(path), directory)
    if result.revision_of is not None:
        result = publish(session, result.plan_id, now=PUBLISHED_AT)
    plan = session.get(Plan, result.plan_id)
    if plan.status != "published":
        plan.status, plan.published_at = "published", PUBLISHED_AT
    session.commit()
    return result


_DATED = """
    SELECT m.id, m.kind, o.due, COALESCE(o.moved_to, o.effective_due)
    FROM occurrences o JOIN milestones m ON m.id = o.milestone_id JOIN tasks t ON t.id = m.task_id
    JOIN plans p ON p.id = t.plan_id
    WHERE p.status = 'published' AND t.cancelled_at IS NULL AND m.cancelled_at IS NULL
      AND o.status <> 'cancelled' {tasks}
    UNION
    SELECT m.id, m.kind, m.event_date, m.event_date
    FROM milestones m JOIN tasks t ON t.id = m.task_id JOIN plans p ON p.id = t.plan_id
    WHERE p.status = 'published' AND t.cancelled_at IS NULL AND m.cancelled_at IS NULL
      AND m.event_date IS NOT NULL AND NOT EXISTS (SELECT 1 FROM occurrences o WHERE o.milestone_id = m.id) {tasks}
    UNION
    SELECT m.id, m.kind, m.due, m.due
    FROM milestones m JOIN tasks t ON t.id = m.task_id JOIN plans p ON p.id = t.plan_id
    WHERE p.status = 'published' AND t.cancelled_at IS NULL AND m.cancelled_at IS NULL
      AND m.kind = 'once' AND m.due IS NOT NULL AND m.event_date IS NULL
      AND NOT EXISTS (SELECT 1 FROM occurrences o WHERE o.milestone_id = m.id) {tasks}
"""


def expected_by_year(session: Session, *, role: FeedRole, agency_ids: list[int] | None = None,
                     plan_id: int | None = None) -> dict[int, dict[str, list[str]]]:
    """{year: {uid: [effective day, ...]}} of the feed of these agencies (None: any) or this plan."""
    clauses, params = [], {}
    if plan_id is not None:
        clauses.append("AND t.plan_id = :plan")
        params["plan"] = plan_id
    if agency_ids is not None or role != FeedRole.ALL:
        roles = ", ".join(f"'{r}'" for r in ROLES[role])
        assigned = f"SELECT a.task_id FROM assignments a WHERE a.role IN ({roles})"
        if agency_ids is not None:  # an assignment to a group counts for each of its members
            assigned += (" AND (a.agency_id IN :agencies OR a.agency_id IN"
                         " (SELECT g.group_id FROM agency_group_members g WHERE g.member_id IN :agencies))")
            params["agencies"] = agency_ids or [-1]
        clauses.append(f"AND t.id IN ({assigned})")
    query = text(_DATED.format(tasks=" ".join(clauses)))
    if agency_ids is not None:
        query = query.bindparams(bindparam("agencies", expanding=True))
    found: dict[int, dict[str, list[str]]] = {}
    for milestone_id, kind, nominal, effective in session.execute(query, params):
        nominal, effective = _as_date(nominal), _as_date(effective)
        # One event per one-off milestone (its UID survives a new date), one per occurrence of a recurring one.
        uid = f"ms-{milestone_id}-{nominal:%Y%m%d}@{HOST}" if kind == "recurring" else f"ms-{milestone_id}@{HOST}"
        found.setdefault(effective.year, {}).setdefault(uid, []).append(effective.isoformat())
    return {year: {uid: sorted(days) for uid, days in sorted(uids.items())} for year, uids in found.items()}


def plan_years(session: Session) -> list[int]:
    """Every year a published plan names or has a dated occurrence in."""
    years = {int(y) for (y,) in session.execute(text("SELECT plan_year FROM plans WHERE status = 'published'"))}
    for (day,) in session.execute(text("SELECT COALESCE(moved_to, effective_due) FROM occurrences")):
        years.add(_as_date(day).year)
    return sorted(years)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def feed_events(session: Session, scope: Scope) -> dict[str, dict[str, object]]:
    """{uid: what a client keeps of the event} of the rendered feed of ``scope``."""
    body = render(build_feed(session, scope, base_url=BASE_URL))
    events = {}
    for event in icalendar.Calendar.from_ical(body).walk("VEVENT"):
        events[str(event["UID"])] = {
            "sequence": int(event.get("SEQUENCE", 0)), "start": event["DTSTART"].dt, "end": event["DTEND"].dt,
            "summary": str(event["SUMMARY"]), "description": str(event.get("DESCRIPTION", "")),
            "url": str(event.get("URL", "")), "categories": event.get("CATEGORIES").to_ical().decode()
            if event.get("CATEGORIES") else ""}
    return events
