"""The cheap checks that let the parser skip work hold for every input, not only for the texts tested elsewhere.

Each shortcut rests on a fact about Unicode or about a pattern; these tests state the fact, so that a new
pattern form or a new Unicode version that breaks it fails here instead of changing a result somewhere else.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from deadlines import clauses, dates, fastpath, offsets, recurrence
from deadlines.lexicon import BARE_NUMBER
from deadlines.normalize import _BEYOND_LATIN, fold
from deadlines.references import _SLASH_WORD
from deadlines.segment import Part

_LATIN = [chr(c) for c in range(sys.maxunicode + 1) if not _BEYOND_LATIN.match(chr(c))]


def test_text_of_the_latin_blocks_is_always_nfc():
    """normalize._fold skips the NFC check for such text: no code point changes under NFC, has a combining
    class or is the second half of a canonical composition."""
    seconds = set()
    for c in range(sys.maxunicode + 1):
        d = unicodedata.decomposition(chr(c))
        if d and not d.startswith("<") and len(d.split()) == 2:
            seconds.add(chr(int(d.split()[1], 16)))
    assert len(_LATIN) == 0x250 + 0x100  # Latin-1, Extended-A/B and Latin Extended Additional
    assert all(unicodedata.is_normalized("NFC", ch) and not unicodedata.combining(ch) and ch not in seconds
               for ch in _LATIN)


def test_every_blank_but_the_space_is_unprintable():
    """segment.clean_label skips its blank-folding regex on printable text without a double space."""
    blanks = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c)) and chr(c) != " "]
    assert "\u00a0" in blanks and "\t" in blanks
    assert not any(ch.isprintable() for ch in blanks)


def test_the_fast_forms_never_hold_a_clause_break():
    """parser._parse_part does not look for clauses in a part the fast pattern matches: no form may hold a
    comma, a full stop or "và"."""
    literal = re.sub(r"\{\d+,\d+\}", "", fastpath.FAST.pattern)  # without its counted repeats ("\d{1,2}")
    assert not re.search(r"[.,]|va\b", literal)
    for text in ("thuong xuyen", "dinh ky hang quy", "cham nhat trong quy iv/2025", "truoc ngay 30/12/2025"):
        assert fastpath.FAST.fullmatch(text)
        assert clauses.split(fold(text), text, Part(0, len(text), "start")) is None


def test_every_counted_offset_form_holds_a_number_and_its_unit():
    """offsets.find looks for "N <unit>" once and skips the forms that need it when it is missing."""
    for pattern in (offsets._DURATION_FIRST, offsets._EVENT_FIRST, offsets._EVENT_THEN_DURATION):
        assert offsets._COUNT.pattern in pattern.pattern


def test_a_bare_document_number_always_has_a_letter_after_a_slash():
    """references.masked looks for bare numbers only where a slash is followed by a letter."""
    for text in ("76/KH-UBND", "12/2020/TT-BTC", "số 5 / qđ", "101/ KH", "3/2025/nđ-cp"):
        folded = fold(text).folded
        assert BARE_NUMBER.search(folded) and _SLASH_WORD.search(folded)
    for text in ("30/12/2025", "Quý I/2026", "26 - 27/6"):
        folded = fold(text).folded
        assert not BARE_NUMBER.search(folded) and not _SLASH_WORD.search(folded)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch in "([" and pattern[i - 1:i] != "\\":
            depth += 1
        elif ch in ")]" and pattern[i - 1:i] != "\\":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    return [*out, pattern[start:]]


def test_every_atom_without_a_digit_names_a_quarter_or_a_year():
    """dates._may_hold_atom runs the words-only pattern only on text holding "quy" or "nam"."""
    forms = _alternatives(dates._WORDS_ONLY_ATOM.pattern)
    assert len(forms) >= 5
    assert all("quy" in form or "nam" in form for form in forms)


def test_every_once_per_period_form_counts_one():
    """recurrence._specific looks for "mỗi tháng 01 lần", "01 lần/quý" only in text holding a 1 or "mot"."""
    body = recurrence.ONCE_PER.pattern.removeprefix(r"\b(?:").removesuffix(")")
    forms = _alternatives(body)
    assert len(forms) == 2
    assert all(re.search(r"\(\?:0\?1\|mot\)", form) for form in forms)


def test_the_next_day_is_always_said_with_tiep_or_lien():
    """offsets.find looks for "ngày (làm việc) tiếp theo / kế tiếp / liền kề" only in text holding those words."""
    assert r"(?:tiep\s+theo|ke\s+tiep|lien\s+ke)" in offsets._NEXT_DAY.pattern
