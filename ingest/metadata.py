"""Plan metadata from the opening paragraphs: number, title, issuer, place, issue date, year, what it implements."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

_NUMBER = re.compile(r"\bSố\s*:?\s*(\d*)\s*/\s*((?:QĐ|KH|TB|CV)[-–][A-ZĐ]+)")
_ATTACHED = re.compile(r"(?:kèm theo|Kèm theo)\s+(?:Quyết định|Kế hoạch)\s+số\s*:?\s*(\d*)\s*/\s*([A-ZĐ]+[-–][A-ZĐ]+)"
                       r"\s*(?:ngày\s*(\d{1,2})/(\d{1,2})/(\d{4}))?")
_PLACE_DATE = re.compile(r"^([A-ZĐÂ][^\d,]{1,40}),\s*ngày\s*(\d{0,2})\s*tháng\s*(\d{0,2})\s*năm\s*(\d{4})")
_GOVERNMENT = re.compile(r"(?:UBND|Ủy ban nhân dân|ỦY BAN NHÂN DÂN|Uỷ ban nhân dân)\s+(tỉnh|huyện|xã|thị xã|thành phố|"
                         r"phường|TỈNH|HUYỆN|XÃ|THỊ XÃ|THÀNH PHỐ)\s+((?:[A-ZĐÂ][^\s,.;:()]*\s?){1,3})")
_IMPLEMENTS_START = re.compile(r"^Thực hiện\s+")
_CITED = re.compile(r"^(?:Nghị quyết|Kế hoạch|Quyết định|Chỉ thị|Công văn|Thông tư|Nghị định|Chương trình)\b")
_PLAN_HEADING = re.compile(r"^KẾ HOẠCH$", re.IGNORECASE)
_YEAR = re.compile(r"năm\s+(\d{4})", re.IGNORECASE)
_LEVEL_NAMES = {"tỉnh": "tỉnh", "huyện": "huyện", "xã": "xã", "thị xã": "thị xã", "thành phố": "thành phố",
                "phường": "phường"}


@dataclass
class Metadata:
    number: str | None = None
    title: str = ""
    issuer: str | None = None
    place: str | None = None
    issued_on: date | None = None
    plan_year: int | None = None
    implements: list[str] = field(default_factory=list)


def read_metadata(paragraphs: list[str]) -> Metadata:
    """Metadata from the paragraphs before the plan's first section; missing values stay None."""
    meta = Metadata()
    head = paragraphs[:60]
    text = "\n".join(head)
    number = _NUMBER.search(text)
    if number and number.group(1):
        meta.number = f"{number.group(1)}/{number.group(2)}"
    attached = _ATTACHED.search(text)
    if attached and attached.group(1) and not meta.number:
        meta.number = f"{attached.group(1)}/{attached.group(2).replace('–', '-')}"
        if attached.group(5):
            meta.issued_on = _date(attached.group(3), attached.group(4), attached.group(5))
    for paragraph in head:
        found = _PLACE_DATE.match(paragraph)
        if found:
            meta.place = found.group(1).strip()
            meta.issued_on = meta.issued_on or _date(found.group(2), found.group(3), found.group(4))
            break
    meta.title = _title(head)
    years = _YEAR.findall(meta.title)
    meta.plan_year = int(years[-1]) if years else None
    meta.issuer = _issuer(head, paragraphs)
    if meta.place is None and meta.issuer:
        meta.place = re.sub(r"^UBND (?:tỉnh|huyện|xã|thị xã|thành phố|phường) ", "", meta.issuer)
    meta.implements = _implements(head)
    return meta


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None  # "ngày tháng năm 2024": the date was left blank for signing


def _title(head: list[str]) -> str:
    for i, paragraph in enumerate(head):
        if _PLAN_HEADING.match(paragraph.strip()) and i + 1 < len(head):
            subject = head[i + 1].strip()
            if subject.isupper():
                subject = subject.lower()
            return "Kế hoạch " + subject[:1].lower() + subject[1:]
    return head[0] if head else ""


def _issuer(head: list[str], paragraphs: list[str]) -> str | None:
    """Prefer the signing government named in the opening; else the most named government with a name."""
    for cue in (r"\s*(?:ban hành|xây dựng)\s+[Kk]ế hoạch", r"", r""):
        for paragraph in head:
            if not cue and not re.search(r"CHỦ TỊCH|[Kk]èm theo", paragraph):
                continue
            for found in _GOVERNMENT.finditer(paragraph):
                if not cue or re.match(cue, paragraph[found.end():]):
                    return _government_name(found)
    counts = Counter(_government_name(m) for p in paragraphs for m in _GOVERNMENT.finditer(p))
    return counts.most_common(1)[0][0] if counts else None


def _government_name(found: re.Match) -> str:
    level = _LEVEL_NAMES.get(found.group(1).lower(), found.group(1).lower())
    name = " ".join(w if not w.isupper() or len(w) <= 1 else w.capitalize() for w in found.group(2).split())
    return f"UBND {level} {name}".strip()


def _implements(head: list[str]) -> list[str]:
    cited: list[str] = []
    for paragraph in head:
        if not _IMPLEMENTS_START.match(paragraph):
            continue
        for part in re.split(r";\s*|,\s*(?=Thực hiện\s)", _IMPLEMENTS_START.sub("", paragraph)):
            part = _IMPLEMENTS_START.sub("", part.strip()).rstrip(" .")
            part = re.split(r"\s*;?\s*UBND\s+\S+\s+\S+\s+\S+\s+(?:xây dựng|ban hành)", part)[0]
            if _CITED.match(part):
                cited.append(part)
    return cited
