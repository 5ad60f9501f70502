"""A recurring deadline as the review form shows it: a period, a day rule and a horizon, plus the RFC 5545 text.

The admin edits either the fields (in words) or, as an expert, the RRULE text in a multi-line box. The route
decides which one speaks by comparing with what was loaded: a changed text wins, else changed fields build a new
rule, else the stored rule stays exactly as it was (so saving what was loaded never fails). The dates themselves
are expanded in ``web.editing`` and their effective days come from the work rules service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from web.deps import FormError

# period key → (words, BYMONTH months; () = every month, None = weekly)
PERIODS: dict[str, tuple[str, tuple[int, ...] | None]] = {
    "month": ("Hằng tháng", ()),
    "quarter": ("Hằng quý (tháng 3, 6, 9, 12)", (3, 6, 9, 12)),
    "half": ("6 tháng một lần (tháng 6, 12)", (6, 12)),
    "year": ("Hằng năm (tháng 12)", (12,)),
    "week": ("Hằng tuần (Chủ nhật)", None),
}
CUSTOM = "custom"  # a rule the fields cannot say (several RRULE lines, other months): edited as text only
LAST_DAY = -1
_LINE_START = re.compile(r"(?<=[0-9A-Z;])(?=(?:RRULE|EXRULE|RDATE|EXDATE)[:;])")
_UNTIL = re.compile(r"^(\d{4})(\d{2})(\d{2})")
MAX_TEXT = 1000


@dataclass(frozen=True)
class RecurFields:
    """What the words say: ``period`` (a PERIODS key, CUSTOM or "" for none), ``day`` (1–31 or -1 for the last
    day of the period's last month) and ``until`` (the horizon; None = as long as the plan runs)."""

    period: str = ""
    day: int = LAST_DAY
    until: date | None = None


def normalize(text: str | None) -> str:
    """One rule line per line, whatever the browser sent (CRLF) or an old one-line box joined together."""
    text = _LINE_START.sub("\n", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _parts(line: str) -> dict[str, str]:
    body = line.split(":", 1)[1] if ":" in line else line
    return {k.upper(): v for k, _, v in (p.partition("=") for p in body.split(";") if p)}


def fields_of(rrule: str | None) -> RecurFields:
    """The fields that say ``rrule``; period CUSTOM when they cannot, "" when there is no rule."""
    lines = [line for line in normalize(rrule).split("\n") if line]
    rules = [line for line in lines if line.upper().startswith("RRULE:") or "FREQ=" in line.upper()]
    if not rules:
        return RecurFields()
    if len(rules) > 1 or any(not line.upper().startswith(("RRULE:", "DTSTART")) and "FREQ=" not in line.upper()
                             for line in lines):
        return RecurFields(CUSTOM)
    parts = _parts(rules[0])
    known = {"FREQ", "BYMONTH", "BYMONTHDAY", "BYDAY", "UNTIL", "WKST"}
    until = None
    if "UNTIL" in parts and (found := _UNTIL.match(parts["UNTIL"])):
        try:
            until = date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return RecurFields(CUSTOM)
    if set(parts) - known:
        return RecurFields(CUSTOM)
    freq = parts.get("FREQ", "").upper()
    if freq == "WEEKLY" and parts.get("BYDAY", "").upper() == "SU" and "BYMONTH" not in parts:
        return RecurFields("week", LAST_DAY, until)
    days = parts.get("BYMONTHDAY", "-1")
    if "BYDAY" in parts or not re.fullmatch(r"-1|[1-9]|[12]\d|3[01]", days):
        return RecurFields(CUSTOM)
    months = tuple(int(m) for m in parts.get("BYMONTH", "").split(",") if m.isdigit())
    if freq == "MONTHLY" and not months:
        return RecurFields("month", int(days), until)
    if freq in ("YEARLY", "MONTHLY"):
        for key, (_, wanted) in PERIODS.items():
            if wanted and months == wanted:
                return RecurFields(key, int(days), until)
    return RecurFields(CUSTOM)


def dtstart_of(rrule: str | None, year: int) -> str:
    """The loaded rule's DTSTART line (kept when the fields rebuild the rule), else 1 January of the plan year."""
    for line in normalize(rrule).split("\n"):
        if line.upper().startswith("DTSTART"):
            return line
    return f"DTSTART:{year}0101"


def build(fields: RecurFields, dtstart: str) -> str:
    """The RFC 5545 text of ``fields`` (never CUSTOM or empty: the caller checks)."""
    _, months = PERIODS[fields.period]
    until = f";UNTIL={fields.until:%Y%m%d}" if fields.until else ""
    if months is None:
        body = "FREQ=WEEKLY;BYDAY=SU"
    elif months:
        body = f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYMONTHDAY={fields.day}"
    else:
        body = f"FREQ=MONTHLY;BYMONTHDAY={fields.day}"
    return f"{dtstart}\nRRULE:{body}{until};WKST=MO"


def words(fields: RecurFields) -> str:
    """The fields in a Vietnamese sentence (shown beside the RRULE text)."""
    if fields.period == CUSTOM:
        return "Quy tắc riêng (chỉ sửa được bằng văn bản RRULE)."
    if not fields.period:
        return "Chưa có quy tắc lặp."
    text = PERIODS[fields.period][0]
    if fields.period != "week":
        last = "tháng" if fields.period == "month" else "tháng cuối kỳ"
        text += f", {'ngày cuối cùng' if fields.day == LAST_DAY else f'ngày {fields.day}'} của {last}"
    if fields.until:
        text += f", đến hết {fields.until:%d/%m/%Y}"
    return text + "."


def posted_fields(period: str, day: str, until: date | None) -> RecurFields:
    """The fields as posted; FormError (naming the field) for values the form never offers."""
    period = period.strip()
    if period and period != CUSTOM and period not in PERIODS:
        raise FormError("Chu kỳ không hợp lệ.", field="period")
    day = day.strip() or str(LAST_DAY)
    if not re.fullmatch(r"-1|[1-9]|[12]\d|3[01]", day):
        raise FormError("Ngày trong kỳ phải là ngày cuối tháng hoặc từ 1 đến 31.", field="day")
    return RecurFields(period, int(day), until)


def resolve(loaded: str | None, text: str | None, fields: RecurFields | None, year: int) -> str | None:
    """The rule to store: the expert text when it changed, else the fields when they changed, else ``loaded``."""
    typed = normalize(text)
    if len(typed) > MAX_TEXT:
        raise FormError(f"Quy tắc lặp dài quá {MAX_TEXT} ký tự.", field="rrule")
    if typed != normalize(loaded):
        return typed or None
    if fields is not None and fields != fields_of(loaded):
        if fields.period == CUSTOM:
            raise FormError("Chu kỳ «khác» cần nhập quy tắc RRULE trong ô văn bản.", field="rrule")
        if not fields.period:
            return None
        return build(fields, dtstart_of(loaded, year))
    return loaded
