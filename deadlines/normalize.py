"""A folded copy of the input for matching, with offsets back into the original text.

Matching runs on lower-case ASCII-ish text with every Vietnamese diacritic removed ("Quý" and "Quy",
"hằng" and "hang", "hoà" and "hòa" all fold to the same letters), so the grammar tolerates missing or
misplaced tone marks and upper case. The folded string has one character per grapheme of the input,
so a span found in it maps back to the exact original substring for ``source`` and labels.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def _fold_char(ch: str) -> str:
    """One input character (NFC) to exactly one folded character."""
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    low = base.lower()
    if len(low) != 1:
        return base
    if low in "\u00a0\u2007\u202f\t\r\f\v":  # stray non-breaking and other blanks behave as spaces
        return " "
    if low in "\u2010\u2011\u2012\u2013\u2014\u2212":  # dashes of every width behave as "-"
        return "-"
    return low


# Latin-1, Latin Extended-A/B and the Vietnamese block of Latin Extended Additional, plus punctuation
# and blanks: everything else folds to itself (lower-cased when that keeps one character).
_RANGES = [(0, 0x250), (0x1E00, 0x1F00), (0x2000, 0x2070)]
_TABLE = {cp: _fold_char(chr(cp)) for lo, hi in _RANGES for cp in range(lo, hi) if _fold_char(chr(cp)) != chr(cp)}


# Combining marks left over after NFC (a mark on a letter with no precomposed form) need the slow path.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


_ASCII_BLANKS = bytes.maketrans(b"\t\r\x0b\x0c", b"    ")  # as _TABLE has them (beyond ASCII text)
_BEYOND_LATIN = re.compile("[^\x00-\u024f\u1e00-\u1eff]")  # the Latin blocks Vietnamese is written in


@dataclass(slots=True)  # built once per cell, never changed
class Folded:
    """``folded[i]`` stands for ``original[offsets[i]:offsets[i + 1]]`` (identity when offsets is None)."""

    original: str
    folded: str
    offsets: tuple[int, ...] | None = None

    def orig_index(self, i: int) -> int:
        """Offset in the original text of folded position ``i`` (``len(folded)`` maps to the end)."""
        if self.offsets is None:
            return i
        return self.offsets[i] if i < len(self.offsets) else len(self.original)

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        return self.orig_index(start), self.orig_index(end)

    def text(self, start: int, end: int) -> str:
        """The original substring for a folded span, NFC-normalised for display."""
        if self.offsets is not None:
            start, end = self.orig_span(start, end)
        return unicodedata.normalize("NFC", self.original[start:end])

    def is_upper_at(self, i: int) -> bool:
        """Whether the original grapheme at folded position ``i`` is an upper-case letter."""
        j = self.orig_index(i)
        return j < len(self.original) and self.original[j].isupper()


# Old spellings folded to the current ones, same length: "Quí III", "hằng quí", "qui định".
_QUI = re.compile(r"\bqui\b")


# A Roman quarter typed (or read by OCR) with a lower-case L for I: "Quý l/2026", "Quý lII". Same length.
_QUARTER_L = re.compile(r"(?<=quy )(?=[il]{0,2}l)(?:[il]{1,3}|[il]v)(?![a-z0-9])")


def fold(text: str) -> Folded:
    """Fold ``text`` (see ``_fold``) and respell old forms so the grammar sees one spelling."""
    f = _fold(text)
    folded = f.folded
    if "qui" in folded:
        folded = _QUI.sub("quy", folded)
    if "quy l" in folded or "quy il" in folded or "quy iil" in folded:
        folded = _QUARTER_L.sub(lambda m: m.group().replace("l", "i"), folded)
    return f if folded is f.folded else Folded(f.original, folded, f.offsets)


def _fold(text: str) -> Folded:
    """Fold ``text``. NFC input (the usual case) folds in one C-level ``translate``; other input
    (NFD, stray combining marks) is folded grapheme by grapheme with an offset table."""
    if text.isascii():
        return Folded(text, text.lower())
    if not _BEYOND_LATIN.search(text):
        # Latin letters only (no combining mark either): decomposing and dropping every non-ASCII code point
        # folds them in C, far cheaper than a per-character translate. Each of these letters leaves exactly
        # one ASCII letter, the one _TABLE gives (checked over both blocks), so equal lengths mean nothing
        # else was dropped (a Latin-1 blank or symbol was: translate handles it). Such text is always NFC: no code
        # point of these blocks changes under NFC, composes with the one before it or has a combining class.
        text_d = text.replace("đ", "d").replace("Đ", "d") if "đ" in text or "Đ" in text else text
        ascii_ = unicodedata.normalize("NFD", text_d).encode("ascii", "ignore")
        if len(ascii_) == len(text):
            return Folded(text, ascii_.lower().translate(_ASCII_BLANKS).decode("ascii"))
    if unicodedata.is_normalized("NFC", text) and not _COMBINING.search(text):
        folded = text.translate(_TABLE).lower()
        if len(folded) == len(text):
            return Folded(text, folded)
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        composed = unicodedata.normalize("NFC", text[i:j])
        out.append(_fold_char(composed[0]) if composed else " ")
        offsets.append(i)
        i = j
    return Folded(text, "".join(out), tuple(offsets))
