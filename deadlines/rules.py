"""Day rules: the day of the period's last month on which periodic reports are due.

"các Báo cáo quý nộp trước ngày mùng 07 của tháng cuối quý; riêng báo cáo năm nộp trước ngày 07/11/2024"
(seed 003) or "chậm nhất là ngày 20 của tháng cuối kỳ báo cáo" (Công văn 581/BNV-CCHC). A rule naming a
period ("riêng báo cáo năm") wins over a general one. A quarterly rule also covers the 6- and 9-month
reports, which fall on quarter ends; the fourth-quarter report is the annual one when a rule says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from deadlines.dates import clamp
from deadlines.model import Kind, ParsedMilestone, ParsedOccurrence
from deadlines.normalize import fold

ALL_PERIODS = ("tháng", "quý", "6 tháng", "9 tháng", "năm")
_PERIOD_WORDS = {"quy": ("quý", "6 tháng", "9 tháng"), "3 thang": ("quý", "6 tháng", "9 tháng"),
                 "6 thang": ("6 tháng",), "9 thang": ("9 tháng",), "nam": ("năm",), "ca nam": ("năm",),
                 "thang": ("tháng",)}
_CLAUSE_PERIOD = re.compile(r"bao cao\s+(?:dinh ky\s+)?(?:hang\s+)?(?P<p>quy|0?3 thang|0?6 thang|0?9 thang|ca nam|"
                            r"nam|thang)(?![\s/]*\d)")
_LAST_MONTH = re.compile(r"ngay\s+(?:mung\s+)?(?P<d>\d{1,2})\s+(?:cua\s+)?thang\s+cuoi(?:\s+cung)?\s+(?:cua\s+)?"
                         r"(?:(?:moi|hang|cac)\s+)?(?P<per>ky bao cao|ky|quy|nam)")
_FIXED = re.compile(r"ngay\s+(?:mung\s+)?(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})(?:\s*[/.-]\s*(?P<y>\d{4}))?")
_MONTHLY = re.compile(r"ngay\s+(?:mung\s+)?(?P<d>\d{1,2})\s+(?:(?:cua|hang|moi)\s+)+thang\b(?![\s/]*\d)")
_STRICT = re.compile(r"\btruoc\s+(?:ngay\s+)?$")
_CLASSES = {"quý I": ("quý",), "quý II": ("6 tháng", "quý"), "quý III": ("9 tháng", "quý"),
            "quý IV": ("năm", "quý"), "6 tháng": ("6 tháng", "quý"), "9 tháng": ("9 tháng", "quý"),
            "năm": ("năm", "quý")}


@dataclass(frozen=True)
class DayRule:
    """Reports of ``periods`` are due on ``day`` of the period's last month, or on ``fixed`` (the annual
    report's own date); ``strict`` ("trước") means the day before."""

    periods: tuple[str, ...]
    day: int | None = None
    fixed: date | None = None
    strict: bool = False
    source: str = ""

    def to_json(self) -> dict:
        return {"version": 1, "periods": list(self.periods), "day": self.day,
                "fixed": self.fixed.isoformat() if self.fixed else None, "strict": self.strict, "source": self.source}

    @classmethod
    def from_json(cls, data: dict) -> DayRule:
        """Raises ValueError for an unknown version or a malformed rule."""
        if not isinstance(data, dict) or data.get("version") != 1:
            version = data.get("version") if isinstance(data, dict) else data
            raise ValueError(f"unsupported day rule version: {version!r}")
        periods = tuple(data.get("periods") or ())
        if not periods or any(p not in ALL_PERIODS for p in periods):
            raise ValueError(f"day rule periods must be among {ALL_PERIODS}, got {periods}")
        fixed = date.fromisoformat(data["fixed"]) if data.get("fixed") else None
        day = data.get("day")
        if (day is None) == (fixed is None) or (day is not None and not 1 <= int(day) <= 31):
            raise ValueError("a day rule needs exactly one of day (1–31) and fixed")
        return cls(periods, int(day) if day is not None else None, fixed, bool(data.get("strict")),
                   str(data.get("source", "")))

    def due(self, period_end: date) -> date:
        """The due date of the report whose period ends on ``period_end``."""
        if self.fixed is not None:
            target = clamp(period_end.year, self.fixed.month, self.fixed.day)[0] or self.fixed
        else:
            target = clamp(period_end.year, period_end.month, self.day or 1)[0] or period_end
        return target - timedelta(days=1) if self.strict else target


def parse_day_rules(text: str, plan_year: int) -> list[DayRule]:
    """Every day rule stated in ``text`` (clauses separated by ";" or "."), in order. Never raises."""
    f = fold(text)
    rules: list[DayRule] = []
    for clause_match in re.finditer(r"[^;.\n]+(?:\.\d[^;.\n]*)*", f.folded):
        clause, source = clause_match.group(), f.text(*clause_match.span()).strip(" ()")
        named = _CLAUSE_PERIOD.search(clause)
        last = _LAST_MONTH.search(clause)
        if last:
            periods = _PERIOD_WORDS[named.group("p").strip("0")] if named else (
                ALL_PERIODS if last.group("per").startswith("ky") else _PERIOD_WORDS["quy"] + ("năm",))
            strict = _strict(clause, last.start())
            rules.append(DayRule(periods, day=int(last.group("d")), strict=strict, source=source))
            continue
        monthly = _MONTHLY.search(clause)
        if monthly:
            rules.append(DayRule(("tháng",), day=int(monthly.group("d")), strict=_strict(clause, monthly.start()),
                                 source=source))
            continue
        fixed = _FIXED.search(clause)
        if fixed and named:
            d = clamp(int(fixed.group("y") or plan_year), int(fixed.group("m")), int(fixed.group("d")))[0]
            if d:
                rules.append(DayRule(_PERIOD_WORDS[named.group("p").strip("0")], fixed=d,
                                     strict=_strict(clause, fixed.start()), source=source))
    return rules


def _strict(clause: str, start: int) -> bool:
    return bool(_STRICT.search(clause[max(0, start - 12):start]))


def _is_report(m: ParsedMilestone) -> bool:
    """Recurring report milestones: labelled as a report, or unlabelled (the cell's product is a report)."""
    if m.kind is not Kind.RECURRING:
        return False
    words = fold(f"{m.label or ''} {m.source}").folded
    return m.label is None or "bao cao" in words


def _rule_for(period: str | None, rules: Sequence[DayRule]) -> DayRule | None:
    classes = ("tháng",) if period and period.startswith("tháng") else _CLASSES.get(period or "", ())
    ordered = sorted(rules, key=lambda r: len(r.periods))  # a rule naming fewer periods is more specific
    for cls in classes:
        for rule in ordered:
            if cls in rule.periods:
                return rule
    return None


def apply_day_rules(milestones: Sequence[ParsedMilestone], rules: Sequence[DayRule], *,
                    horizon: tuple[date, date] | None = None, fallback: Sequence[DayRule] = ()
                    ) -> list[ParsedMilestone]:
    """Copies of ``milestones`` with the occurrences and RRULE of recurring reports moved by ``rules``.

    ``fallback`` rules (the configured ones) apply to a period no rule of ``rules`` (the plan's own) covers.
    A rule replaces only the default day, the period's last: a report whose text names its own day ("trước
    ngày 15 của tháng cuối quý", "ngày 25 hằng tháng") keeps it. A moved copy keeps the milestone as read in
    ``basis``, so that other rules can be applied to it later.
    """
    out = []
    for m in milestones:
        if not (rules or fallback) or not _is_report(m):
            out.append(m)
            continue
        moved, changed, strict = [], False, m.strict
        for o in m.occurrences:
            rule = (_rule_for(o.period, rules) or _rule_for(o.period, fallback)) if _period_end(o.due) else None
            due = rule.due(o.due) if rule else o.due
            changed |= due != o.due
            strict = strict or bool(rule and rule.strict)
            moved.append(ParsedOccurrence(due, o.period))
        if not changed:
            out.append(m)
            continue
        moved.sort(key=lambda o: o.due)
        if horizon:
            moved = [o for o in moved if horizon[0] <= o.due <= horizon[1]]
        out.append(replace(m, occurrences=moved, rrule=_rrule_for(m.rrule or "", moved), strict=strict,
                           basis=m.basis or m))
    return out


def _period_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def _rrule_for(old: str, occ: list[ParsedOccurrence]) -> str:
    """One RRULE per day of month (usually exactly one), keeping the original DTSTART."""
    dtstart = old.split("\n", 1)[0] if old.startswith("DTSTART") else f"DTSTART:{occ[0].due:%Y0101}" if occ else ""
    by_day: dict[int, set[int]] = {}
    for o in occ:
        by_day.setdefault(o.due.day, set()).add(o.due.month)
    monthly = "FREQ=MONTHLY" in old
    lines = [dtstart]
    for day, months in sorted(by_day.items()):
        if monthly and len(months) == 12:
            lines.append(f"RRULE:FREQ=MONTHLY;BYMONTHDAY={day};WKST=MO")
        else:
            lines.append(f"RRULE:FREQ=YEARLY;BYMONTH={','.join(map(str, sorted(months)))};BYMONTHDAY={day};WKST=MO")
    return "\n".join(lines)
