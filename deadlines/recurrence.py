"""Recurring deadlines: "định kỳ hằng quý", "quý, 6 tháng, 9 tháng, cả năm", "ngày 25 hằng tháng", …

A recurrence is kept as a small spec that renders to an exact RFC 5545 rule (months pinned, WKST=MO)
and expands itself; tests check that dateutil expands the rendered rule to the same dates.
Without a day rule a report is due on the last day of each period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from deadlines.dates import Atom, month_length
from deadlines.lexicon import LIST_GAP, QUARTER_NAMES, WORKING_DAY_OF
from deadlines.periods import prefix_of

_HALF_DAU = re.compile(r"((?:0?6|sau|0?9|chin) thang) dau nam")
_HALF_CUOI = re.compile(r"(?:0?6|sau) thang cuoi nam")
_P = r"(?:quy|0?3 thang|(?:0?6|sau) thang (?:dau|cuoi) nam|0?6 thang|sau thang|0?9 thang dau nam|" \
    r"0?9 thang|chin thang|ca nam|(?:0?1\s+)?nam(?![\s/.-]*\d)|thang(?![\s/.-]*\d)|tuan)"
# "sơ kết 6 tháng, tổng kết năm", "báo cáo quý, báo cáo năm": each period of the list may name its report
_REPORT = r"(?:(?:bao cao|so ket|tong ket|danh gia)\s+)?"
_LIST = rf"{_P}(?:\s*(?:,|;|va|hoac|/|-)\s*{_REPORT}(?:(?:hang|moi|dinh ky)\s+)?{_P}){{0,8}}"
MARKED = re.compile(rf"\b(?:dinh ky|hang|moi|tung)\s+(?:(?:hang|moi)\s+)?(?P<list>{_LIST})")
BARE_LIST = re.compile(rf"\b(?=quy|\d|sau|chin|ca|nam|thang|tuan)(?P<list>{_LIST})")  # look-ahead: skip words fast
LAST_MONTH_DAY = re.compile(
    r"(?P<strict>truoc\s+)?ngay\s+(?:mung\s+)?(?P<d>\d{1,2})\s+(?:cua\s+)?thang\s+cuoi(?:\s+cung)?\s+"
    r"(?:cua\s+)?(?:(?:moi|hang|cac|tung)\s+)?(?P<per>quy|ky bao cao|ky|nam)")
# "trước ngày 05 của tháng đầu quý sau": the report of a quarter, due early in the next one
FIRST_MONTH_DAY = re.compile(
    r"(?P<strict>truoc\s+)?ngay\s+(?:mung\s+)?(?P<d>\d{1,2})\s+(?:cua\s+)?thang\s+dau(?:\s+tien)?\s+"
    r"(?:cua\s+)?(?:(?:moi|hang|cac|tung)\s+)?(?P<per>quy|nam)\b(?P<next>\s+(?:sau|tiep theo|ke tiep|lien ke))?")
# "tuần thứ 2 của tháng", "tuần cuối cùng hằng tháng": monthly, by the end of that week (weeks of 7 days,
# as Bộ luật Dân sự Điều 146 k1 counts them)
WEEK_OF_MONTH = re.compile(
    r"\btuan\s+(?:thu\s+(?P<n>[1-4]|nhat|hai|ba|tu)|(?P<w>dau(?:\s+tien)?|cuoi(?:\s+cung)?))\s+"
    r"(?:(?:cua|trong)\s+)?(?:(?:moi|hang|cac|tung)\s+)?thang\b(?![\s/.-]*\d)")
WORKING_DAY = re.compile(WORKING_DAY_OF + r"(?:(?:moi|hang|cac|tung)\s+)?(?P<per>thang|quy|nam|tuan)\b(?![\s/.-]*\d)")
_WEEK_N = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4}
MONTH_DAY = re.compile(  # "ngày 25 hằng tháng", "ngày 15 và ngày 30 hằng tháng"
    r"(?P<strict>truoc\s+)?ngay\s+(?:mung\s+)?(?P<d>\d{1,2})(?P<more>(?:\s*(?:,|va)\s*(?:ngay\s+)?\d{1,2}\b){0,4})"
    r"\s+(?:(?:cua|trong)\s+)?(?:(?:hang|moi|cac|tung)\s+)?"
    r"thang\b(?![\s/.-]*\d)(?!\s+(?:cuoi|dau))")
TIMES_A_MONTH = re.compile(  # "02 lần/tháng", "Mỗi tháng 02 lần"
    r"\b(?:(?P<n>0?[1-3]|hai|ba|mot)\s*(?:ky|lan|dot)\s*(?:/|trong|moi|mot|1)?\s*(?:mot\s+)?thang\b"
    r"|(?:moi|hang)\s+thang\s*,?\s*(?P<n2>0?[1-3]|hai|ba)\s*(?:ky|lan|dot)\b)")
FOLLOWING_YEARS = re.compile(r"\bnam\s+(?P<y>\d{4})\s*(?:(?:,|va)\s*(?:cac|nhung)\s+nam\s+(?:tiep theo|ke tiep|sau)"
                             r"|tro di)\b")
ONCE_PER = re.compile(r"\b(?:(?:moi|hang)\s+(?P<a>thang|quy|nam)\s*,?\s*(?:0?1|mot)\s*(?:lan|ky|dot)\b"
                      r"|(?:0?1|mot)\s*(?:lan|ky|dot)\s*(?:/|trong|moi|mot)\s*(?:mot\s+)?(?P<b>quy|nam)\b)")
# "Định kỳ 02 năm/lần", "03 năm một lần", "2 năm 1 lần": every n years (n ≥ 2)
YEARS_PER_TIME = re.compile(r"\b(?P<n>0?[2-9]|10|hai|ba|bon)\s*nam\s*(?:/|mot|0?1)\s*lan\b")
_FROM_YEAR = re.compile(r"\btu\s+nam\s+(?P<y>\d{4})\b")
PERIOD_PER_TIME = re.compile(r"\b(?:0?1\s+)?(?P<p>nam|quy|thang|0?3 thang|0?6 thang|sau thang)\s*(?:/|mot)\s*"
                             r"(?:0?1\s*)?lan\b")
_REPORT_BEFORE = re.compile(r"bao cao\s+$")
TIMES_A_YEAR = re.compile(  # "02 lần/năm", "Mỗi năm 02 lần"
    r"\b(?:(?P<n>0?[124]|mot|hai|bon)\s*(?:ky|lan|dot)\s*(?:/|trong|moi|mot|1)?\s*(?:mot\s+)?nam\b"
    r"|(?:moi|hang)\s+nam\s*,?\s*(?P<n2>0?[24]|hai|bon)\s*(?:ky|lan|dot)\b)")
_PER_YEAR = {1: {"nam"}, 2: {"6"}, 4: {"quy"}}  # "02 lần/năm" is every half year
EVERY_YEAR_AFTER = re.compile(r"\s*,?\s*(?:(?:vao|cua)\s+)?(?:hang|moi|tung)\s+nam\b")
YEAR_SPAN = re.compile(r"(?:tu\s+nam|giai doan|nam)\s+(?P<a>\d{4})\s*(?:-|den|toi)\s*(?:nam\s+)?(?P<b>\d{4})")
_WORD_N = {"mot": 1, "hai": 2, "ba": 3, "bon": 4}
_QUARTER_ENDED = {"quy", "6", "9", "nam"}  # periods that end with a quarter
_CUES = ("quy", "thang", "nam", "tuan", "ky", "lan", "dot")  # every recurrence contains one of these


@dataclass(slots=True)  # not frozen: cheaper to build (never changed in place; replace() copies)
class Recurrence:
    """Yearly on ``months`` (or monthly when months is empty, weekly when ``weekly``) on ``monthdays``.

    ``names`` gives each month its reporting period ("quý I", "6 tháng", "9 tháng", "năm").
    """

    months: tuple[int, ...] = ()
    monthdays: tuple[int, ...] = (-1,)
    weekly: bool = False
    weekday: int = 6  # of a weekly recurrence: Monday 0 … Sunday 6 (the end of the week when none is named)
    names: tuple[tuple[int, str], ...] = ()
    strict: bool = False
    span: tuple[int, int] = (0, 0)
    first_year: int | None = None
    until: date | None = None
    extra: list[str] = field(default_factory=list, compare=False)
    day_of: tuple[tuple[int, int], ...] = ()  # (month, day) pairs when the days differ: "30/4 và 02/9 hằng năm"
    every: int = 1  # of a yearly recurrence: years between occurrences ("02 năm/lần"), counted from first_year

    def rrule(self, dtstart: date) -> str:
        """"DTSTART:20250101\\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;WKST=MO"."""
        until = f";UNTIL={self.until:%Y%m%d}" if self.until else ""
        if self.day_of:  # one RRULE per day of the month, as day rules write them
            by_day: dict[int, list[int]] = {}
            for month, day in sorted(self.day_of):
                by_day.setdefault(day, []).append(month)
            return f"DTSTART:{dtstart:%Y%m%d}" + "".join(
                f"\nRRULE:FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYMONTHDAY={day}{until};WKST=MO"
                for day, months in sorted(by_day.items()))
        if self.weekly:
            body = f"FREQ=WEEKLY;BYDAY={_BYDAY[self.weekday]}"
        elif self.months:
            body = f"FREQ=YEARLY;BYMONTH={','.join(map(str, self.months))};BYMONTHDAY={_days(self.monthdays)}"
            body += f";INTERVAL={self.every}" if self.every > 1 else ""
        else:
            body = f"FREQ=MONTHLY;BYMONTHDAY={_days(self.monthdays)}"
        until = f";UNTIL={self.until:%Y%m%d}" if self.until else ""
        return f"DTSTART:{dtstart:%Y%m%d}\nRRULE:{body}{until};WKST=MO"

    def expand(self, start: date, end: date) -> list[tuple[date, str]]:
        """Due dates (with their period names) between ``start`` and ``end`` inclusive, as RFC 5545 does:
        a BYMONTHDAY that a month lacks is skipped, not clamped."""
        if self.until and self.until < end:
            end = self.until
        if self.weekly:
            first = start + timedelta(days=(self.weekday - start.weekday()) % 7)
            return [(first + timedelta(weeks=k), "tuần") for k in range(max(0, (end - first).days // 7 + 1))]
        names = dict(self.names)
        if self.every > 1:  # the years of the cycle, from its first year (the start when none is written)
            each, first = replace(self, every=1), self.first_year or start.year
            return [o for year in range(start.year, end.year + 1) if (year - first) % self.every == 0
                    for o in each.expand(max(start, date(year, 1, 1)), min(end, date(year, 12, 31)))]
        out = []
        if not self.day_of and self.monthdays == (-1,):  # the usual last day of each period: no set to build
            for year in range(start.year, end.year + 1):
                for month in self.months or range(1, 13):
                    due = date(year, month, month_length(year, month))
                    if start <= due <= end:
                        out.append((due, names.get(month, f"tháng {month}")))
            return out
        for year in range(start.year, end.year + 1):
            for month in self.months or range(1, 13):
                last = month_length(year, month)
                monthdays = [d for m, d in self.day_of if m == month] or self.monthdays
                for md in sorted({last + 1 + d if d < 0 else d for d in monthdays if abs(d) <= last}):
                    due = date(year, month, md)
                    if start <= due <= end:
                        out.append((due, names.get(month, f"tháng {month}")))
        return out


_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# "thứ Năm hằng tuần", "chiều thứ 6 hàng tuần", "Chủ nhật hằng tuần"
WEEKDAY = re.compile(r"\b(?:thu\s+(?P<d>hai|ba|tu|nam|sau|bay|[2-7])|(?P<su>chu nhat))\b")
_WEEKDAYS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}


def _weekday(folded: str, span: tuple[int, int]) -> int | None:
    """The weekday named within a few words before or after a weekly marker, else None."""
    near = folded[max(0, span[0] - 24):span[1] + 24]
    m = WEEKDAY.search(near)
    if not m:
        return None
    if m.group("su"):
        return 6
    d = m.group("d")
    return int(d) - 2 if d.isdigit() else _WEEKDAYS[d]


def _days(monthdays: tuple[int, ...]) -> str:
    return ",".join(map(str, monthdays))


def period_names(items: set[str]) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    """Months and period names of a union of periods ("quy", "6", "9", "nam")."""
    return _period_names(frozenset(items))


@lru_cache(maxsize=64)  # a pure function of a few unions
def _period_names(items: frozenset[str]) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    months: set[int] = set()
    if "quy" in items:
        months |= {3, 6, 9, 12}
    if "6" in items:
        months |= {6, 12}
    if "9" in items:
        months.add(9)
    if "nam" in items:
        months.add(12)
    names = []
    for m in sorted(months):
        if m == 12 and ("nam" in items or "6" in items):
            names.append((m, "năm"))
        elif m == 9 and "9" in items:
            names.append((m, "9 tháng"))
        elif m == 6 and "6" in items:
            names.append((m, "6 tháng"))
        else:
            names.append((m, f"quý {QUARTER_NAMES[m // 3]}"))
    return tuple(sorted(months)), tuple(names)


def _items(text: str) -> set[str]:
    items = set()
    if "nam" in text:  # "6 tháng đầu năm và cả năm": the first half is the 6-month report, the second the year's
        text = _HALF_CUOI.sub("nam", _HALF_DAU.sub(r"\g<1>", text))
    for word in re.findall(r"quy|\d+ thang|sau thang|chin thang|nam|thang|tuan", text):
        if word.endswith("thang") and word != "thang":
            items.add({"3": "quy", "03": "quy", "6": "6", "06": "6", "sau": "6"}.get(word.split()[0], "9"))
        else:
            items.add(word)
    return items


def find(folded: str, atoms: list[Atom]) -> Recurrence | None:
    """The recurrence stated in ``folded``, or None. Specific forms win over the bare markers."""
    for w in _CUES:  # a plain loop: a generator in any() costs more than the tests
        if w in folded:
            break
    else:
        return None
    marked = MARKED.search(folded)
    rec = _specific(folded, atoms, marked)
    if rec is None:
        m = marked
        if m is None:
            m = BARE_LIST.search(folded)
            if m and not (len(_items(m.group("list"))) >= 2 and re.search(r"\d thang|quy", m.group("list"))):
                m = None
        if m is None:
            return None
        rec = _from_items(_items(m.group("list")), m.span())
        if rec is None:
            return None
        if rec.weekly and ("thu" in folded or "chu nhat" in folded):
            day = _weekday(folded, m.span())
            rec = replace(rec, weekday=day) if rec.weekly and day is not None else rec
        rec = _pinned(rec, folded, atoms)
    span = YEAR_SPAN.search(folded)
    if span and int(span.group("a")) <= int(span.group("b")):
        rec = replace(rec, first_year=int(span.group("a")), until=date(int(span.group("b")), 12, 31))
    return rec


def _from_items(items: set[str], span: tuple[int, int]) -> Recurrence | None:
    if "thang" in items:
        return Recurrence(span=span)
    if "tuan" in items:
        return Recurrence(weekly=True, span=span)
    months, names = period_names(items)
    return Recurrence(months, names=names, span=span) if months else None


def _day(d: int, strict: bool) -> int:
    """"trước ngày 15" is due on the 14th; "trước ngày 01" on the last day of the month before."""
    return d - 1 if strict and d > 1 else d


def _specific(folded: str, atoms: list[Atom], marked: re.Match | None = None) -> Recurrence | None:
    # each search below runs only when a word its pattern cannot match without is there
    m = LAST_MONTH_DAY.search(folded) if "cuoi" in folded and "ngay" in folded else None
    if m:
        strict, d = bool(m.group("strict")), int(m.group("d"))
        items = {"nam"} if m.group("per") == "nam" else {"quy"}
        span = m.span()
        listed = marked or (BARE_LIST.search(folded, 0, m.start()) if m.group("per") == "quy" else None)
        # "định kỳ 6 tháng, năm (… tháng cuối kỳ)": the listed periods; "quý, 6 tháng, 9 tháng, năm (… tháng cuối
        # quý)": every listed period ends with a quarter, so the day holds for all of them
        if listed and (m.group("per").startswith("ky") or (m.group("per") == "quy"
                                                            and _items(listed.group("list")) <= _QUARTER_ENDED)):
            items = (_items(listed.group("list")) - {"thang", "tuan"}) or items
            span = (min(span[0], listed.start()), max(span[1], listed.end()))
        months, names = period_names(items)
        if strict and d == 1:
            return Recurrence(tuple(x - 1 for x in months), names=tuple((x - 1, n) for x, n in names),
                              strict=True, span=span)
        return Recurrence(months, (_day(d, strict),), names=names, strict=strict, span=span)
    m = FIRST_MONTH_DAY.search(folded) if "dau" in folded and "ngay" in folded else None
    if m:
        strict, d = bool(m.group("strict")), int(m.group("d"))
        months = (1,) if m.group("per") == "nam" else (1, 4, 7, 10)
        if m.group("next"):  # the report of the period just ended
            names = tuple((x, "năm trước" if x == 1 and len(months) == 1 else
                           f"quý {QUARTER_NAMES[(x - 2) % 12 // 3 + 1]}") for x in months)
        else:
            names = tuple((x, f"tháng {x}") for x in months)
        if strict and d == 1:  # "trước ngày 01 tháng đầu quý sau": the last day of the period
            shifted = sorted(((x - 2) % 12 + 1, n) for x, n in names)
            return Recurrence(tuple(x for x, _ in shifted), names=tuple(shifted), strict=True, span=m.span())
        return Recurrence(months, (_day(d, strict),), names=names, strict=strict, span=m.span())
    m = WORKING_DAY.search(folded) if "lam viec" in folded else None
    if m:  # the period's last working day: its last day, strict (the calendar moves a day off back, not past it)
        last, per = bool(m.group("last")), m.group("per")
        if per == "tuan":  # Friday or Monday: the weekly rest is the same every week (working-days.md §2)
            return Recurrence(weekly=True, weekday=4 if last else 0, strict=last, span=m.span())
        months = {"thang": (), "quy": (3, 6, 9, 12) if last else (1, 4, 7, 10), "nam": (12,) if last else (1,)}[per]
        names = tuple((x, f"quý {QUARTER_NAMES[(x - 1) // 3 + 1]}" if per == "quy" else "năm") for x in months)
        return Recurrence(months, (-1,) if last else (1,), names=names, strict=last, span=m.span())
    m = WEEK_OF_MONTH.search(folded) if "tuan" in folded else None
    if m:
        n = m.group("n")
        week = (int(n) if n.isdigit() else _WEEK_N[n]) if n else (1 if m.group("w").startswith("dau") else 0)
        return Recurrence(monthdays=(7 * week if week else -1,), span=m.span())
    m = MONTH_DAY.search(folded) if "ngay" in folded and "thang" in folded else None
    if m:
        strict, d = bool(m.group("strict")), int(m.group("d"))
        if m.group("more"):
            days = {_day(x, strict) for x in [d, *map(int, re.findall(r"\d+", m.group("more")))] if 1 <= x <= 31}
            return Recurrence(monthdays=tuple(sorted(days)), strict=strict, span=m.span())
        return Recurrence(monthdays=(-1,) if strict and d == 1 else (_day(d, strict),), strict=strict, span=m.span())
    m = TIMES_A_MONTH.search(folded) if "thang" in folded else None
    if m:
        n = m.group("n") or m.group("n2")
        days = {1: (-1,), 2: (15, -1), 3: (10, 20, -1)}[_WORD_N.get(n) or int(n)]
        return Recurrence(monthdays=days, span=m.span())
    m = FOLLOWING_YEARS.search(folded) if "nam" in folded else None
    if m:  # "Năm 2025 và các năm tiếp theo", "từ năm 2025 trở đi"
        return Recurrence((12,), names=((12, "năm"),), span=m.span(), first_year=int(m.group("y")))
    m = ONCE_PER.search(folded) if ("lan" in folded or "ky" in folded or "dot" in folded) \
        and ("1" in folded or "mot" in folded) else None
    if m:  # "Mỗi tháng 01 lần", "01 lần/quý"
        per = m.group("a") or m.group("b")
        return _from_items({per}, m.span()) if per != "nam" else Recurrence((12,), names=((12, "năm"),), span=m.span())
    m = YEARS_PER_TIME.search(folded) if "lan" in folded else None
    if m:  # every n years: from the year written ("từ năm 2025", a stage, a year), else from the plan year (warned)
        n = _WORD_N.get(m.group("n")) or int(m.group("n"))
        start = _FROM_YEAR.search(folded)  # else the first year written: "(năm 2026, 2028, 2030)"
        first = int(start.group("y")) if start else min((a.year for a in atoms if a.year), default=None)
        return Recurrence((12,), names=((12, f"{n} năm"),), span=m.span(), every=n, first_year=first)
    m = PERIOD_PER_TIME.search(folded) if "lan" in folded else None
    if m:  # "6 tháng/lần", "01 năm/lần", "quý/lần"
        return _from_items(_items(m.group("p")), m.span())
    m = TIMES_A_YEAR.search(folded) if "nam" in folded else None
    if m:
        n = m.group("n") or m.group("n2")
        months, names = period_names(_PER_YEAR[_WORD_N.get(n) or int(n)])
        return _pinned(Recurrence(months, names=names, span=m.span()), folded, atoms)
    for atom in atoms:
        if marked and marked.start() <= atom.span[0] < marked.end():
            continue  # "định kỳ 6 tháng, hằng năm" lists periods
        if EVERY_YEAR_AFTER.match(folded, atom.span[1]) and not atom.year:
            listed = [a for a in atoms if not a.has_year and a.span[1] <= atom.span[1]]
            after = next((a for a in atoms if a.span[0] >= atom.span[1]), None)
            if after and after.kind == "date" and not after.has_year and "(" in folded[atom.span[1]:after.span[0]]:
                listed.append(after)  # "Quý IV hằng năm (trước ngày 15/11)": the bracket may give the day
            found = _yearly_on(listed, folded) or _yearly_at(atom, folded)
            if marked and marked.start() < found.span[0]:  # "Định kỳ 6 tháng (trước ngày 18/6 và 18/12 hằng năm)"
                found = replace(found, span=(marked.start(), found.span[1]))
            return found
    return None


def _strict_at(folded: str, start: int) -> bool:
    return bool(re.search(r"truoc\s*$", folded[max(0, start - 8):start]))


def _strict_flags(atoms: list[Atom], folded: str) -> list[bool]:
    """Whether each atom is a strict "trước" day: "trước ngày 15/6 và 15/12" makes both strict (the word
    governs the whole list), "trước ngày 15/6, chậm nhất ngày 15/12" only the first."""
    flags: list[bool] = []
    for i, a in enumerate(atoms):
        carried = i > 0 and flags[-1] and LIST_GAP.fullmatch(folded, atoms[i - 1].span[1], a.span[0]) is not None
        flags.append(carried or _strict_at(folded, a.span[0]))
    return flags


def _pinned(rec: Recurrence, folded: str, atoms: list[Atom]) -> Recurrence:
    """A bare recurrence pinned by the yearless atoms of the same text: "hằng năm (trước ngày 15/11)",
    "hằng năm, vào tháng 11", "hằng tháng, chậm nhất ngày 20", "6 tháng (trước ngày 15/6) và hằng năm
    (trước ngày 15/12)". Left as it is when the atoms do not fit it."""
    # a day "năm sau" (the next year) pins a yearly report too: "hằng năm, trước ngày 31/01 năm sau"
    free = [a for a in atoms if (not a.has_year or a.year_word == "sau") and not rec.span[0] <= a.span[0] < rec.span[1]
            and not (a.kind == "half" and _REPORT_BEFORE.search(folded, max(0, a.span[0] - 12), a.span[0]))]
    if rec.weekly or not free:  # ("… (báo cáo 6 tháng)" names a report, it pins nothing)
        return rec
    span = (min(rec.span[0], free[0].span[0]), max(rec.span[1], free[-1].span[1]))
    if not rec.months:  # monthly: one day without its month
        days = [a for a in free if a.kind == "day" and a.day and 1 <= a.day <= 31]
        if len(days) != 1 or len(free) != 1:
            return rec
        strict, d = _strict_at(folded, days[0].span[0]), days[0].day or 1
        return replace(rec, monthdays=(-1,) if strict and d == 1 else (_day(d, strict),), strict=strict, span=span)
    if rec.months == (12,) and rec.monthdays == (-1,):  # yearly: the month, quarter or day named
        pinned = _yearly_on(free, folded)
        return replace(pinned, span=span) if pinned else rec
    dated = [a for a in free if a.kind == "date" and a.day and a.month]
    flags = _strict_flags(dated, folded)
    strict = set(flags)
    days = [_day(a.day or 1, s) for a, s in zip(dated, flags, strict=True)]
    months = [a.month for a in dated]
    if len(dated) != len(free) or set(months) != set(rec.months) or len(strict) != 1 or 1 in {a.day for a in dated}:
        return rec
    if len(set(days)) == 1:
        return replace(rec, monthdays=(days[0],), strict=strict.pop(), span=span)
    if len(months) != len(set(months)):
        return rec
    # "định kỳ 6 tháng (trước ngày 20/6 và 15/12)": each period on its own day
    return replace(rec, day_of=tuple(zip(months, days, strict=True)), strict=strict.pop(), span=span)  # type: ignore[arg-type]


def _yearly_on(points: list[Atom], folded: str) -> Recurrence | None:
    """One yearly recurrence on every month named: "tháng 6 và tháng 12 hằng năm", "ngày 30/4 và 02/9
    hằng năm" (days per month); None when nothing can be pinned."""
    points = [a for a, b in zip(points, [*points[1:], None], strict=True) if not _sharpened_by(a, b, folded)]
    dated_months = {a.month for a in points if a.kind == "date"}
    # "6 tháng (trước ngày 15/6) và hằng năm (…)": the period named, then its own day in brackets
    named = {a.months: f"{a.months} tháng" for a in points if a.kind == "half" and a.months in dated_months}
    points = [a for a in points if not (a.kind == "half" and a.months in dated_months)]
    recs = [r for r in (_yearly_at(a, folded, s) for a, s in zip(points, _strict_flags(points, folded), strict=True))
            if r is not None]
    if not recs or len(recs) != len(points):
        return None
    months = tuple(sorted({m for r in recs for m in r.months}))
    names = tuple(sorted({(m, named.get(m, n)) for r in recs for m, n in r.names}))
    day_of = () if len({r.monthdays for r in recs}) == 1 else tuple((m, r.monthdays[0]) for r in recs for m in r.months)
    return Recurrence(months, recs[0].monthdays, names=names, strict=any(r.strict for r in recs),
                      span=(recs[0].span[0], recs[-1].span[1]), day_of=day_of)


def _sharpened_by(period: Atom, day: Atom | None, folded: str) -> bool:
    """Whether a bracketed day right after ``period`` is its day: inside it ("Quý IV (trước ngày 15/11)"), or any
    deadline after it ("Quý IV (trước ngày 15/01)": the quarter's report), as periods.py reads one-time periods."""
    if day is None or day.kind != "date" or period.kind not in ("quarter", "month") \
            or "(" not in folded[period.span[1]:day.span[0]]:
        return False
    if prefix_of(folded, day.span[0]) in ("strict", "incl", "to"):
        return True
    if period.kind == "quarter" and period.quarter:
        return 3 * period.quarter - 2 <= (day.month or 0) <= 3 * period.quarter
    return period.kind == "month" and period.month == day.month


def _yearly_at(atom: Atom, folded: str, strict: bool | None = None) -> Recurrence | None:
    """"tháng 12 hằng năm", "quý I hàng năm", "(trước) ngày 20/11 hằng năm"."""
    if strict is None:
        strict = _strict_at(folded, atom.span[0])
    if atom.kind == "month" and atom.month and 1 <= atom.month <= 12:
        return Recurrence((atom.month,), names=((atom.month, f"tháng {atom.month}"),), span=atom.span)
    if atom.kind == "quarter" and atom.quarter:
        m = 3 * atom.quarter
        return Recurrence((m,), names=((m, f"quý {QUARTER_NAMES[atom.quarter]}"),), span=atom.span)
    if atom.kind == "date" and atom.month and atom.day and 1 <= atom.month <= 12 and 1 <= atom.day <= 31:
        month, day = atom.month, _day(atom.day, strict)
        if strict and atom.day == 1:
            month, day = (month - 2) % 12 + 1, -1
        return Recurrence((month,), (day,), names=((month, "năm"),), strict=strict, span=atom.span)
    if atom.kind == "half" and atom.months:
        m = atom.months if atom.months != 12 else 12
        return Recurrence((m,), names=((m, f"{atom.months} tháng" if m != 12 else "năm"),), span=atom.span)
    return None
