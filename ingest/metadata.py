"""Plan metadata from the opening paragraphs: number, title, issuer, place, issue date, year, what it implements."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

# A document number: digits (with a letter: "30c"), a slash, then the whole symbol, whatever its suffix:
# "2629/QĐ-TTg", "6225/BVHTTDL-VP", "1339/NQ-UBTVQH15", "71/2022/QH15". Blank ("Số: /QĐ-UBND") stays None.
_SYMBOL = r"(\d*[a-z]?)\s*/\s*((?:\d{4}/)?[A-ZĐ][A-Za-zĐđ0-9]*(?:\s?[-–/]\s?[A-ZĐ][A-Za-zĐđ0-9]*)*)"
_NUMBER = re.compile(r"\bSố\s*:?\s*" + _SYMBOL)
_DOC_TYPES = (r"(?:Quyết định|Kế hoạch|Nghị quyết|Thông báo(?: kết luận)?|Công văn|Chỉ thị|Thông tư|Nghị định"
              r"|Chương trình|Văn bản)")
_ATTACHED = re.compile(r"(?:kèm theo|Kèm theo)\s+" + _DOC_TYPES + r"\s+(?:số|SỐ)\s*:?\s*" + _SYMBOL +
                       r"\s*(?:ngày\s*(\d{1,2})\s*(?:/|\s+tháng\s+)(\d{1,2})\s*(?:/|\s+năm\s+)(\d{4}))?"
                       r"(?:\s+của\s+([^)]{3,80}))?")
_APPENDIX_HEADING = re.compile(r"^PHỤ LỤC(?:\s+(?:SỐ\s*)?([IVXLC]+|\d+))?\s*[.:]?$", re.IGNORECASE)
_SIGNER_TITLE = re.compile(r"^(?:Bộ trưởng|Thủ trưởng|Chủ tịch|Chủ nhiệm|Tổng Giám đốc|Giám đốc)\s+(?=[A-ZĐÂỦ])")
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
        meta.number = _symbol(number.group(1), number.group(2))
    attached = _ATTACHED.search(text)
    if attached and attached.group(1) and not meta.number:
        meta.number = _symbol(attached.group(1), attached.group(2))
        if attached.group(5):
            meta.issued_on = _date(attached.group(3), attached.group(4), attached.group(5))
    for paragraph in head:
        found = _PLACE_DATE.match(paragraph)
        if found:
            meta.place = found.group(1).strip()
            meta.issued_on = meta.issued_on or _date(found.group(2), found.group(3), found.group(4))
            break
    meta.title = _title(head)
    # An appendix's subject ("… đến năm 2030, tầm nhìn đến năm 2045") names horizons, not the plan's year.
    years = [] if meta.title.startswith("Phụ lục") else _YEAR.findall(meta.title)
    meta.plan_year = int(years[-1]) if years else None
    meta.issuer = _issuer(head, paragraphs) or _attached_issuer(attached)
    if meta.place is None and meta.issuer:
        meta.place = re.sub(r"^UBND (?:tỉnh|huyện|xã|thị xã|thành phố|phường) ", "", meta.issuer)
    meta.implements = _implements(head)
    return meta


def _symbol(number: str, symbol: str) -> str:
    """ "2629 / QĐ – TTg" → "2629/QĐ-TTg": the number as one token, dashes and spaces as written in the register."""
    symbol = re.sub(r"\s*[-–]\s*", "-", re.sub(r"\s*/\s*", "/", symbol))
    return f"{number}/{symbol}"


def _attached_issuer(attached: re.Match | None) -> str | None:
    """ "(Kèm theo Quyết định số … của Thủ tướng Chính phủ)": the issuing body, its signer's title dropped."""
    if attached is None or not attached.group(6):
        return None
    return _SIGNER_TITLE.sub("", " ".join(attached.group(6).split()).rstrip(" .;,")) or None


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None  # "ngày tháng năm 2024": the date was left blank for signing


def _title(head: list[str]) -> str:
    appendix = _APPENDIX_HEADING.match(head[0].strip()) if head else None
    if appendix and len(head) > 1 and not _PLAN_HEADING.match(head[1].strip()):
        # An appendix sent on its own: "PHỤ LỤC II" then its subject; two appendices of one decision differ here.
        subject = _sentence_case(head[1].strip())
        return f"Phụ lục {appendix.group(1).upper()}: {subject}" if appendix.group(1) else f"Phụ lục: {subject}"
    for i, paragraph in enumerate(head):
        if _PLAN_HEADING.match(paragraph.strip()) and i + 1 < len(head):
            subject = head[i + 1].strip()
            if subject.isupper():
                subject = subject.lower()
            return "Kế hoạch " + subject[:1].lower() + subject[1:]
    return head[0] if head else ""


def _sentence_case(text: str) -> str:
    """A heading in capitals as a sentence; document symbols ("552/TB-VPCP") keep their capitals."""
    if text.isupper():
        text = " ".join(w if any(c.isdigit() for c in w) else w.lower() for w in text.split())
    return text[:1].upper() + text[1:]


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
