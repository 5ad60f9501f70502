"""Section headings of task tables and the path of sections a task falls under ("B > IV > 5.1").

A heading is labelled in capitals (A, B), in Roman numerals (I, II) or in Arabic numbers with dots
("1.", "5.1", "III.1"), or not labelled at all ("Nhiệm vụ giao Bộ trưởng Bộ Y tế chỉ đạo"). Letters rank
above Roman numerals, Roman numerals above numbers, and each dot ranks one lower, so a heading closes
every open heading of its rank or below. An unlabelled heading replaces the unlabelled one before it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

_ROMAN = r"(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
# "A", "B.", "IV", "III.1", "5.1.2", "1." (a lone label); the Roman part must be non-empty.
LABEL = re.compile(rf"^(?P<part>(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+)?"
                   rf"(?:(?P<letter>[A-ZĐ])|(?P<roman>(?=[IVXLC]){_ROMAN})|(?P<digits>\d{{1,3}})|(?P<lower>[a-zđ]))"
                   rf"(?P<sub>(?:\.\d{{1,3}})*)(?P<end>[.)]?)$")
_PART_RANK = -1  # "Phần I", "Chương 2", "Mục 1": above the lettered sections they hold
_LOWER_RANK = 8  # "a)", "b.": under the numbered items ("5.1.1" ranks 4)
# A label and its title in one text: "I. Văn bản thuộc thẩm quyền …", "1. Các nhiệm vụ về …", "A - KINH TẾ"
_LABEL_TITLE = re.compile(rf"^(?P<label>(?:[A-ZĐ]|(?=[IVXLC]){_ROMAN}|\d{{1,3}})(?:\.\d{{1,3}})*)"
                          r"(?:\s*[.)]\s*|\s+[-–:]\s+|\s*:\s*)(?P<title>\S.*)$", re.DOTALL)
_UNLABELLED_RANK = 99


@dataclass(frozen=True)
class Heading:
    label: str  # as written ("A.", "IV", "5.1"), or the title itself for an unlabelled heading
    title: str | None
    rank: int
    labelled: bool = True

    @property
    def short(self) -> str:
        """The label as a key part: "A." → "A"; an unlabelled heading by a digest of its words."""
        if not self.labelled:
            return "s" + hashlib.sha256(" ".join(self.label.lower().split()).encode()).hexdigest()[:6]
        return self.label.rstrip(".)")


def rank(label: str, open_headings: list[Heading] | None = None) -> int | None:
    """The rank of a section label (lower ranks enclose higher ones), or None when it is not a label.

    "I", "V" and "X" are letters when they follow the open letter heading ("H." then "I."), else Roman.
    """
    m = LABEL.match(label.strip())
    if m is None:
        return None
    depth = m.group("sub").count(".")
    if m.group("part"):
        return _PART_RANK
    if m.group("lower"):
        return _LOWER_RANK + depth
    letter = m.group("letter")
    if letter and letter in "IVX" and not _follows_letter(letter, open_headings or []):
        return 1 + depth
    base = 0 if letter else 1 if m.group("roman") else 2
    return base + depth


_ALPHABETS = ("ABCDĐEGHIKLMNOPQRSTUVXY", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _follows_letter(letter: str, open_headings: list[Heading]) -> bool:
    previous = next((h.label.rstrip(".)") for h in reversed(open_headings) if h.rank == 0), None)
    if previous is None:
        return False
    return any(previous in a and letter in a and 0 < a.index(letter) - a.index(previous) <= 2 for a in _ALPHABETS)


def follows(before: str, label: str) -> bool:
    """Whether ``label`` is the next label after ``before`` at the same level: "b)" then "c", "1" then "2",
    "5.1" then "5.2" (a heading's sibling)."""
    a, b = LABEL.match(before.strip()), LABEL.match(label.strip())
    if a is None or b is None or bool(a.group("part")) != bool(b.group("part")):
        return False
    if a.group("sub") or b.group("sub"):
        head_a, _, last_a = (a.group(0).rstrip(".)")).rpartition(".")
        head_b, _, last_b = (b.group(0).rstrip(".)")).rpartition(".")
        return head_a == head_b and last_a.isdigit() and last_b.isdigit() and int(last_b) == int(last_a) + 1
    for kind in ("digits", "lower", "letter"):
        x, y = a.group(kind), b.group(kind)
        if x and y:
            if kind == "digits":
                return int(y) == int(x) + 1
            return any(x.upper() in s and y.upper() in s and s.index(y.upper()) - s.index(x.upper()) == 1
                       for s in _ALPHABETS)
    return False


def same_kind(one: str, other: str) -> bool:
    """Whether two labels number the same level the same way ("1" and "3", "a)" and "c", not "1.1" and "2")."""
    a, b = LABEL.match(one.strip()), LABEL.match(other.strip())
    if a is None or b is None:
        return False
    kinds = ("part", "letter", "roman", "digits", "lower")
    return ([bool(a.group(k)) for k in kinds] == [bool(b.group(k)) for k in kinds]
            and a.group("sub").count(".") == b.group("sub").count("."))


def is_letter_or_roman(label: str) -> bool:
    m = LABEL.match(label.strip())
    return bool(m and (m.group("letter") or m.group("roman") or m.group("lower") or m.group("part"))
                and not m.group("sub"))


def split_label(text: str) -> tuple[str, str] | None:
    """("I", "Văn bản …") from "I. Văn bản …" or "I\\nVăn bản …" (a merged cell holding both), else None."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    if rest.strip() and rank(first) is not None:
        return first.strip(), " ".join(rest.split())
    m = _LABEL_TITLE.match(text)
    if m and rank(m.group("label")) is not None:
        return m.group("label"), " ".join(m.group("title").split())
    return None


def heading(label: str | None, title: str | None, open_headings: list[Heading] | None = None) -> Heading:
    """The heading of a label (as written) and a title; without a label the title labels it."""
    if label and (found := rank(label, open_headings)) is not None:
        return Heading(label.strip(), title or None, found)
    text = " ".join((title or label or "").split())
    return Heading(text, text, _UNLABELLED_RANK, labelled=False)


@dataclass
class SectionPath:
    """The appendix ("Phụ lục số 02") and the headings open at the current row."""

    appendix: str | None = None
    appendix_title: str | None = None
    headings: list[Heading] = field(default_factory=list)

    def open(self, new: Heading) -> None:
        self.headings = [h for h in self.headings if h.rank < new.rank]
        self.headings.append(new)

    def reset(self, appendix: str | None, title: str | None) -> None:
        self.appendix, self.appendix_title, self.headings = appendix, title, []

    @property
    def number(self) -> str | None:
        """What tasks call their appendix: the innermost heading's label, else the appendix number."""
        return self.headings[-1].short if self.headings else self.appendix

    @property
    def title(self) -> str | None:
        return self.headings[-1].title if self.headings else self.appendix_title

    @property
    def text(self) -> str | None:
        """The headings as written, joined: "B > IV > 5.1"; None outside any heading."""
        return " > ".join(h.label for h in self.headings) or None

    @property
    def key(self) -> str:
        """The key prefix of the tasks under this path: "1" (an appendix), "I", "A/II/5.1", "2/I"."""
        parts = ([self.appendix] if self.appendix else []) + [h.short for h in self.headings]
        if len(parts) > 1 and self.appendix and len(self.headings) == 1 and not self.headings[0].labelled:
            parts = parts[1:]
        return "/".join(parts) if parts else "None"
