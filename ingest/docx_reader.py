"""Read a Word (.docx) plan into a ``Document``: body paragraphs and tables, in order.

Cells keep one line per paragraph; list paragraphs are written the way Word shows them ("- " for
bullets, "1." / "a)" for numbered items). A horizontally merged cell gives its text to its first grid
column and the columns it covers are ""; vertically merged cells follow ``ingest.grid``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml import etree

from ingest.document import Block, Document, Paragraph, Table
from ingest.errors import NOT_A_DOCUMENT, ImportRefused
from ingest.grid import Merged, merge_header_rows, merged_from, pad, to_table


def read_docx(path: Path) -> Document:
    """Return the paragraphs and tables of ``path``. Raises ``ImportRefused`` if Word cannot be read."""
    try:
        word = open_docx(str(path))
    except Exception as e:  # python-docx raises zip, XML and KeyError failures alike for a damaged file
        raise ImportRefused(NOT_A_DOCUMENT) from e
    numbering = _Numbering(word)
    blocks: list[Block] = []
    for element in _body_elements(word.element.body):
        if element.tag == qn("w:p"):
            text = numbering.paragraph_text(element)
            if text:
                blocks.append(Paragraph(text))
        else:
            blocks.append(_table(element, numbering))
    return Document(blocks=blocks, source_name=path.name, layout="docx")


def _body_elements(parent: etree._Element):
    """Paragraphs and tables in document order, looking inside content controls (w:sdt)."""
    for child in parent:
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)


def _table(tbl: etree._Element, numbering: _Numbering) -> Table:
    grid: list[list[str | Merged]] = []
    single: set[int] = set()  # rows of one cell, spanning or not
    for tr in tbl.iter(qn("w:tr")):
        if _enclosing_table(tr) is not tbl:
            continue  # a row of a nested table: its text belongs to the enclosing cell
        # gridBefore: the row starts some grid columns to the right (Word draws nothing there).
        row: list[str | Merged] = [""] * _int_attr(tr, "w:trPr/w:gridBefore", 0)
        cells = list(_row_cells(tr))
        if len(cells) == 1 and not row:
            single.add(len(grid))
        for tc in cells:
            span = _int_attr(tc, "w:tcPr/w:gridSpan", 1)
            v_merge = tc.find(qn("w:tcPr") + "/" + qn("w:vMerge"))
            if v_merge is not None and v_merge.get(qn("w:val"), "continue") == "continue":
                column = len(row)
                row.append(merged_from(grid[-1][column] if grid and column < len(grid[-1]) else ""))
            else:
                row.append(_cell_text(tc, numbering))
            row.extend([""] * (span - 1))
        grid.append(row)
    grid = pad(grid)
    width = len(grid[0]) if grid else 0
    spanning = {i for i in single if width > 1 and isinstance(grid[i][0], str)}
    folded = merge_header_rows(grid)
    if len(folded) < len(grid):  # the header's second line was folded into the first: later rows moved up
        spanning = {i - 1 if i > 1 else i for i in spanning if i != 1}
    return to_table(folded, spanning)


def _row_cells(tr: etree._Element):
    for child in tr:
        if child.tag == qn("w:tc"):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _row_cells(content)


def _enclosing_table(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != qn("w:tbl"):
        parent = parent.getparent()
    return parent


def _cell_text(tc: etree._Element, numbering: _Numbering) -> str:
    lines = [numbering.paragraph_text(p) for p in tc.iter(qn("w:p"))]
    return "\n".join(line for line in lines if line)


def _int_attr(element: etree._Element, path: str, default: int) -> int:
    found = element.find("/".join(qn(part) for part in path.split("/")))
    try:
        return int(found.get(qn("w:val"))) if found is not None else default
    except (TypeError, ValueError):
        return default


@dataclass
class _Numbering:
    """Renders list numbering as Word shows it, counting items per list and level."""

    word: object
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            self.part = self.word.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            self.part = None

    def paragraph_text(self, p: etree._Element) -> str:
        """The paragraph as Word shows it. An auto-numbered paragraph with no text of its own (the TT
        column of many plans) is its number alone: "3." must not read as an empty cell."""
        text = _plain_text(p)
        num_id, level = self._num_pr(p)
        if num_id is None or num_id == "0" or self.part is None:
            return text
        fmt, pattern, start = self._level_format(num_id, level)
        if fmt is None or fmt == "none":
            return text
        if fmt == "bullet":
            return text if not text or text.startswith(("-", "+", "•")) else f"- {text}"
        return f"{self._label(num_id, level, fmt, pattern, start)} {text}".strip()

    def _num_pr(self, p: etree._Element) -> tuple[str | None, int]:
        num_pr = p.find(qn("w:pPr") + "/" + qn("w:numPr"))
        if num_pr is None:
            num_pr = self._style_num_pr(p)
        if num_pr is None:
            return None, 0
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        level = int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
        return (num_id.get(qn("w:val")) if num_id is not None else None), level

    def _style_num_pr(self, p: etree._Element) -> etree._Element | None:
        """List styles ("List Bullet", "List Number") carry their numbering in the style, not the paragraph."""
        style = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        if style is None:
            return None
        try:
            styles = self.word.styles.element  # type: ignore[attr-defined]
        except AttributeError:
            return None
        for _ in range(5):  # follow basedOn a few steps; Word's own chains are short
            found = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style.get(qn('w:val'))}']")
            if found is None:
                return None
            num_pr = found.find(qn("w:pPr") + "/" + qn("w:numPr"))
            if num_pr is not None:
                return num_pr
            style = found.find(qn("w:basedOn"))
            if style is None:
                return None
        return None

    def _level_format(self, num_id: str, level: int) -> tuple[str | None, str, int]:
        num = self.part.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
        if num is None:
            return None, "", 1
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = self.part.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
        if abstract is None:
            return None, "", 1
        lvl = abstract.find(f"{qn('w:lvl')}[@{qn('w:ilvl')}='{level}']")
        if lvl is None:
            return None, "", 1
        fmt = lvl.find(qn("w:numFmt"))
        text = lvl.find(qn("w:lvlText"))
        override = num.find(f"{qn('w:lvlOverride')}[@{qn('w:ilvl')}='{level}']")  # a list restarted at N
        start = _int_attr(override, "w:startOverride", 0) if override is not None else 0
        return (fmt.get(qn("w:val")) if fmt is not None else "decimal",
                text.get(qn("w:val"), "") if text is not None else f"%{level + 1}.",
                start or _int_attr(lvl, "w:start", 1))

    def _label(self, num_id: str, level: int, fmt: str, pattern: str, start: int) -> str:
        key = (num_id, level)
        self.counters[key] = self.counters.get(key, start - 1) + 1
        for deeper in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[deeper]  # a new item restarts its sub-items
        label = pattern
        for depth in range(level, -1, -1):
            value = self.counters.get((num_id, depth), start)
            label = label.replace(f"%{depth + 1}", _format_number(value, fmt if depth == level else "decimal"))
        return label


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(value)


def _roman(value: int) -> str:
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for number, numeral in numerals:
        while value >= number:
            out, value = out + numeral, value - number
    return out


def _plain_text(p: etree._Element) -> str:
    """The visible text of a paragraph: its runs' text, tabs and breaks, inside hyperlinks and fields too.

    Tracked deletions (w:delText) are not visible, and w:tab elements outside runs are tab stops, not text.
    """
    parts: list[str] = []
    for run in p.iter(qn("w:r")):
        for node in run:
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            elif node.tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
                parts.append(" ")
    return unicodedata.normalize("NFC", " ".join("".join(parts).split()))
