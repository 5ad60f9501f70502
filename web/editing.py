"""Admin corrections of a stored milestone: its date, recurrence, kind and label.

The occurrences follow through the work rules service (``workrules.dates.sync``), as at import: rows are
kept where they still apply (their ids anchor reminders and completion), new dates get new rows, dates that
no longer apply are cancelled, never deleted, and the effective dates follow the calendar and the due
policy. Every change is audited by the caller. Recording an event's date is ``workrules.events``.
"""

from __future__ import annotations

import re
from datetime import date

from dateutil.rrule import rrulestr

from deadlines.model import Kind
from models import Milestone
from web.deps import FormError
from workrules.dates import DateChange, PlanFacts, Wanted, sync
from workrules.rules import WorkRules

DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MAX_OCCURRENCES = 400  # a daily rule over a year, with room; more is a typo, not a plan
DATED_KINDS = {Kind.ONCE, Kind.RECURRING}


def parse_day(text: str | None, label: str, field: str | None = None) -> date | None:
    """``31/03/2025`` (as officials write) or ``2025-03-31`` (what <input type=date> sends); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    matched = DMY.match(text)
    parts = (int(matched[3]), int(matched[2]), int(matched[1])) if matched else None
    if parts is None and (iso := ISO.match(text)):
        parts = (int(iso[1]), int(iso[2]), int(iso[3]))
    try:
        if parts is None or not 2000 <= parts[0] <= 2100:
            raise ValueError
        return date(*parts)
    except ValueError:
        raise FormError(f"{label} không hợp lệ: \"{text[:40]}\" (nhập theo dạng ngày/tháng/năm, ví dụ 31/03/2025).",
                        field=field) from None


def expand_rrule(text: str, year: int) -> list[date]:
    """The dates of an RFC 5545 recurrence (DTSTART line optional) inside ``year``."""
    text = text.strip()
    if "DTSTART" not in text.upper():
        text = f"DTSTART:{year}0101\n{text if text.upper().startswith('RRULE:') else 'RRULE:' + text}"
    try:
        rule = rrulestr(text, forceset=True)
        days = []
        for moment in rule:
            if moment.year > year:
                break
            if moment.year == year:
                days.append(moment.date())
            if len(days) > MAX_OCCURRENCES:
                raise FormError("Quy tắc lặp tạo quá nhiều ngày trong năm.")
    except FormError:
        raise
    except (ValueError, TypeError, OverflowError):
        raise FormError("Quy tắc lặp (RRULE) không hợp lệ, ví dụ: FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1") \
            from None
    if not days:
        raise FormError(f"Quy tắc lặp không có ngày nào trong năm {year}.")
    return days


def set_dates(milestone: Milestone, days: list[date], rules: WorkRules,
              periods: dict[date, str | None] | None = None) -> list[DateChange]:
    """Make the milestone's live occurrences exactly ``days`` (the admin's dates), through the work rules service."""
    want = Wanted([(day, (periods or {}).get(day)) for day in sorted(set(days))], milestone.strict)
    return sync(milestone, want, PlanFacts.of(milestone.task.plan), rules)


def apply_edit(milestone: Milestone, *, kind: str, label: str | None, due: date | None, rrule: str | None,
               plan_year: int, rules: WorkRules) -> dict:
    """Apply an admin correction; return the fields changed (stored in ``manual_override``).

    The dates are worked out again only when the kind, the date or the rule changed: saving what was loaded
    (a label, or nothing) leaves the occurrences and their effective dates exactly as they were."""
    try:
        new_kind = Kind(kind)
    except ValueError:
        raise FormError("Loại thời hạn không hợp lệ.", field="kind") from None
    wanted = {"kind": new_kind.value, "label": label, "due": due if new_kind == Kind.ONCE else None,
              "rrule": rrule if new_kind == Kind.RECURRING else None}
    changed = {f: v for f, v in wanted.items() if getattr(milestone, f) != v}
    dates_changed = bool({"kind", "due", "rrule"} & set(changed))
    if dates_changed and new_kind == Kind.ONCE and due is None:  # what was stored is never refused
        raise FormError("Hạn một lần cần có ngày.", field="due")
    if dates_changed and new_kind == Kind.RECURRING and not rrule:
        raise FormError("Hạn định kỳ cần chu kỳ hoặc quy tắc lặp (RRULE).", field="period")
    if dates_changed and new_kind == Kind.RECURRING:
        try:
            days = expand_rrule(rrule or "", plan_year)
        except FormError as e:
            raise FormError(str(e), field="rrule") from None
    else:
        days = [due] if new_kind == Kind.ONCE and due is not None else []
    for field, value in changed.items():
        setattr(milestone, field, value)
    if dates_changed:
        if new_kind == Kind.ONCE:
            milestone.strict = False  # the admin typed the exact last day
        if new_kind in DATED_KINDS or milestone.event_date is None:
            set_dates(milestone, days, rules)
    changed = {f: v.isoformat() if isinstance(v, date) else v for f, v in changed.items()}
    milestone.manual_override = {**(milestone.manual_override or {}), **changed} if changed \
        else milestone.manual_override
    return changed
