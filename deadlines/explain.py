"""One Vietnamese sentence per milestone, for the UI and e-mails."""

from __future__ import annotations

from deadlines.model import Kind, ParsedMilestone


def explain(m: ParsedMilestone) -> str:
    """"Hạn: 31/03/2025 (hết Quý I/2025)", "Định kỳ hằng quý: 31/03, 30/06, 30/09, 31/12/2025", …"""
    text = _explain(m)
    if m.ad_hoc and m.kind is not Kind.ON_EVENT:
        text += "; hoặc đột xuất khi có yêu cầu"
    return text


def _explain(m: ParsedMilestone) -> str:
    if m.kind is Kind.ONCE and m.due:
        text = f"Hạn: {m.due:%d/%m/%Y}"
        if m.start:
            text = f"Từ {m.start:%d/%m/%Y} đến hết {m.due:%d/%m/%Y}"
        elif m.period and not m.period.startswith("ngày"):
            text += f" ({m.period})"
        return text
    if m.kind is Kind.RECURRING:
        return _recurring(m)
    if m.kind is Kind.CONTINUOUS:
        return "Thường xuyên, không có hạn cụ thể"
    if m.kind is Kind.ON_EVENT:
        event = m.event or "có sự kiện kích hoạt"
        if m.offset is not None:  # "5 ngày làm việc kể từ khi nhận được hồ sơ", "… kể từ ngày 01/7/2025"
            return f"{m.offset.words()} kể từ {'ngày' if event[:1].isdigit() else 'khi'} {event}"
        if event.lower().startswith(("khi", "không quá", "trong", "kể từ")):
            return f"{event[:1].upper()}{event[1:]}"
        return f"Khi {event}"
    if m.kind is Kind.BY_REFERENCE:
        return f"Theo {m.reference.text}" if m.reference and m.reference.text else "Theo quy định/kế hoạch được dẫn"
    if m.kind is Kind.DONE:
        return "Đã thực hiện"
    return "Chưa xác định được thời hạn" + (f": {m.warnings[0]}" if m.warnings else "")


def _recurring(m: ParsedMilestone) -> str:
    occ = [o.due for o in m.occurrences]
    rule = m.rrule or ""
    if "FREQ=MONTHLY" in rule:
        head = "Định kỳ hằng tháng"
    elif "FREQ=WEEKLY" in rule:
        head = "Định kỳ hằng tuần"
    elif ";INTERVAL=" in rule:  # "Định kỳ 02 năm/lần" (recurrence.py writes INTERVAL only for years)
        head = f"Định kỳ {rule.split(';INTERVAL=', 1)[1].split(';', 1)[0]} năm một lần"
    elif "BYMONTH=3,6,9,12" in rule or len(occ) == 4:
        head = "Định kỳ hằng quý"
    else:
        head = "Định kỳ hằng năm" if len(occ) <= 1 else "Định kỳ"
    if not occ:
        return f"{head} (không có lần nào trong khoảng thời gian xét)"
    if len(occ) > 12:
        return f"{head}: {len(occ)} lần, từ {occ[0]:%d/%m/%Y} đến {occ[-1]:%d/%m/%Y}"
    years = {d.year for d in occ}
    if len(years) == 1:
        return f"{head}: " + ", ".join(f"{d:%d/%m}" for d in occ[:-1]) + (", " if len(occ) > 1 else "") + \
            f"{occ[-1]:%d/%m/%Y}"
    return f"{head}: " + ", ".join(f"{d:%d/%m/%Y}" for d in occ)
