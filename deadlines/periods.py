"""From atoms to one-time deadlines: periods as day intervals, "trước" (strict), ranges and lists.

Fixed points follow Bộ luật Dân sự 2015 Điều 146: đầu/giữa/cuối tháng = 1/15/last day, đầu năm = 1/1,
giữa năm = 30/6, cuối năm = 31/12; thượng/trung/hạ tuần end on the 10th, the 20th and the last day.
A quarter ends on the last day of its last month (by analogy; docs/working-days.md §1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from deadlines.dates import POINTS, Atom, clamp, month_end, resolve_year
from deadlines.lexicon import LIST_GAP, PREFIX, QUARTER_NAMES, RANGE_GAP, WORKING_DAY_OF

ONE_DAY = timedelta(days=1)


@dataclass
class Once:
    """A resolved one-time deadline and the folded span it was read from."""

    due: date | None
    span: tuple[int, int]
    start: date | None = None
    strict: bool = False
    name: str = ""  # "Quý I/2025", "tháng 11/2025", "ngày 30/11/2025" (for explanations)
    warnings: list[str] = field(default_factory=list)


def interval(atom: Atom, year: int) -> tuple[date | None, date | None, str, str | None]:
    """(first day, last day, name, warning) of an atom in ``year``."""
    if atom.kind in ("date", "day"):
        if atom.month is None:
            return None, None, "", f"Thiếu tháng cho ngày {atom.day}: không xác định được hạn."
        d, warning = clamp(year, atom.month, atom.day or 0)
        return d, d, f"ngày {d:%d/%m/%Y}" if d else "", warning
    if atom.kind == "month":
        if not 1 <= (atom.month or 0) <= 12:
            return None, None, "", f"Tháng {atom.month} không hợp lệ: bỏ qua."
        first, last = date(year, atom.month, 1), month_end(year, atom.month)
        name = f"tháng {atom.month:02d}/{year}"
        return (*_point_in_month(first, last, atom.point), name, None)
    if atom.kind == "quarter":
        q = atom.quarter or 1
        first, last = date(year, 3 * q - 2, 1), month_end(year, 3 * q)
        name = f"Quý {QUARTER_NAMES[q]}/{year}"
        if atom.point == "giua":  # no statute: the middle of the quarter, as Điều 146 halves a month or a year
            mid = date(year, 3 * q - 1, 15)
            return mid, mid, name, f"“giữa {name}” không có quy định; tạm lấy ngày {mid:%d/%m/%Y}, cần kiểm tra lại."
        return (*({"dau": (first, first)}.get(atom.point or "", (first, last))), name, None)
    if atom.kind == "half":
        months = atom.months or 6
        if months == 12:
            return date(year, 7, 1), date(year, 12, 31), f"6 tháng cuối năm {year}", None
        return date(year, 1, 1), month_end(year, months), f"{months} tháng đầu năm {year}", None
    first, last = date(year, 1, 1), date(year, 12, 31)
    point = {"dau": (first, first), "giua": (date(year, 6, 30), date(year, 6, 30)), "cuoi": (last, last)}
    return (*point.get(atom.point or "", (first, last)), f"năm {year}", None)


def _point_in_month(first: date, last: date, point: str | None) -> tuple[date, date]:
    days = {"dau": 1, "giua": 15, "thuong tuan": 10, "trung tuan": 20, "tuan dau": 7,  # weeks of 7 days from the 1st
            "tuan thu 1": 7, "tuan thu 2": 14, "tuan thu 3": 21, "tuan thu 4": 28}
    if point in days:
        d = first.replace(day=days[point])
        return d, d
    return (last, last) if point in ("cuoi", "ha tuan", "tuan cuoi") else (first, last)


def short_year_warning(atom: Atom) -> str | None:
    if atom.short_year is None:
        return None
    return f"Năm viết tắt “{atom.short_year}”: hiểu là năm {atom.year}, cần kiểm tra lại."


def prefix_of(folded: str, start: int) -> str | None:
    """"strict", "from", "to" or "incl" for the words right before ``start``, else None."""
    m = PREFIX.search(folded, max(0, start - 40), start)
    if not m:
        return None
    return next(k for k in ("strict", "from", "to", "incl") if m.group(k))


_BRACKET_GAP = re.compile(r"\s*\(\s*(?P<words>[a-z ]{0,30}?)[\s,:]*")
_BRACKET_REST = re.compile(r"[^()\d]{0,40}\)")
# "Trong Quý IV năm 2025, hoàn thành trước 15/12/2025": a comma, then a deadline word
_COMMA_SHARPENS = re.compile(r"\s*,\s*(?:hoan thanh|xong|nop)?\s*(?:truoc|cham nhat|muon nhat)"
                             r"(?:\s+(?:la|vao|trong))*\s*")
# "Từ tháng 4/2025", "Bắt đầu từ Quý III/2025" ("đầu tư" is investing, not "from")
_FROM_ONLY = re.compile(r"(?:\bbat dau tu|(?<![a-z])(?<!dau )tu|(?<![a-z])(?<!thu )sau)\s*$")  # "sau năm 2028" too


# "ngày làm việc cuối cùng của (tháng 12/2026 | năm 2026)": the atom may hold "cuối cùng của" itself
_WORKING_LEAD = re.compile(r"(?:" + WORKING_DAY_OF + r"|(?<!\d )ngay lam viec\s+)$")



def working_lead(folded: str, start: int) -> re.Match | None:
    """"ngày làm việc cuối cùng của" right before ``start``, else None."""
    return _WORKING_LEAD.search(folded, max(0, start - 40), start) if "lam viec" in folded else None


_GRAIN = {"date": 0, "month": 1, "quarter": 2, "half": 3, "year": 4}  # finer periods first


def _without_glosses(atoms: list[Atom], folded: str, plan_year: int) -> list[Atom]:
    """Atoms minus what a bracket right after an atom says about it. A dated bracket inside the atom's
    period sharpens it ("Tháng 12/2025 (trước ngày 20/12/2025)" is due on 19/12); a bare period word
    describes it ("Quý I/2025 (đầu năm)" is due on 31/3); a tentative one ("dự kiến …") is a note. A bracketed
    deadline after the period ("Quý IV/2026 (trước ngày 15/01/2027)") is the precise deadline of its work."""
    dropped: set[int] = set()
    for i in range(1, len(atoms)):
        prev, cur = atoms[i - 1], atoms[i]
        gap = _BRACKET_GAP.fullmatch(folded, prev.span[1], cur.span[0])
        # the bracket closes after the atom, words without another time allowed ("(trước 15/01/2027 báo cáo kết quả)")
        closed = gap is not None and _BRACKET_REST.match(folded, cur.span[1]) is not None
        comma = not closed and _COMMA_SHARPENS.fullmatch(folded, prev.span[1], cur.span[0]) is not None
        if not (closed or comma) or i - 1 in dropped:
            continue
        if closed and gap.group("words").startswith("du kien"):  # type: ignore[union-attr]
            dropped.add(i)  # "Quý III/2026 (dự kiến tháng 8/2026)": a tentative plan inside, the deadline stands
            continue
        finer = ((cur.kind == "date" and prev.kind != "date")
                 or (closed and _GRAIN.get(cur.kind, 9) < _GRAIN.get(prev.kind, 0)))
        if finer:  # "Quý III/2026 (tháng 8)", "Năm 2026 (Quý IV)": the bracket names the part of the period that is due
            if cur.kind == "date":
                y_cur = resolve_year(cur, plan_year)
                y_prev = resolve_year(prev, plan_year, y_cur)
            else:
                y_prev = resolve_year(prev, plan_year)
                y_cur = resolve_year(cur, plan_year, y_prev if not cur.has_year else None)
            if y_cur is None or y_prev is None:
                continue
            first, last, _, _ = interval(prev, y_prev)
            inner = interval(cur, y_cur)[1]
            if first and last and inner and (first <= inner <= last or (
                    closed and inner > last and prefix_of(folded, cur.span[0]) in ("strict", "incl", "to"))):
                dropped.add(i - 1)  # "Quý IV/2026 (trước ngày 15/01/2027)": the quarter's work, due just after it
        elif closed and cur.kind in ("year", "half") and not gap.group("words").strip() and not cur.has_year:
            dropped.add(i)
        elif closed and _GRAIN.get(cur.kind, 0) > _GRAIN.get(prev.kind, 9) and _inside(prev, cur, plan_year):
            dropped.add(i)  # "25/3 (quý I)": the bracket names the period the date reports on
    return [a for i, a in enumerate(atoms) if i not in dropped]


def _inside(day: Atom, period: Atom, plan_year: int) -> bool:
    """Whether the last day of ``day`` falls inside ``period`` (a year missing on the period is the day's)."""
    y_day = resolve_year(day, plan_year)
    y_period = resolve_year(period, plan_year, y_day if not period.has_year else None)
    if y_day is None or y_period is None:
        return False
    first, last, _, _ = interval(period, y_period)
    inner = interval(day, y_day)[1]
    return bool(first and last and inner and first <= inner <= last)


def resolve_once(atoms: list[Atom], folded: str, plan_year: int) -> list[Once]:
    """Group atoms into ranges ("từ … đến …", "26 - 27/6") and lists, borrow a year written only on
    the last atom, then resolve each group to a deadline."""
    atoms = _without_glosses(atoms, folded, plan_year)
    groups: list[list[Atom]] = []
    joins: list[str] = []  # "range" or "list" between an atom and the previous one
    for i, atom in enumerate(atoms):
        if i and atom.kind in ("date", "day", "month", "quarter", "year") and groups:
            prev = atoms[i - 1]
            gap = folded[prev.span[1]:atom.span[0]]
            if RANGE_GAP.fullmatch(gap) and len(groups[-1]) == 1:
                groups[-1].append(atom)
                joins[-1] = "range"
                continue
            if LIST_GAP.fullmatch(gap) and joins[-1] != "range":  # a range is closed: what follows starts anew
                groups[-1].append(atom)
                joins[-1] = joins[-1] or "list"
                continue
        groups.append([atom])
        joins.append("")
    out: list[Once] = []
    for group, join in zip(groups, joins, strict=True):
        out.extend(_range(group, folded, plan_year) if join == "range" else _list(group, folded, plan_year))
    return out


def _borrowed_years(group: list[Atom], plan_year: int) -> list[int | None]:
    """Each atom's year; an atom without one takes the next written year in its group."""
    years: list[int | None] = [None] * len(group)
    later: int | None = None
    for i in range(len(group) - 1, -1, -1):
        years[i] = resolve_year(group[i], plan_year, later)
        if group[i].has_year and years[i] is not None:
            later = years[i]
    return years


def _list(group: list[Atom], folded: str, plan_year: int) -> list[Once]:
    """Each atom of a list; "trước ngày 30/6 và 30/11/2026" is strict on both days (the word governs the list)."""
    out = []
    strict = False
    for atom, year in zip(group, _borrowed_years(group, plan_year), strict=True):
        once = _single(atom, year, folded, strict)
        if once:
            out.append(once)
        strict = bool(once and once.strict)
    return out


def _single(atom: Atom, year: int | None, folded: str, strict_before: bool = False) -> Once | None:
    if year is None:
        return Once(None, atom.span, warnings=[f"Năm “{atom.bad_year}” không hợp lệ: không lấy ngày từ đây."])
    first, last, name, warning = interval(atom, year)
    once = Once(last, atom.span, name=name, warnings=[w for w in (warning, short_year_warning(atom)) if w])
    if first is None or last is None:
        return once
    lead = working_lead(folded, atom.span[0])
    if lead and atom.kind != "date":  # the period's last working day is strict: a day off moves it back
        is_last = bool(lead.group("last")) or atom.point == "cuoi"
        word = "cuối cùng" if is_last else "đầu tiên"
        return Once(last if is_last else first, atom.span, strict=is_last, name=f"ngày làm việc {word} của {name}",
                    warnings=once.warnings)
    if atom.first_day is None and _FROM_ONLY.search(folded, max(0, atom.span[0] - 16), atom.span[0]):
        return Once(None, atom.span, warnings=[f"Chỉ nêu thời điểm bắt đầu (từ {name}), không nêu hạn hoàn thành."])
    if atom.point:  # "đầu tháng 10/2024" is a day, not the month
        once.name = f"{POINTS[atom.point]} {name}"
        if atom.point.startswith("tuan"):  # no statute defines the weeks of a month
            once.warnings.append(f"“{once.name}” được hiểu là đến hết ngày {last:%d/%m/%Y}; cần kiểm tra lại.")
        return once
    if atom.first_day is not None:  # "26 - 27/6/2025"
        once.start = clamp(year, atom.month or 1, atom.first_day)[0]
    elif (prefix := prefix_of(folded, atom.span[0])) == "strict" or (prefix is None and strict_before):
        once.due, once.strict = first - ONE_DAY, True
        once.name = f"trước {name}"
    elif first != last and atom.kind != "date":
        once.name = f"hết {name}"
    return once


def _range(group: list[Atom], folded: str, plan_year: int) -> list[Once]:
    a, b = group
    yb = resolve_year(b, plan_year)
    if yb is None:
        return [_single(b, None, folded)]  # type: ignore[list-item]
    if a.kind == "day" and b.month:
        a = Atom("date", a.span, day=a.day, month=b.month, year=a.year, year_word=a.year_word, bad_year=a.bad_year)
    ya = resolve_year(a, plan_year, yb)
    if ya is None:
        return [_single(a, None, folded)]  # type: ignore[list-item]
    first_a = interval(a, ya)[0]
    _, last_b, name_b, warning = interval(b, yb)
    if first_a and last_b and first_a > last_b and not a.has_year:
        first_a = interval(a, ya - 1)[0]  # "từ tháng 11 đến tháng 2/2018" starts the year before
    warnings = [w for w in (interval(a, ya)[3], warning, short_year_warning(a), short_year_warning(b)) if w]
    name = f"từ {interval(a, ya)[2]} đến {name_b}" if first_a else name_b
    return [Once(last_b, (a.span[0], b.span[1]), start=first_a, name=name, warnings=warnings)]
