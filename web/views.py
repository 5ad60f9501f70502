"""Small helpers shared by the page routers: milestone explanations, the SVG chart, the month grid."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date
from html import escape

from deadlines.explain import explain
from deadlines.model import Kind, Offset, ParsedMilestone, ParsedOccurrence, Reference
from models import Milestone
from web.queries import Item, Rate

KIND_LABELS = {
    "once": "Một lần", "recurring": "Định kỳ", "continuous": "Thường xuyên", "on_event": "Khi có sự kiện",
    "by_reference": "Theo văn bản khác", "done": "Đã thực hiện", "unresolved": "Chưa xác định",
}
WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


def explanation(stored: Milestone) -> str:
    """The deadline engine's Vietnamese sentence for a stored milestone (what the admin checks on review)."""
    reference = stored.reference or None
    milestone = ParsedMilestone(
        kind=Kind(stored.kind), label=stored.label, due=stored.due, start=stored.start, rrule=stored.rrule,
        occurrences=[ParsedOccurrence(o.due, o.period) for o in stored.occurrences], ad_hoc=stored.ad_hoc,
        event=stored.event, offset=_offset(stored.event_offset), source=stored.source, strict=stored.strict,
        warnings=list(stored.warnings or []),
        reference=Reference(reference.get("text", "")) if isinstance(reference, dict) else None)
    try:
        text = explain(milestone)
    except Exception:
        text = KIND_LABELS.get(stored.kind, stored.kind)
    if stored.event_date:
        text += f" — sự kiện đã xảy ra ngày {stored.event_date:%d/%m/%Y}"
    return text


def _offset(stored: object) -> Offset | None:
    try:
        return Offset.from_json(stored)
    except (ValueError, TypeError, KeyError):
        return None


def rate_chart(rates: list[Rate]) -> str:
    """One row per agency: its name, a bar (a <meter>, styled by site.css) and the figures, in the page's own
    font size, so the text stays readable on a phone (an SVG scaled to a phone's width shrank it to about 6 px)."""
    rows = []
    for rate in rates:
        low, high = 60, 90
        extended = f", {rate.extended} gia hạn" if rate.extended else ""
        figures = f"{rate.percent}% ({rate.on_time}/{rate.due}{extended})"
        rows.append(f'<li><span class="rate-name">{escape(rate.agency.name)}</span>'
                    f'<meter min="0" max="100" low="{low}" high="{high}" optimum="100" value="{rate.percent}" '
                    f'aria-label="{escape(rate.agency.name)}: đúng hạn {figures}"></meter>'
                    f'<span class="rate-figures">{figures}</span></li>')
    return f'<ul class="chart" aria-label="Tỷ lệ đúng hạn theo cơ quan">{"".join(rows)}</ul>'


def month_grid(year: int, month: int, found: list[Item]) -> list[list[tuple[date | None, list[Item]]]]:
    """Weeks (Monday first) of (day, items that day); days outside the month are None."""
    by_day: dict[date, list[Item]] = {}
    for item in found:
        by_day.setdefault(item.day, []).append(item)
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[(d if d.month == month else None, by_day.get(d, []) if d.month == month else []) for d in week]
            for week in weeks]


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
