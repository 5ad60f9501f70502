"""Deadlines counted from an event: "Trong thời hạn 05 ngày làm việc kể từ ngày nhận được hồ sơ".

``find`` reads the time allowed (an ``Offset``) and the event from a part of a cell; ``due_after`` turns a
recorded event day into the due date by Bộ luật Dân sự 2015 Điều 147 (the event's own day is not counted;
"ngày làm việc" counts working days only; a period in months ends on the same day number of the last month,
or on that month's last day when it has no such day). The working-day shift of Điều 148 k5 is applied to
the result like to any other nominal date (``deadlines.duepolicy``). Pure: the calendar is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from deadlines.dates import month_length
from deadlines.model import Offset
from deadlines.normalize import Folded

if TYPE_CHECKING:  # the parser imports this module: the holidays package loads only where a calendar is built
    from deadlines.workdays import WorkCalendar

# How many: digits with an optional spelled-out gloss ("03 (ba)"), or the number in words ("mười lăm").
_WORD_NUMBER = (r"(?:(?:mot|hai|ba|bon|nam|sau|bay|tam|chin)\s+muoi|muoi)(?:\s+(?:mot|hai|ba|bon|tu|lam|nam|sau|"
                r"bay|tam|chin))?|mot|hai|ba|bon|nam|sau|bay|bay|tam|chin")
_NUMBER = rf"(?P<n>\d{{1,3}})(?:\s*\([^()\d]{{1,25}}\))?|(?P<w>{_WORD_NUMBER})"
_UNIT = r"(?P<unit>ngay\s+lam\s+viec|ngay|thang|tuan|nam|gio)\b"
# Words that may lead the duration: "trong thời hạn (không quá)", "chậm nhất (là) (sau)", "tối đa", …
_LEAD = (r"(?:(?:trong\s+(?:thoi\s+han|thoi\s+gian|vong|khoang)|trong|khong\s+qua|toi\s+da|cham\s+nhat|muon\s+nhat|"
         r"han|sau|hoan\s+thanh\s+trong)\s+(?:(?:khong\s+qua|toi\s+da|la|sau|vong|khoang)\s+)*)?")
# What ties the duration to the event, and the words before the event itself ("ngày", "khi", "thời điểm").
_ANCHOR = r"(?P<anchor>ke\s+tu|tinh\s+tu|sau\s+khi|sau|tu)\s+(?:(?:ngay|khi|thoi\s+diem|luc)\s+(?:ma\s+)?)?"
_DURATION_FIRST = re.compile(rf"(?P<lead>{_LEAD})(?:{_NUMBER})\s+{_UNIT}\s*,?\s*{_ANCHOR}(?=\S)")
# "Kể từ ngày nhận được hồ sơ, trong thời hạn 05 ngày làm việc": the event comes first.
_EVENT_FIRST = re.compile(rf"(?P<anchor>ke\s+tu|tinh\s+tu)\s+(?:(?:ngay|khi|thoi\s+diem)\s+)?(?P<event>[^,;]{{3,200}}?)"
                          rf"\s*,\s*{_LEAD}(?:{_NUMBER})\s+{_UNIT}\s*[.;]?\s*$")
# "Sau khi Kế hoạch được ban hành 15 ngày": the event, then the time allowed after it.
_EVENT_THEN_DURATION = re.compile(rf"(?P<anchor>sau\s+khi)\s+(?P<event>[^,;]{{3,200}}?)\s*,?\s*(?:(?:la|trong)\s+)?"
                                  rf"(?:{_NUMBER})\s+{_UNIT}\s*[.;]?\s*$")
# "Trong ngày làm việc tiếp theo kể từ khi nhận được hồ sơ": the next (working) day.
_NEXT_DAY = re.compile(rf"(?P<lead>(?:trong|cham nhat|muon nhat)\s+)?(?P<unit>ngay\s+lam\s+viec|ngay)\s+(?:tiep\s+theo|"
                       rf"ke\s+tiep|lien\s+ke)\s*,?\s*{_ANCHOR}(?=\S)")
# What every form but the next day's holds: searched once, it spares the longer patterns on the many parts that name
# an event without a time allowed ("Ngay sau khi có hướng dẫn của Trung ương").
_COUNT = re.compile(rf"(?:{_NUMBER})\s+{_UNIT}")
# An event that is a written day ("kể từ ngày 15/12/2025"): the deadline is known at once.
_WRITTEN_DAY = re.compile(r"(?:ngay\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?")
_VALUES = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7,
           "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mươi": 10}
# The event is the plan's own signing or issue: "kể từ ngày ký", "kể từ ngày Kế hoạch (này) được ban hành".
_OWN_ISSUE = re.compile(r"(?:(?:ke hoach|quyet dinh|chuong trinh)(?:\s+nay)?\s+"
                        r"(?:duoc\s+)?)?(?:ky(?:\s+ban\s+hanh)?|ban\s+hanh)(?:\s+(?:ke hoach|quyet dinh)(?:\s+nay)?)?")


@dataclass(frozen=True)
class Found:
    """An offset found in folded text: the offset, the event in the original words, the folded span."""

    offset: Offset
    event: str | None
    span: tuple[int, int]


def find(f: Folded, text: str, lo: int) -> Found | None:
    """The first "N ngày (làm việc)/tháng … kể từ/sau khi <event>" in ``text`` (folded, starting at ``lo``
    of ``f``), or None. Durations in weeks count as days, in years as months, in hours as whole days."""
    if not ("ke tu" in text or "tinh tu" in text or "sau" in text or "tu " in text):
        return None
    counted = _COUNT.search(text) is not None
    m = _DURATION_FIRST.search(text) if counted else None
    if m is not None:
        offset = _offset(f, m, lo)
        if offset is not None:
            event = f.text(lo + m.end(), lo + len(text)).strip(" .;,:") or None
            return Found(offset, event, (m.start("lead") if m.group("lead") else m.start(), len(text)))
    m = _NEXT_DAY.search(text) if "tiep" in text or "lien" in text else None  # "tiếp theo", "kế tiếp", "liền kề"
    if m is not None:
        event = f.text(lo + m.end(), lo + len(text)).strip(" .;,:") or None
        start = m.start("lead") if m.group("lead") else m.start()
        return Found(Offset(days=1, working=m.group("unit") != "ngay"), event, (start, len(text)))
    for pattern in (_EVENT_FIRST, _EVENT_THEN_DURATION) if counted else ():
        m = pattern.search(text)
        if m is not None:
            offset = _offset(f, m, lo)
            if offset is not None:
                event = f.text(lo + m.start("event"), lo + m.end("event")).strip(" .;,:") or None
                return Found(offset, event, (m.start(), len(text)))
    return None


def _offset(f: Folded, m: re.Match, lo: int) -> Offset | None:
    if m.group("n"):
        n = int(m.group("n"))
    else:
        n = _word_value(f.text(lo + m.start("w"), lo + m.end("w")))
        if n is None:  # "sau ngày …" is "after the day of …", not "sáu ngày"
            return None
    unit = m.group("unit")
    if n <= 0:
        return None
    if unit.startswith("ngay"):
        return Offset(days=n, working=unit != "ngay")
    if unit == "tuan":
        return Offset(days=7 * n)
    if unit == "gio":
        return Offset(days=-(-n // 24))  # "48 giờ": the end of the second day
    return Offset(months=n if unit == "thang" else 12 * n)


def _word_value(words: str) -> int | None:
    """The value of a number written in words, read on the original text so that "sáu" (six) and "sau"
    (after) differ: "mười lăm" 15, "hai mươi" 20, "ba mươi mốt" 31, "năm" 5."""
    parts = words.lower().split()
    values = [_VALUES.get(p) for p in parts]
    if not values or any(v is None for v in values):
        return None
    if len(values) == 1:
        return values[0]
    if parts[0] == "mười":
        return 10 + values[1]
    if parts[1] == "mươi":
        return values[0] * 10 + (values[2] if len(values) > 2 else 0)
    return None


def written_day(event: str | None, plan_year: int) -> date | None:
    """The day an event names when it is a date ("15/12/2025", "ngày 05/3": the plan's year), else None."""
    from deadlines.dates import clamp
    from deadlines.normalize import fold

    m = _WRITTEN_DAY.fullmatch(fold(event or "").folded.strip(" .;,()"))
    if m is None:
        return None
    return clamp(int(m.group(3) or plan_year), int(m.group(2)), int(m.group(1)))[0]


def is_own_issue(folded_event: str) -> bool:
    """Whether the event (folded) is the plan's own signing or issue ("ký", "Kế hoạch được ban hành")."""
    return _OWN_ISSUE.fullmatch(folded_event.strip(" .;,")) is not None


def add_months(day: date, months: int) -> date:
    """The same day number ``months`` later, or that month's last day (BLDS 2015 Điều 148 k3)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, month_length(year, month + 1)))


def due_after(event_day: date, offset: Offset | None, calendar: WorkCalendar | None) -> date:
    """The nominal due date of a deadline counted from an event that happened on ``event_day``.

    Điều 147: counting starts the day after the event. No offset: due on the event's own day. The calendar
    is needed for working days only.
    """
    if offset is None:
        return event_day
    if offset.months is not None:
        return add_months(event_day, offset.months)
    if offset.working:
        if calendar is None:
            raise ValueError("counting working days needs a work calendar")
        return calendar.add_working_days(event_day, offset.days or 0)
    return event_day + timedelta(days=offset.days or 0)
