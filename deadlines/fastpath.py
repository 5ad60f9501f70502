"""Parts written in the most common complete forms, recognised by one anchored pattern and built directly.

"Thường xuyên", "Định kỳ hằng Quý", "Chậm nhất trong Quý I/2025", "Tháng 11/2025", "Trong năm 2025",
"Trước ngày 30/12/2025" make up most parts of real plans. ``part`` returns exactly what the general path
of ``parser._parse_part`` returns for them (snapshot-checked), or None for anything else: the pattern is
strict (single spaces, four-digit years, no brackets or trailing words) so every doubt falls back. None of its
forms holds a comma, a full stop or "và", so the parser never looks for clauses in a part it matches.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from deadlines.dates import month_length
from deadlines.lexicon import QUARTER_NAMES
from deadlines.model import Kind, ParsedMilestone
from deadlines.recurrence import Recurrence, period_names

_YEAR = r"(?:19|20|21)\d\d"
FAST = re.compile(
    r" ?(?:(?P<cont>thuong xuyen)"
    r"|(?:bao cao )?(?P<rec>(?:dinh ky )?hang (?P<per>quy|thang|nam))"
    r"|(?P<pre>(?P<strict>truoc )|cham nhat trong |cham nhat |trong )?(?P<atom>"
    rf"quy (?P<q>iv|iii|ii|i)/(?P<qy>{_YEAR})"
    rf"|thang (?P<m>\d{{1,2}})/(?P<my>{_YEAR})"
    rf"|nam (?P<y>{_YEAR})"
    rf"|(?:ngay )?(?P<d>\d{{1,2}})/(?P<dm>\d{{1,2}})/(?P<dy>{_YEAR})))")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ONE_DAY = timedelta(days=1)
# span and names are all the parser reads of these (the span only through where the match starts)
_RECURRENCES = {"quy": Recurrence(*period_names({"quy"})[:1], names=period_names({"quy"})[1]),
                "thang": Recurrence(), "nam": Recurrence((12,), names=((12, "năm"),))}


def recurrence_of(m: re.Match) -> Recurrence:
    return _RECURRENCES[m.group("per")]


def first_of(m: re.Match) -> int:
    """Where the general path sees the part's time expression start (prefix words included)."""
    if m.group("cont"):
        return m.start("cont")
    if m.group("rec"):
        return m.start("rec")
    return m.start("pre") if m.group("pre") else m.start("atom")


def once(m: re.Match, base: dict) -> ParsedMilestone | None:
    """The one-time milestone of a period or date match; None for an impossible month or day."""
    due = _due(*m.group(*_DUE_GROUPS))
    if due is None:
        return None
    day, strict, period = due
    return ParsedMilestone(Kind.ONCE, due=day, strict=strict, period=period, warnings=[], **base)


_DUE_GROUPS = ("strict", "q", "qy", "m", "my", "y", "d", "dm", "dy")


@lru_cache(maxsize=1024)  # a plan names the same few quarters, months and days over and over
def _due(strict: str | None, q: str | None, qy: str | None, m: str | None, my: str | None, y: str | None,
         d: str | None, dm: str | None, dy: str | None) -> tuple[date, bool, str] | None:
    """(due, strict, period name) of the written period or day (the groups of ``FAST``)."""
    if q:
        quarter, year = _ROMAN[q], int(qy)  # type: ignore[arg-type]
        first, last = date(year, 3 * quarter - 2, 1), date(year, 3 * quarter, month_length(year, 3 * quarter))
        name = f"Quý {QUARTER_NAMES[quarter]}/{year}"
    elif m:
        month, year = int(m), int(my)  # type: ignore[arg-type]
        if not 1 <= month <= 12:
            return None
        first, last = date(year, month, 1), date(year, month, month_length(year, month))
        name = f"tháng {month:02d}/{year}"
    elif y:
        year = int(y)
        first, last, name = date(year, 1, 1), date(year, 12, 31), f"năm {year}"
    else:
        day, month, year = int(d), int(dm), int(dy)  # type: ignore[arg-type]
        if not 1 <= month <= 12 or not 1 <= day <= month_length(year, month):
            return None
        first = last = date(year, month, day)
        name = f"ngày {first:%d/%m/%Y}"
    if strict:
        return first - _ONE_DAY, True, f"trước {name}"
    if first != last:
        name = f"hết {name}"
    return last, False, name
