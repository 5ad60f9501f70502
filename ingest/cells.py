"""Clean one table cell of a text layout: the HTML fragments the converters left in it become lines.

Only formatting tags are read (lists, paragraphs, bold, line breaks); any other markup — a
``<script>``, an ``<img onerror=…>`` — is kept verbatim as text and never interpreted.
"""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAK_TAGS = re.compile(r"</?(?:ul|ol|p|div)\b[^>]*>|<li\b[^>]*>|<br\s*/?>", re.IGNORECASE)
_INLINE_TAGS = re.compile(r"</?(?:b|i|u|em|strong|span|li|sup|sub)\b[^>]*>", re.IGNORECASE)
_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&apos;": "'"}
_SPACES = re.compile(r"[ \t\u00a0\u200b\ufeff]+")
OPEN_HYPHEN = re.compile(r"\w-$")  # "QĐ-" at a line end: the word goes on; "2019 -" keeps its space


def clean_cell(raw: str) -> str:
    """The cell's text: one line per paragraph or list item, spaces collapsed, NFC.

    ``&lt;``/``&gt;`` stay escaped on purpose: decoding them would turn text into markup.
    """
    text = _LINE_BREAK_TAGS.sub("\n", raw)
    text = _INLINE_TAGS.sub("", text)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return clean_lines(text)


def clean_lines(text: str) -> str:
    """Collapse spaces inside lines and drop empty lines (NFC)."""
    text = unicodedata.normalize("NFC", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def joined(cell: str) -> str:
    """A cell's lines joined by single spaces: the form deadline texts are quoted in."""
    return " ".join(line.strip() for line in cell.split("\n") if line.strip())


def join_wrapped(lines: list[str]) -> str:
    """Join a paragraph's wrapped lines; a line ending inside a hyphenated word ("06/QĐ-" + "TTg") takes no space."""
    text = ""
    for line in lines:
        glued = OPEN_HYPHEN.search(text) is not None
        text = f"{text}{line}" if glued or not text else f"{text} {line}"
    return text
