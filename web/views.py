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


def rate_chart(rates: list[Rate], width: int = 640) -> str:
    """Horizontal bars, one per agency, rendered as inline SVG (no JavaScript, readable on a phone)."""
    bar_h, gap, label_w = 22, 8, 230
    height = max(1, len(rates)) * (bar_h + gap) + gap
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Tỷ lệ đúng hạn theo cơ quan" xmlns="http://www.w3.org/2000/svg">']
    scale = width - label_w - 60
    for index, rate in enumerate(rates):
        y = gap + index * (bar_h + gap)
        name = rate.agency.name if len(rate.agency.name) <= 32 else rate.agency.name[:31] + "…"
        color = "#1e7a3c" if rate.percent >= 90 else ("#9a6700" if rate.percent >= 60 else "#b3261e")
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">{escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{max(1, scale * rate.percent // 100)}" height="{bar_h}" '
                     f'fill="{color}"><title>{escape(rate.agency.name)}: {rate.on_time}/{rate.due}</title></rect>')
        extended = f", {rate.extended} gia hạn" if rate.extended else ""
        parts.append(f'<text x="{label_w + scale * rate.percent // 100 + 6}" y="{y + 16}" font-size="13">'
                     f'{rate.percent}% ({rate.on_time}/{rate.due}{extended})</text>')
    parts.append("</svg>")
    return "".join(parts)


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
