"""Time atoms (a date, a day, a month, a quarter, a half or a whole year) found in folded text.

An atom keeps what was written; ``periods.py`` turns it into days once the year is known.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date

from deadlines.lexicon import ATOMS, ROMAN

_DIGIT = re.compile(r"\d")
_WORDS_ONLY_ATOM = re.compile(r"quy\s+[iv1-4]|dau\s+nam|giua\s+nam|cuoi\s+nam|nam\s+(?:sau|nay|toi)|trong\s+nam")
_STAGE = re.compile(r"giai doan\s+(?:[ivx]{1,4}|\d)\s*[(:]$")
_YEARS_GLOSS = re.compile(r"\b\d{1,2}\s+nam\s*\($")  # a duration in years glossed by its years
_YEAR_RANGE_CELL = re.compile(r"[\s.,;:(+•-]*(?:19|20|21)\d\d\s*(?:-|den|toi)\s*(?:19|20|21)\d\d[\s.,;)]*")
_LEAD_ONLY = re.compile(r"[ .,;:\-+•(]*\s*")
_TAIL_ONLY = re.compile(r"[ .,;)]*")
_YEAR_RANGE_GAP = re.compile(r"\s*(?:-|den het|den|toi)\s*(?:nam\s+)?")

POINTS = {"dau": "đầu", "giua": "giữa", "cuoi": "cuối", "thuong tuan": "thượng tuần", "trung tuan": "trung tuần",
          "ha tuan": "hạ tuần", "tuan dau": "tuần đầu", "tuan cuoi": "tuần cuối", "trong": "trong",
          **{f"tuan thu {n}": f"tuần thứ {n}" for n in range(1, 5)}}
_WEEK_WORDS = {"nhat": "1", "hai": "2", "ba": "3", "tu": "4"}


@dataclass(slots=True)  # not frozen: a frozen dataclass is built field by field through object.__setattr__
class Atom:
    """One time expression. ``kind`` is date, day, month, quarter, half or year; ``span`` is folded."""

    kind: str
    span: tuple[int, int]
    day: int | None = None
    month: int | None = None
    quarter: int | None = None
    months: int | None = None  # "6 tháng" / "9 tháng"
    year: int | None = None
    year_word: str | None = None  # "sau" (next year), "nay"/"toi"
    bad_year: str | None = None  # a garbled year as written ("202")
    short_year: str | None = None  # a two-digit year as written ("25" read as 2025, with a warning)
    point: str | None = None  # dau/giua/cuoi/thuong tuan/trung tuan/ha tuan
    first_day: int | None = None  # the first day of a "26 - 27/6" range

    @property
    def has_year(self) -> bool:
        return self.year is not None or self.year_word is not None or self.bad_year is not None


def _year(raw: str | None, word: str | None) -> dict:
    if word and not word.isdigit():
        return {"year_word": word}
    text = raw or word
    if text is None:
        return {}
    if len(text) == 4 and 1900 <= int(text) <= 2199:
        return {"year": int(text)}
    if len(text) == 2:  # "31/12/25": read as 2025, never silently (periods.py warns)
        return {"year": 2000 + int(text), "short_year": text}
    return {"bad_year": text}


def scan(folded: str) -> list[Atom]:
    """Every atom of ``folded`` (already masked of cited documents), left to right, non-overlapping."""
    atoms: list[Atom] = []
    if not _may_hold_atom(folded):
        return atoms
    for m in ATOMS.finditer(folded):
        g, k, span = m.group, m.lastgroup, m.span()  # the outer group of an alternative closes last
        if k == "dw":
            atoms.append(Atom("date", span, day=int(g("dwd")), month=int(g("dwm")), **_year(g("dwy"), g("dwyw"))))
        elif k == "dr":
            atoms.append(Atom("date", span, day=int(g("drd")), month=int(g("drm")), first_day=int(g("dra")),
                              **_year(g("dry"), g("dryw"))))
        elif k == "dt":
            if g("dts") != "/" and not g("dty") and not g("dtw"):
                continue  # "21-3" or "1.5" alone is not a date; "ngày 21-3" is
            atoms.append(Atom("date", span, day=int(g("dtd")), month=int(g("dtm")), **_year(g("dty"), g("dtyw"))))
        elif k == "my":
            atoms.append(Atom("month", span, month=int(g("mym")), year=int(g("myy"))))
        elif k == "mo":
            point = g("mop")
            if point and point.startswith("tuan thu "):  # "tuần thứ ba tháng 9" is "tuan thu 3"
                point = "tuan thu " + _WEEK_WORDS.get(point[9:], point[9:])
            atoms.append(Atom("month", span, month=int(g("mom")), point=point, **_year(g("moy"), g("moyw"))))
        elif k == "q":
            atoms.append(Atom("quarter", span, quarter=ROMAN[g("qn")], point=g("qp"),
                              **_year(g("qy") or g("qy2"), g("qyw"))))
        elif k == "h":
            n = 3 if g("h3") else 6 if g("hh") or (g("hn") or g("hw")) in ("6", "06", "sau") else 9
            late = (g("hp") or g("hh")) == "cuoi"
            atoms.append(Atom("half", span, months=12 if n == 6 and late else n, **_year(g("hy"), None)))
        elif k == "yr":
            atoms.append(Atom("year", span, point=g("yrp"), **_year(None, g("yry"))))
        elif k == "yt":
            atoms.append(Atom("year", span, point="trong"))  # a point: never part of a name
        elif k == "yp":
            atoms.append(Atom("year", span, point=g("ypp")))
        elif k == "yb":
            if _bare_year_kept(folded, span, atoms):
                atoms.append(Atom("year", span, year=int(g("yb"))))
        elif k == "qx":
            if atoms and atoms[-1].kind == "quarter" and span[0] - atoms[-1].span[1] <= 5:
                atoms.append(Atom("quarter", span, quarter=ROMAN[g("qxn")], **_year(g("qxy"), None)))
        elif k == "mx":
            prev = atoms[-1] if atoms else None
            if prev and prev.kind == "month" and not prev.point and not prev.has_year and span[0] - prev.span[1] <= 5 \
                    and 1 <= int(g("mxm")) <= 12:
                atoms.append(Atom("month", span, month=int(g("mxm")), **_year(g("mxy"), g("mxyw"))))
        elif k == "d":
            atoms.append(Atom("day", span, day=int(g("dd"))))
    return atoms


def _may_hold_atom(folded: str) -> bool:
    """Cheap test that skips the scan of a text without atoms (labels, "Thường xuyên", "Theo quy định").
    Without a digit only a quarter in Roman numerals, "đầu/giữa/cuối năm" (also ending "sáu tháng đầu năm")
    and "năm sau/nay/tới" can match; both searches start with a character set, which the regex engine skips
    to in C."""
    return _DIGIT.search(folded) is not None or (("quy" in folded or "nam" in folded)  # in every words-only form
                                                 and _WORDS_ONLY_ATOM.search(folded) is not None)


def _bare_year_kept(folded: str, span: tuple[int, int], atoms: list[Atom]) -> bool:
    if _LEAD_ONLY.fullmatch(folded, 0, span[0]) and _TAIL_ONLY.fullmatch(folded, span[1]):
        return True  # the whole cell is a year
    before = folded[max(0, span[0] - 40):span[0]].rstrip()  # what precedes, near enough: linear in the cell
    if before.endswith("giai doan") or _STAGE.search(before) or _YEARS_GLOSS.search(before):
        return True  # "giai đoạn 2026-2030", "Giai đoạn I (2025 - 2027)", "Trong 02 năm (2026 - 2027)"
    if _YEAR_RANGE_CELL.fullmatch(folded):
        return True  # the whole cell is a range of years: "2025-2030"
    return bool(atoms) and atoms[-1].kind == "year" and bool(_YEAR_RANGE_GAP.fullmatch(folded, atoms[-1].span[1],
                                                                                     span[0]))


def resolve_year(atom: Atom, plan_year: int, borrowed: int | None = None) -> int | None:
    """The calendar year of an atom: written, "năm sau" (plan year + 1), borrowed from the end of a
    range or list, or the plan year. None for a garbled year (the caller warns)."""
    if atom.bad_year is not None:
        return None
    if atom.year is not None:
        return atom.year
    if atom.year_word == "sau" or atom.year_word == "toi":
        return plan_year + 1
    if atom.year_word == "nay":
        return plan_year
    return borrowed if borrowed is not None else plan_year


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_end(year: int, month: int) -> date:
    return date(year, month, month_length(year, month))


def month_length(year: int, month: int) -> int:
    """Days in the month (a table lookup: ``calendar.monthrange`` also computes a weekday)."""
    return 29 if month == 2 and _cal.isleap(year) else _MONTH_DAYS[month]


def clamp(year: int, month: int, day: int) -> tuple[date | None, str | None]:
    """A real date for day/month/year, clamping an impossible day to the month's end with a warning;
    an impossible month or day 0 gives None with a warning."""
    if not 1 <= month <= 12:
        return None, f"Tháng {month} không hợp lệ trong ngày {day:02d}/{month:02d}/{year}: bỏ qua ngày này."
    if day < 1:
        return None, f"Ngày {day} không hợp lệ trong ngày {day:02d}/{month:02d}/{year}: bỏ qua ngày này."
    last = month_length(year, month)
    if day > last:
        return date(year, month, last), (f"Ngày {day:02d}/{month:02d}/{year} không tồn tại: "
                                        f"lấy ngày cuối tháng {last:02d}/{month:02d}/{year}.")
    return date(year, month, day), None
