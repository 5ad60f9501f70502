"""A small linter for iCalendar feeds: the faults parsers forgive and clients punish (docs/calendar-feeds.md §9).

``python`` icalendar, like most parsers, accepts a missing UID or a floating time; Google, Outlook and
ical.js then duplicate, shift or drop events. Each check maps to a complaint in docs/calendar-feeds.md §8.
Messages are English: they are read by developers and CI, not by users.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from icalendar import Calendar, Component

MAX_OCTETS = 75
DATE_TIME_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
UTC_ONLY_PROPERTIES = ("DTSTAMP", "LAST-MODIFIED", "CREATED")
# A DATE-TIME value as written on the wire: floating unless it ends in Z or carries TZID.
_DATE_TIME = re.compile(rb"^(?P<name>[A-Z-]+)(?P<params>;[^:]*)?:(?P<value>\d{8}T\d{6}Z?(,\d{8}T\d{6}Z?)*)$")


def lint_ics(body: bytes, parsed: Calendar | None = None) -> list[str]:
    """Return one message per problem found in ``body``; an empty list means the feed is clean.

    ``parsed``: ``body`` already parsed by the caller (parsing is most of the cost of a big feed)."""
    problems = _lint_lines(body)
    try:
        cal = parsed if parsed is not None else Calendar.from_ical(body)
    except ValueError as e:
        return [*problems, f"not parseable as iCalendar: {e}"]
    problems += _lint_calendar(cal)
    problems += _lint_floating(body)
    for index, event in enumerate(cal.walk("VEVENT")):
        problems += _lint_event(event, _label(index, event))
    problems += _lint_duplicate_uids(cal)
    return problems


def _lint_lines(body: bytes) -> list[str]:
    problems = [] if body.endswith(b"\r\n") else ["the last line does not end with CRLF"]
    for number, line in enumerate(body.split(b"\n"), start=1):
        if line.endswith(b"\r"):
            line = line[:-1]
        elif number <= body.count(b"\n"):
            problems.append(f"line {number}: ends with LF, not CRLF")
        if len(line) > MAX_OCTETS:
            problems.append(f"line {number}: {len(line)} octets, longer than {MAX_OCTETS} (not folded)")
    return problems


def _lint_calendar(cal: Calendar) -> list[str]:
    problems = [f"calendar: missing {name}" for name in ("VERSION", "PRODID") if name not in cal]
    if str(cal.get("METHOD", "")).upper() != "PUBLISH":
        problems.append("calendar: METHOD is not PUBLISH")
    if "REFRESH-INTERVAL" not in cal and "X-PUBLISHED-TTL" not in cal:
        problems.append("calendar: neither REFRESH-INTERVAL nor X-PUBLISHED-TTL")
    problems += [f"TZID {tzid} has no VTIMEZONE" for tzid in sorted(cal.get_missing_tzids())]
    if cal.walk("VTODO"):
        problems.append("VTODO present: subscribed calendars do not show tasks")
    if cal.walk("VALARM"):
        problems.append("VALARM present: subscribed feeds must not carry alarms")
    for component in cal.walk():
        problems += [f"{component.name}: unparseable {name}: {error}" for name, error in component.errors]
    return problems


def _lint_floating(body: bytes) -> list[str]:
    """DATE-TIME values with neither TZID nor a trailing Z (read on the unfolded wire text)."""
    problems, in_timezone = [], False
    for raw in body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").split(b"\r\n"):
        if raw.upper() in (b"BEGIN:VTIMEZONE", b"END:VTIMEZONE"):
            in_timezone = raw.upper().startswith(b"BEGIN")  # a zone's own DTSTART is local by definition
        match = _DATE_TIME.match(raw)
        if in_timezone or not match:
            continue
        name, params = match["name"].decode(), (match["params"] or b"").upper()
        floating = any(not v.endswith(b"Z") for v in match["value"].split(b","))
        if name in UTC_ONLY_PROPERTIES and floating:
            problems.append(f"{name} {match['value'].decode()} is not UTC")
        elif name in DATE_TIME_PROPERTIES and floating and b"TZID=" not in params:
            problems.append(f"{name} {match['value'].decode()} is a floating time (no TZID, no Z)")
    return problems


def _lint_event(event: Component, label: str) -> list[str]:
    problems = [f"{label}: missing {name}" for name in ("UID", "DTSTAMP", "DTSTART") if name not in event]
    if "DTSTART" not in event or "DTEND" not in event or event.errors:
        return problems  # a broken value is already reported with the component's errors
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    if isinstance(start, datetime) != isinstance(end, datetime):
        return [*problems, f"{label}: DTSTART and DTEND have different value types"]
    if isinstance(start, datetime) and (start.tzinfo is None) != (end.tzinfo is None):
        return [*problems, f"{label}: DTSTART and DTEND mix floating and zoned times"]
    if end <= start:
        kind = "all-day " if isinstance(start, date) and not isinstance(start, datetime) else ""
        length = "zero-length" if end == start else "negative"
        problems.append(f"{label}: {length} {kind}event (DTEND {end} is not after DTSTART {start})")
    return problems


def _lint_duplicate_uids(cal: Calendar) -> list[str]:
    seen: dict[str, int] = {}
    for event in cal.walk("VEVENT"):
        if "UID" in event and "RECURRENCE-ID" not in event:
            seen[str(event["UID"])] = seen.get(str(event["UID"]), 0) + 1
    return [f"UID {uid} is used by {n} events (without RECURRENCE-ID)" for uid, n in sorted(seen.items()) if n > 1]


def _label(index: int, event: Component) -> str:
    return f"VEVENT #{index + 1} ({event.get('UID', 'no UID')})"
