"""Clauses of one part: a sentence that joins deadlines of different kinds ("deadline-language.md", Multi-part
cells).

"Hoàn thành trong giai đoạn 2026 - 2027 và vận hành thường xuyên, liên tục" is a one-time deadline and an
ongoing duty; "Thí điểm trong giai đoạn 2026 - 2028, nghiên cứu xem xét mở rộng sau thí điểm" a deadline and
an event; "Hoàn thành … trong năm 2026. Định kỳ cập nhật …" a deadline and a periodic duty without a period.
A part is cut where a new sentence, "và" or a comma starts a clause that names its own work and its own time,
after a clause that has a time of its own. "Thường xuyên, hằng năm" is ongoing work plus a yearly report.

Never cut: lists of times ("Quý I và Quý II/2025"), a comma that sharpens the time before it ("Trong Quý IV,
hoàn thành trước 15/12"), clauses without any time ("Thực hiện rà soát, điều chỉnh (nếu có)"), and a start
without an end followed by ongoing work ("Triển khai từ năm 2026 và thực hiện thường xuyên, liên tục"): that
is one ongoing duty (``ongoing_from``).
"""

from __future__ import annotations

import re

from deadlines import dates, recurrence
from deadlines.normalize import Folded
from deadlines.references import first_marker
from deadlines.segment import TRIM, Part

_SENTENCE = re.compile(r"\.\s+(?=\S)")
_JOIN = re.compile(r"\s+va\s+|\s*,\s+")
# "Thường xuyên, hằng năm", "Thường xuyên, liên tục, định kỳ hằng quý báo cáo …", "Thường xuyên, định kỳ 6 tháng
# báo cáo", "Thường xuyên, 02 năm/lần báo cáo": ongoing work and a periodic report. Without the comma ("Thường xuyên
# hằng năm") it is one ongoing duty.
_ONGOING_THEN_PERIOD = re.compile(r"\bthuong xuyen(?:\s*,?\s*lien tuc)?(?P<cut>\s*,\s*)"
                                  r"(?=(?:bao cao\s+)?(?:dinh ky\s+(?:(?:hang|moi)\s+)?(?:0?[369]\s+thang|sau thang)"
                                  r"|(?:dinh ky\s+)?(?:hang|moi)\s+(?:nam|quy|thang|tuan)"
                                  r"|(?:dinh ky\s+)?0?[2-9]\s*nam\s*(?:/|mot|0?1)\s*lan)\b)")
# A clause opening with one of these words continues the time before it, it does not start new work.
_TIME_HEAD = re.compile(r"(?:truoc|tu|den|toi|cho den|cham nhat|muon nhat|han|het|trong|vao|hoan thanh|xong|nop|"
                        r"bat dau|ngay|thang|quy|nam|dau|giua|cuoi|thuong xuyen|lien tuc|hang|dinh ky|moi|sau|theo|"
                        r"khi|ke tu|giai doan|da|hoac|dot xuat|ca nam|chin thang|tuan|iv|iii|ii|i)\b|\d")
_PERIODIC = re.compile(r"\bdinh ky\b")
# a start without an end: "từ năm 2026", "từ sau năm 2027", "sau năm 2028", "bắt đầu từ quý II"
_START_ONLY = re.compile(r"(?:\bbat dau tu|(?<![a-z])(?<!dau )tu(?:\s+sau)?|(?<![a-z])sau)\s*$")
# A clause's own time is read within this many characters of the cut on each side: a real clause is far shorter,
# and a bounded window keeps a part of any length linear (reading to the part's end at every candidate was
# quadratic: a 20,000-character cell of "… và …" took seconds).
WINDOW = 240


def split(f: Folded, hidden: str, part: Part) -> list[Part] | None:
    """The clauses of ``part`` when it joins several deadlines, else None."""
    text = hidden[part.start:part.end]
    if len(text) < 12 or not (" va " in text or "," in text or _SENTENCE.search(text)):
        return None
    cuts: list[tuple[int, int]] = []
    start, content_end = part.start, part.start + len(text.rstrip(TRIM))
    for a, b, kind in _candidates(f, hidden, part):  # the cheap tests first: most candidates fail one
        if a <= start:
            continue
        if b >= content_end:  # nothing but punctuation after it
            continue
        left, right = hidden[max(start, a - WINDOW):a], hidden[b:min(part.end, b + WINDOW)].lstrip()
        if kind in ("and", "comma") and _TIME_HEAD.match(right):
            continue
        if kind == "comma" and not (atoms := dates.scan(left)):
            continue  # "thường xuyên, liên tục, hiệu quả hàng năm", "theo hướng dẫn, yêu cầu của …": one time
        if not _timed(left):
            continue
        if kind != "ongoing":
            if kind == "comma" and recurrence.find(left, atoms):
                continue  # "quý, 6 tháng, năm": a list of periods
            if not (_timed(right) or _PERIODIC.match(right)):
                continue
            if kind != "sentence" and _starts_then_ongoing(left, right):
                continue
        cuts.append((a, b))
        start = b
    if not cuts:
        return None
    clauses: list[Part] = []
    start, sep = part.start, part.sep
    for a, b in cuts:
        clauses.append(Part(start, a, sep))
        start, sep = b, "clause"
    clauses.append(Part(start, part.end, sep))
    return [_trimmed(hidden, c) for c in clauses if hidden[c.start:c.end].strip(TRIM)]


def ongoing_from(sub: str, atoms: list[dates.Atom]) -> bool:
    """"Triển khai từ năm 2026 và thực hiện thường xuyên, liên tục": every time is a start without an end and
    ongoing work follows them: one ongoing duty."""
    if not atoms or not all(_START_ONLY.search(sub, max(0, a.span[0] - 16), a.span[0]) for a in atoms):
        return False
    marker = first_marker(sub[atoms[-1].span[1]:])
    return marker is not None and marker.kind.value == "continuous"


def _candidates(f: Folded, hidden: str, part: Part) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every place a clause may start, left to right; kind is "sentence", "and", "comma"
    or "ongoing" (the comma of "Thường xuyên, hằng năm")."""
    found: dict[int, tuple[int, int, str]] = {}
    ongoing = hidden.find("thuong xuyen", part.start, part.end) >= 0  # what the pattern starts with
    for m in _ONGOING_THEN_PERIOD.finditer(hidden, part.start, part.end) if ongoing else ():
        found[m.start("cut")] = (m.start("cut"), m.end("cut"), "ongoing")
    for m in _SENTENCE.finditer(hidden, part.start, part.end):
        if f.is_upper_at(m.end()):
            found.setdefault(m.start(), (m.start(), m.end(), "sentence"))
    for m in _JOIN.finditer(hidden, part.start, part.end):
        found.setdefault(m.start(), (m.start(), m.end(), "comma" if "," in m.group() else "and"))
    return [found[k] for k in sorted(found)]


def _timed(text: str) -> bool:
    """Whether a clause names a time: a date or period, a recurrence, or a dateless kind."""
    atoms = dates.scan(text)
    return bool(atoms) or first_marker(text) is not None or recurrence.find(text, atoms) is not None


def _starts_then_ongoing(left: str, right: str) -> bool:
    atoms = dates.scan(left)
    if not atoms or first_marker(left) is not None:
        return False
    return ongoing_from(left + " va " + right, atoms)


def _trimmed(hidden: str, part: Part) -> Part:
    text = hidden[part.start:part.end]
    lead = len(text) - len(text.lstrip(TRIM))
    tail = len(text) - len(text.rstrip(TRIM))
    return Part(part.start + lead, part.end - tail, part.sep)
