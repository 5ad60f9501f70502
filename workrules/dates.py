"""A milestone's occurrences: which nominal dates it has and which day counts for each.

``wanted`` says which nominal dates a stored (or about to be stored) milestone has under the rules in force;
``sync`` makes its occurrence rows match them and sets every open one's ``effective_due`` through
``WorkRules.effective``. The importer, the review editor, event recording, cross-plan adoption, extensions
and the recompute all go through here, so they agree on every date.

Which nominal dates:

- admin's dates (``manual_override`` names ``due``, ``rrule`` or ``adopted``): kept as they are;
- a recorded event (``event_date``): the due date counted from it (BLDS Điều 147) with the milestone's
  offset, unless the admin typed the due date;
- a recurring milestone with its ``basis``: the day rules in force (the plan's own, then the configured
  ones) applied to it again;
- a one-off date: ``due``; anything else: none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from deadlines.model import Kind, Offset, ParsedMilestone, ParsedOccurrence
from deadlines.normalize import fold
from deadlines.offsets import due_after
from deadlines.rules import DayRule, apply_day_rules
from models import Milestone, Occurrence, OccurrenceStatus
from workrules.rules import WorkRules

log = logging.getLogger(__name__)
ADMIN_DATES = ("due", "rrule", "adopted")  # manual_override keys that fix the nominal dates by hand
_REPORT = "bao cao"  # a configured reporting day moves reports only (a monthly broadcast keeps its dates)


@dataclass(frozen=True)
class PlanFacts:
    """What dates depend on of a plan: its number (policy and rule scopes), year, own date and own day rules."""

    number: str | None
    year: int
    issued_on: date | None = None
    rules: tuple[DayRule, ...] = ()

    @classmethod
    def of(cls, plan: Any) -> PlanFacts:
        """From a stored ``Plan`` (or anything with its attributes)."""
        return cls(plan.number, plan.plan_year, plan.issued_on, plan_rules(plan.day_rules))


def plan_rules(stored: Iterable[Any] | None) -> tuple[DayRule, ...]:
    """The plan's own day rules from their stored JSON; an unreadable entry is logged and left out."""
    rules = []
    for item in stored or ():
        try:
            rules.append(DayRule.from_json(item))
        except (ValueError, TypeError, KeyError) as e:
            log.warning("a stored day rule cannot be read and is ignored: %s (%r)", e, item)
    return tuple(rules)


@dataclass(frozen=True)
class Wanted:
    """The nominal dates (with their period), and for a recurring milestone its RRULE and strictness after
    the day rules. ``dates`` None: keep the rows' nominal dates as they are."""

    dates: list[tuple[date, str | None]] | None
    strict: bool = False
    rrule: str | None = None


def wanted(milestone: Any, plan: PlanFacts, rules: WorkRules, agencies: Sequence[str] = (), subject: str = ""
           ) -> Wanted:
    """The nominal dates of ``milestone`` (a ``Milestone`` row or a mapping of its column values) under
    ``rules``. ``agencies`` are the task's lead agencies (the configured day rules may be scoped to one);
    ``subject`` its content and product: the configured rules only move what is a report."""
    get = milestone.get if isinstance(milestone, Mapping) else lambda name: getattr(milestone, name)
    manual = get("manual_override") or {}
    strict = bool(get("strict"))
    if any(key in manual for key in ADMIN_DATES):
        return Wanted(None, strict)
    event_day = get("event_date")
    if event_day is not None:
        offset = Offset.from_json(get("event_offset"))
        return Wanted([(due_after(event_day, offset, rules.calendar), None)], False)  # counted: never "trước"
    kind = get("kind")
    basis = get("basis")
    if kind == Kind.RECURRING and basis:
        label, source = get("label"), get("source") or ""
        configured = rules.configured_day_rules(plan.number, plan.year, agencies) \
            if _REPORT in fold(f"{label or ''} {source} {subject}").folded else []
        return _ruled(basis, label, source, plan, configured)
    if kind == Kind.RECURRING:
        return Wanted(None, strict)  # stored before bases were kept: its dates stay as imported
    if kind == Kind.ONCE and get("due") is not None:
        return Wanted([(get("due"), None)], strict)
    return Wanted([], strict)


def _unique(dates: Iterable[tuple[date, str | None]]) -> list[tuple[date, str | None]]:
    """One entry per day (rows are unique per milestone and day): the first period named for it wins."""
    seen: dict[date, str | None] = {}
    for day, period in dates:
        seen.setdefault(day, period)
    return sorted(seen.items(), key=lambda item: item[0])


def basis_of(parsed: ParsedMilestone) -> dict[str, Any] | None:
    """The ``basis`` column of a parsed recurring milestone: how it read before any day rule moved it."""
    if parsed.kind is not Kind.RECURRING:
        return None
    read = parsed.basis or parsed
    return {"rrule": read.rrule, "strict": read.strict,
            "occurrences": [[o.due.isoformat(), o.period] for o in read.occurrences]}


def _ruled(basis: dict[str, Any], label: str | None, source: str, plan: PlanFacts,
           configured: list[DayRule]) -> Wanted:
    read = ParsedMilestone(Kind.RECURRING, label=label, source=source, rrule=basis.get("rrule"),
                           strict=bool(basis.get("strict")),
                           occurrences=[ParsedOccurrence(date.fromisoformat(d), p) for d, p in basis["occurrences"]])
    horizon = (date(plan.year, 1, 1), date(plan.year, 12, 31))
    [ruled] = apply_day_rules([read], plan.rules, fallback=configured, horizon=horizon)
    return Wanted(_unique((o.due, o.period) for o in ruled.occurrences), ruled.strict, ruled.rrule)


@dataclass(frozen=True)
class DateChange:
    """One occurrence whose dates a ``sync`` changed: ``before`` / ``after`` are (nominal, effective), None
    for a new or a cancelled one."""

    occurrence: Occurrence
    before: tuple[date, date] | None
    after: tuple[date, date] | None


def sync(milestone: Milestone, want: Wanted, plan: PlanFacts, rules: WorkRules) -> list[DateChange]:
    """Make the live occurrences of ``milestone`` the wanted ones and set each open one's effective date.

    Rows are kept where they still apply (their ids anchor reminders, completion and extensions): matched by
    nominal date, else by period (a day rule that now falls on another day moves its row), else a lone date
    that moved takes the lone open row that no longer fits (a recounted event, a corrected date). Done occurrences
    keep their dates; open ones no longer wanted are cancelled, never deleted; cancelled ones wanted again
    reopen. Also sets the milestone's ruled RRULE and strictness.
    """
    if want.rrule is not None and milestone.rrule != want.rrule:
        milestone.rrule = want.rrule
    if want.dates is not None and milestone.strict != want.strict:
        milestone.strict = want.strict
    rows = list(milestone.occurrences)
    dates = want.dates if want.dates is not None else [
        (o.due, o.period) for o in rows if o.status != OccurrenceStatus.CANCELLED]
    by_due = {o.due: o for o in rows}
    wanted_days = {d for d, _ in dates}
    movable = {o.period: o for o in rows if o.period and o.due not in wanted_days
               and o.status in (OccurrenceStatus.OPEN, OccurrenceStatus.DONE)}  # a done period stays done
    unmatched = [d for d, _ in dates if d not in by_due]
    spare = [o for o in rows if o.status == OccurrenceStatus.OPEN and o.due not in wanted_days]
    # One date that moved (an event counted again, a one-off date corrected): the row moves with it.
    single = spare[0] if len(unmatched) == 1 and len(spare) == 1 and not movable else None
    changes: list[DateChange] = []
    kept: set[int] = set()
    for due, period in sorted(dates, key=lambda item: item[0]):
        row = by_due.get(due) or (movable.pop(period, None) if period else None) or (
            single if due in unmatched else None)
        if row is None:
            row = Occurrence(due=due, period=period, effective_due=rules.effective(
                due, strict=milestone.strict, plan_number=plan.number))
            milestone.occurrences.append(row)
            changes.append(DateChange(row, None, (due, row.effective_due)))
            continue
        kept.add(id(row))
        if row.status == OccurrenceStatus.DONE:
            continue  # what was done stays as it was
        before = (row.due, row.effective_due) if row.status == OccurrenceStatus.OPEN else None
        if row.status == OccurrenceStatus.CANCELLED:
            row.status = OccurrenceStatus.OPEN
        effective = rules.effective(due, strict=milestone.strict, plan_number=plan.number, moved_to=row.moved_to)
        _set(row, due=due, period=period if period is not None else row.period, effective_due=effective)
        if before != (due, effective):
            changes.append(DateChange(row, before, (due, effective)))
    for row in rows:
        if id(row) not in kept and row.status == OccurrenceStatus.OPEN:
            row.status = OccurrenceStatus.CANCELLED
            changes.append(DateChange(row, (row.due, row.effective_due), None))
    return changes


def new_rows(values: Mapping[str, Any], plan: PlanFacts, rules: WorkRules, agencies: Sequence[str] = (),
             subject: str = "") -> tuple[Wanted, list[dict[str, Any]]]:
    """For a milestone inserted without the ORM (the importer's bulk path): its wanted dates and the column
    values of its occurrence rows (``due``, ``effective_due``, ``period``)."""
    want = wanted(values, plan, rules, agencies, subject)
    strict = want.strict if want.dates is not None else bool(values.get("strict"))
    return want, [{"due": due, "effective_due": rules.effective(due, strict=strict, plan_number=plan.number),
                   "period": period} for due, period in sorted(want.dates or [], key=lambda item: item[0])]


def _set(row: Any, **values: Any) -> None:
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
