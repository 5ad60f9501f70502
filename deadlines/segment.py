"""Split a cell into parts (one milestone each) and find each part's label.

Parts are separated by line breaks, bullets ("- ", "+ ", "•") and semicolons. A semicolon split is only
tentative: the parser joins a part back when either side has nothing usable (it listed authorities, or
joined two labels). A dash inside a line is a bullet only before an upper-case word or after "." / ";",
so ranges ("26 - 27/6") and names ("2019 - 2023") stay whole.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from deadlines.normalize import Folded

# Starting with a character class lets the regex engine skip to candidates in C; the dash/plus/star tests
# then look back (not after a letter or digit) and ahead (a word follows).
_BREAK = re.compile(r"[\n;•+*-](?:(?<=[\n;•])|(?<![^\s.;:,].)(?=\s*[^\s\d]))")
TRIM = " \t\r\n-+*•.;,:"
COLON = re.compile(r":(?!\d)")
CUNG_JOIN = re.compile(r"\s+cung(?:\s+voi)?\s+(?:bao cao|ky bao cao|ky)\b")
_BLANKS = re.compile(r"[^\S ]\s*| \s+")  # every run of blanks but a lone space (a no-op to replace)
_LINE_END = re.compile(r"[\n;]")
_BULLET_AFTER = re.compile(r"\s*[-+•*]\s")
_SEPS = {"\n": "line", ";": "semicolon"}  # what a break character separates; every other one is a bullet


class Part(NamedTuple):
    """A folded span of the cell, with what separated it from the previous part (a tuple: built often)."""

    start: int
    end: int
    sep: str  # "start", "line", "bullet" or "semicolon"


def split(f: Folded) -> list[Part]:
    """Non-empty parts of the cell in order.

    A dash inside a line before a capital ("… năm 2024 - Báo cáo …") starts a new part only in a list
    (the cell already used bullets) or after a labelled part, so "Phòng Tài chính - Kế hoạch:" stays whole.
    """
    text = f.folded
    parts: list[Part] = []
    start, sep, in_list = 0, "start", False
    ahead: _Ahead | None = None  # built at the first inline dash: most cells have none
    for m in _BREAK.finditer(text):
        ch = m.group()
        if ch in "-+*":
            kind = _bullet_kind(f, m.start())
            if kind is None:
                continue
            if kind == "inline" and not in_list:
                ahead = ahead or _Ahead(text)
                if not (ahead.any_colon(start) < m.start() or _date_then_label(text, start, m.start(), ahead)):
                    continue
            in_list = True
        _add(parts, text, start, m.start(), sep)
        start = m.end()
        sep = _SEPS.get(ch, "bullet")
        in_list = in_list or ch == "•"
        if sep == "semicolon" and _BULLET_AFTER.match(text, start, start + 4):
            sep = "bullet"  # "; -" is a bullet list
    _add(parts, text, start, len(text), sep)
    return parts


class _Ahead:
    """The next line end and the next colon at or after a position that only moves forward: each is searched
    for again only once passed, so a long line with many dashes stays linear."""

    def __init__(self, text: str):
        self.text = text
        self._end = self._colon = self._any = -1

    def line_end(self, i: int) -> int:
        if self._end < i:
            m = _LINE_END.search(self.text, i)
            self._end = m.start() if m else len(self.text)
        return self._end

    def any_colon(self, i: int) -> int:
        if self._any < i:
            found = self.text.find(":", i)
            self._any = found if found >= 0 else len(self.text) + 1
        return self._any

    def colon(self, i: int) -> int:
        if self._colon < i:
            m = COLON.search(self.text, i)
            self._colon = m.start() if m else len(self.text) + 1
        return self._colon


def _date_then_label(text: str, start: int, i: int, ahead: _Ahead) -> bool:
    """"Trước 31/3/2025 - Báo cáo kết quả: …": a time expression ends before the dash and a labelled part
    follows it (a range such as "Tháng 6/2025 - Tháng 9/2025" has no colon after it)."""
    last = i - 1
    while last >= start and text[last].isspace():
        last -= 1
    if last < start or not (text[last].isdigit() or text[last] == ")"):
        return False
    return ahead.colon(i) < ahead.line_end(i)


def _bullet_kind(f: Folded, i: int) -> str | None:
    """"start" for a dash or plus at a line start or after "." ";" ":", "inline" before a capital
    elsewhere, else None."""
    text, k, j = f.folded, i - 1, i + 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    if k < 0 or text[k] in "\n.;:":
        return "start"
    while j < len(text) and text[j] in " \t":
        j += 1
    return "inline" if j > i + 1 and j < len(text) and f.is_upper_at(j) else None


def _add(parts: list[Part], text: str, start: int, end: int, sep: str) -> None:
    piece = text[start:end]
    kept = piece.strip(TRIM)
    if kept:
        start += len(piece) - len(piece.lstrip(TRIM))
        parts.append(Part(start, start + len(kept), sep))


def colon_label(f: Folded, part: Part) -> tuple[str | None, int]:
    """(label before the first colon, start of the text after it); (None, part.start) without a colon."""
    m = COLON.search(f.folded, part.start, part.end)
    if m is None or not f.folded[m.end():part.end].strip(TRIM):
        return None, part.start
    return clean_label(f, part.start, m.start()), m.end()


def clean_label(f: Folded, start: int, end: int) -> str | None:
    """The original text of a label span, trimmed of bullets, blanks and trailing punctuation."""
    text = f.text(start, end).strip(TRIM)
    if "  " not in text and text.isprintable():  # every blank but the space is unprintable: nothing to replace
        return text or None
    return _BLANKS.sub(" ", text) or None
