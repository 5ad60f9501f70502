"""From a nominal due date to the effective one: what happens when a deadline falls on a day off.

The nominal date is what the plan says (``ParsedMilestone.due``). By analogy with BLDS 2015 Điều 148 k5 a
deadline on a weekend or holiday ends on the next working day, except that a strict "trước ngày X"
deadline (nominal X−1) must never land on or after X, so it moves back instead (docs/deadline-language.md,
"Working days"). Pure: the calendar is passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from deadlines.workdays import WorkCalendar

Shift = Literal["forward", "back", "none"]
SHIFTS: tuple[Shift, ...] = ("forward", "back", "none")


@dataclass(frozen=True)
class DuePolicy:
    """How to move a deadline that falls on a day off.

    ``shift``: "forward" (next working day, Điều 148 k5 by analogy; the default), "back" (previous
    working day) or "none" (keep the nominal day). ``strict_before``: "trước ngày X" excludes X. The parser
    already puts X−1 in ``due``; here it only forbids a forward shift from reaching X.
    """

    shift: Shift = "forward"
    strict_before: bool = True

    def __post_init__(self) -> None:
        if self.shift not in SHIFTS:
            raise ValueError(f"shift must be one of {', '.join(SHIFTS)}, not {self.shift!r}")


@dataclass(frozen=True)
class EffectiveDue:
    """The day a deadline really ends. ``reason_vi`` says why the nominal day is off (None if it is not)."""

    date: dt.date
    moved: bool
    reason_vi: str | None


DEFAULT_POLICY = DuePolicy()


def effective_due(nominal: dt.date, *, strict: bool, calendar: WorkCalendar,
                  policy: DuePolicy = DEFAULT_POLICY) -> EffectiveDue:
    """The effective due date of a deadline whose nominal date is ``nominal``.

    ``strict`` is True for a "trước ngày X" deadline whose nominal date is X−1. A working nominal day
    never moves.
    """
    reason = calendar.reason(nominal)
    if reason is None or policy.shift == "none":
        return EffectiveDue(nominal, False, reason)
    if policy.shift == "back":
        day = calendar.on_or_before(nominal)
    else:
        day = calendar.on_or_after(nominal)
        excluded = nominal + dt.timedelta(days=1)  # X itself, for "trước ngày X"
        if strict and policy.strict_before and day >= excluded:
            day = calendar.on_or_before(nominal)
    return EffectiveDue(day, day != nominal, reason)


def reminder_anchor(nominal: dt.date, calendar: WorkCalendar) -> dt.date:
    """The day reminders count back from: the nominal day, or the working day before it."""
    return calendar.on_or_before(nominal)
