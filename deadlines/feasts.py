"""Deadlines set by a feast: "trước Tết Nguyên đán 2027", "trước Tết Trung thu năm 2026", "Giỗ Tổ Hùng Vương".

Lunar feasts fall on a day of the Vietnamese lunar calendar, so their solar date is known once the year is:
the year written ("2027"), or the can-chi name of the lunar year ("Bính Ngọ" is 2026, the nearest such year
to the plan year). The dates come from the lunisolar calendar of the `holidays` package pinned in
pyproject.toml (the one the working calendar uses, deadlines/workdays.py); without a year the feast is
never guessed: the milestone is unresolved and its warning names the candidate dates.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

# What may name each feast (folded): its solar or lunar day is computed by _day.
_FEASTS = {"tet nguyen dan": "Tết Nguyên đán", "tet am lich": "Tết Nguyên đán", "tet trung thu": "Tết Trung thu",
           "gio to hung vuong": "Giỗ Tổ Hùng Vương", "tet duong lich": "Tết Dương lịch",
           "tet": "Tết Nguyên đán"}  # "trước Tết 2027": Tết alone is the lunar new year (tried last)
_STEMS = ("giap", "at", "binh", "dinh", "mau", "ky", "canh", "tan", "nham", "quy")
# folded branches: Tý and Tỵ both fold to "ty" (the stem's parity tells them apart, _can_chi_year)
_BRANCHES = ("ty", "suu", "dan", "mao|meo", "thin", "ty", "ngo", "mui", "than", "dau", "tuat", "hoi")
FEAST = re.compile(
    r"\b(?P<lead>(?:truoc|cham nhat|muon nhat|vao|dip|han)\s+(?:(?:ngay|dip|le)\s+)?)?"
    rf"(?P<feast>{'|'.join(k for k in _FEASTS if k != 'tet')}"
    # "Tết" alone only before a year, a can-chi name or the end: "Tết trồng cây", "Tết Thiếu nhi" are other days
    rf"|tet(?=\s*(?:$|[.,;()]|nam\b|\d|(?:{'|'.join(_STEMS)})\s)))\b"
    rf"(?:\s+(?P<stem>{'|'.join(_STEMS)})\s+(?P<branch>{'|'.join(sorted(set(_BRANCHES)))})\b)?"
    r"(?:\s*,?\s*(?:nam\s+)?(?P<year>(?:19|20|21)\d\d)\b)?")
MOVES = "Hạn theo {} (âm lịch) đổi ngày mỗi năm, chu kỳ lặp không theo được: cần đặt ngày thủ công cho từng năm."
_NO_YEAR = "Không nêu năm của {}: {}; cần đặt hạn thủ công."
_READ_AS = "“{}” được hiểu là {}ngày {:%d/%m/%Y} (ngày {} năm {}); cần kiểm tra lại."
_SEASON = "“{}” là một dịp kéo dài nhiều ngày quanh ngày {:%d/%m/%Y}: cần đặt hạn thủ công."


def find(folded: str) -> re.Match | None:
    """The first feast named in ``folded``, else None (a cheap word test first)."""
    if "tet" not in folded and "gio to" not in folded:
        return None
    return FEAST.search(folded)


def name(m: re.Match) -> str:
    """The feast's Vietnamese name ("Tết Nguyên đán")."""
    return _FEASTS[m.group("feast")]


def resolve(m: re.Match, plan_year: int, said: str) -> tuple[date | None, bool, str, str]:
    """(due, strict, period name, warning) of a feast deadline; due is None when the year is not known.

    ``said`` is the original text of the match, quoted in the warning.
    """
    feast = name(m)
    lead = (m.group("lead") or "").split()
    year = int(m.group("year")) if m.group("year") else _can_chi_year(m.group("stem"), m.group("branch"), plan_year)
    if year is None:
        known = ", ".join(f"năm {y} là ngày {day:%d/%m/%Y}" for y in (plan_year, plan_year + 1)
                          if (day := _day(feast, y)) is not None)
        return None, False, "", _NO_YEAR.format(feast, known or "không tính được ngày")
    day = _day(feast, year)
    if day is None:
        return None, False, "", f"Không tính được ngày {feast} năm {year}; cần đặt hạn thủ công."
    period = f"{feast} {year}"
    if lead and lead[0] == "dip":  # the occasion spans days around the feast: no one deadline
        return None, False, "", _SEASON.format(said, day)
    if lead and lead[0] == "truoc":
        return day - timedelta(days=1), True, f"trước {period}", _READ_AS.format(said, "trước ", day, feast, year)
    return day, False, period, _READ_AS.format(said, "", day, feast, year)


def _can_chi_year(stem: str | None, branch: str | None, plan_year: int) -> int | None:
    """The solar year of a can-chi name nearest the plan year ("binh ngo" → 2026 for a plan of 2025)."""
    if not stem or not branch:
        return None
    s = _STEMS.index(stem)
    b = next((i for i, names in enumerate(_BRANCHES) if branch in names.split("|") and i % 2 == s % 2), None)
    if b is None:
        return None  # no such pair ("Giáp Sửu"): never guessed
    cycle = next(k for k in range(60) if k % 10 == s and k % 12 == b)  # 0 is Giáp Tý (1984, 2044)
    year = plan_year + (cycle - (plan_year - 1984)) % 60
    return year - 60 if year - plan_year > 30 else year


@lru_cache(maxsize=64)
def _day(feast: str, year: int) -> date | None:
    if feast == "Tết Dương lịch":
        return date(year, 1, 1)
    # the package's Vietnamese lunisolar calendar (UTC+7 new moons), as its VN holidays use it
    from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar

    lunar = _ChineseLunisolar(VIETNAMESE_CALENDAR)
    day, _ = {"Tết Nguyên đán": lunar.lunar_new_year_date, "Tết Trung thu": lunar.mid_autumn_date,
              "Giỗ Tổ Hùng Vương": lunar.hung_kings_date}[feast](year)
    return day
