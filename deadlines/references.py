"""Cited documents and glosses (never deadlines), and the words that announce dateless kinds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from deadlines.lexicon import (
    BARE_NUMBER,
    BY_REFERENCE,
    CITED,
    CITED_NUMBER,
    CONTINUOUS,
    DATA_PERIOD,
    DONE,
    GLOSS,
    GLOSS_BODY,
    ON_EVENT,
)
from deadlines.model import CitedDocument, Kind
from deadlines.normalize import Folded

_DIGIT = re.compile(r"\d")
_SLASH_WORD = re.compile(r"/\s*[a-z]")  # what every bare number holds ("76/KH-UBND", "12/2020/TT-BTC"), and no date
_DATE = re.compile(r"(\d{1,2})\s*(?:[/.-]|\s+thang\s+)\s*(\d{1,2})\s*(?:[/.-]|\s+nam\s+)\s*(\d{4})")


@dataclass(slots=True)
class Marker:
    """A word group that makes a part dateless: its kind and folded span."""

    kind: Kind
    span: tuple[int, int]


def masked(folded: str) -> tuple[str, list[tuple[int, int]]]:
    """``folded`` with cited documents, document numbers and bracketed glosses blanked out (same
    length), and the spans of the cited documents."""
    if not _DIGIT.search(folded):
        return folded, []  # documents are cited by number or date, glosses we mask hold none without digits
    cited = [m.span() for m in CITED.finditer(folded) if m.group("num") or m.group("date")] \
        if "ngay" in folded or CITED_NUMBER.search(folded) else []
    blank = cited + ([m.span() for m in BARE_NUMBER.finditer(folded)] if _SLASH_WORD.search(folded) else [])
    if "(" in folded:
        blank += [m.span() for m in GLOSS.finditer(folded) if GLOSS_BODY.fullmatch(m.group("g"))]
        if "so lieu" in folded or "ky bao cao" in folded:
            blank += [m.span() for m in DATA_PERIOD.finditer(folded)]
    if not blank:
        return folded, cited
    chars = list(folded)
    for a, b in blank:
        chars[a:b] = "#" * (b - a)
    return "".join(chars), cited


def cited_document(f: Folded, lo: int, hi: int) -> CitedDocument | None:
    """The first cited document inside the folded span [lo, hi), parsed into number/type/date/issuer."""
    if not _DIGIT.search(f.folded, lo, hi):
        return None  # a document is cited by its number or date
    m = CITED.search(f.folded, lo, hi)
    while m and not (m.group("num") or m.group("date")):
        m = CITED.search(f.folded, m.end(), hi)
    if m is None:
        return None
    issued = None
    if m.group("date"):
        d = _DATE.search(m.group("date"))
        if d:
            try:
                issued = date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
            except ValueError:
                issued = None
    number = re.sub(r"\s+", "", f.text(*m.span("num"))) if m.group("num") else None
    issuer = f.text(*m.span("issuer")).strip() if m.group("issuer") else None
    return CitedDocument(number=number, doc_type=f.text(*m.span("type")), issued_on=issued, issuer=issuer)


# (kind, pattern, words one of which every match contains): the cheap test skips most regex searches.
_MARKERS = ((Kind.DONE, DONE, ("da",)), (Kind.CONTINUOUS, CONTINUOUS, ("thuong", "lien tuc", "ngay", "quanh")),
            (Kind.ON_EVENT, ON_EVENT, ("khi", "ke tu", "ngay", "trong", "khong qua", "sau")),
            (Kind.BY_REFERENCE, BY_REFERENCE, ("theo",)))


def first_marker(folded: str) -> Marker | None:
    """The earliest word group announcing done/continuous/on_event/by_reference in ``folded``."""
    best: Marker | None = None
    for kind, pattern, cues in _MARKERS:
        for c in cues:  # a plain loop: a generator in any() costs more than the tests
            if c in folded:
                break
        else:
            continue
        m = pattern.search(folded)
        if m and (best is None or m.start() < best.span[0]):
            best = Marker(kind, m.span())
    return best
