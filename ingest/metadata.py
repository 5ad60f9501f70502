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
# Issuers above the province, named at the end of "(Kèm theo Quyết định số … của Thủ tướng Chính phủ)" or as the
# document's first line in capitals ("BỘ NỘI VỤ", "THỦ TƯỚNG CHÍNH PHỦ").
_CENTRAL = (r"(?:Thủ tướng Chính phủ|Văn phòng Chính phủ|Chính phủ|Ủy ban [Tt]hường vụ Quốc hội|Uỷ ban [Tt]hường vụ "
            r"Quốc hội|Văn phòng Quốc hội|Quốc hội|Bộ [A-ZĐ][^,;()]*?|Ngân hàng Nhà nước Việt Nam|Thanh tra Chính phủ|"
            r"Tòa án nhân dân tối cao|Viện kiểm sát nhân dân tối cao|Kiểm toán Nhà nước)")
_ATTACHED_BY = re.compile(r"[Kk]èm theo\b[^()]*?\bcủa\s+(?:Bộ trưởng\s+|Chủ tịch\s+)?(?P<who>" + _CENTRAL
                          + r")\s*\)?\s*$")
_CENTRAL_HEADING = re.compile(r"^(?P<who>" + _CENTRAL + r")$", re.IGNORECASE)
# The number's suffix names the issuer when nothing else does: "2597/QĐ-TTg", "394/NQ-CP", "1383/QĐ-BNV"
_SUFFIX = re.compile(r"\b\d+/(?:QĐ|KH|TB|NQ|CT|CV|TTr|BC)-(?P<suffix>[A-ZĐa-z]+?)(?:\d+)?\b")
_SUFFIX_ISSUERS = {"TTg": "Thủ tướng Chính phủ", "CP": "Chính phủ", "VPCP": "Văn phòng Chính phủ",
                   "UBTVQH": "Ủy ban Thường vụ Quốc hội", "QH": "Quốc hội", "BNV": "Bộ Nội vụ", "BTP": "Bộ Tư pháp",
                   "BTC": "Bộ Tài chính", "BCT": "Bộ Công Thương", "BXD": "Bộ Xây dựng", "BYT": "Bộ Y tế",
                   "BGDĐT": "Bộ Giáo dục và Đào tạo", "BKHCN": "Bộ Khoa học và Công nghệ",
                   "BNNMT": "Bộ Nông nghiệp và Môi trường", "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
                   "BCA": "Bộ Công an", "BQP": "Bộ Quốc phòng", "BNG": "Bộ Ngoại giao",
                   "BDTTG": "Bộ Dân tộc và Tôn giáo",
                   "NHNN": "Ngân hàng Nhà nước Việt Nam", "TTCP": "Thanh tra Chính phủ"}
# "tỉnh Đồng Nai", "thành phố Hà Nội": the province a plan names most, when it names no issuer at all
_PROVINCE_NAMED = re.compile(r"\b(tỉnh|thành phố)\s+((?:[A-ZĐ][^\s,.;:()]*\s?){1,3})")
_RECIPIENTS = re.compile(r"^Kính gửi\s*:?\s*(.*)$", re.IGNORECASE)


@dataclass
class Metadata:
    number: str | None = None
    title: str = ""
    issuer: str | None = None
    place: str | None = None
    issued_on: date | None = None
    plan_year: int | None = None
    implements: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # "Kính gửi: …"


def read_metadata(paragraphs: list[str], elsewhere: list[str] | None = None) -> Metadata:
    """Metadata from the paragraphs before the plan's first section; missing values stay None.

    ``elsewhere`` (the text of the tables) is read only for the province a plan names when it names no issuer.
    """
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
    attached_by = _attached_issuer(attached)
    meta.issuer = (_issuer(head, paragraphs) or (_central_name(attached_by) if attached_by else None)
                   or _central_issuer(head) or _province_named([*paragraphs, *(elsewhere or [])]))
    meta.recipients = _recipients(head)
    if meta.place is None and meta.issuer and meta.issuer.startswith("UBND "):
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


def _central_issuer(head: list[str]) -> str | None:
    """A body above the province: "(Kèm theo … của Thủ tướng Chính phủ)", a first line "BỘ NỘI VỤ", "/QĐ-TTg"."""
    for paragraph in head:
        found = _ATTACHED_BY.search(paragraph.strip())
        if found:
            return _central_name(found.group("who"))
    for paragraph in head[:3]:
        found = _CENTRAL_HEADING.match(paragraph.strip())
        if found:
            return _central_name(found.group("who"))
    for paragraph in head:
        for found in _SUFFIX.finditer(paragraph):
            if found.group("suffix") in _SUFFIX_ISSUERS:
                return _SUFFIX_ISSUERS[found.group("suffix")]
    return None


def _central_name(text: str) -> str:
    """"BỘ NỘI VỤ" → "Bộ Nội vụ"; "Uỷ ban thường vụ Quốc hội" → "Ủy ban Thường vụ Quốc hội"."""
    text = " ".join(text.split())
    if text.isupper():
        words = text.lower().split()
        text = " ".join([words[0].capitalize(), *(w.capitalize() if i == 0 else w for i, w in enumerate(words[1:]))])
    text = re.sub(r"^U[ỷỶ] ban", "Ủy ban", text)
    return re.sub(r"^Ủy ban thường vụ", "Ủy ban Thường vụ", text)


def _province_named(paragraphs: list[str]) -> str | None:
    """"UBND tỉnh Đồng Nai" for a plan that names no issuer but names "tỉnh Đồng Nai" more than any other place."""
    counts = Counter(f"UBND {m.group(1)} {m.group(2).strip()}" for p in paragraphs
                     for m in _PROVINCE_NAMED.finditer(p))
    return counts.most_common(1)[0][0] if counts else None


def _recipients(head: list[str]) -> list[str]:
    """The bodies after "Kính gửi:", on its line or as the "- …;" lines under it."""
    found: list[str] = []
    for i, paragraph in enumerate(head):
        opening = _RECIPIENTS.match(paragraph.strip())
        if not opening:
            continue
        lines = [opening.group(1), *head[i + 1:i + 30]]
        for j, line in enumerate(lines):
            line = line.strip()
            if j and not line.startswith(("-", "+", "•")):
                break
            found += [n for n in (part.strip(" -+•.;,") for part in re.split(r";", line)) if n]
        break
    return found


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
