"""Test fixture builders: write a ``Document`` as a real Word file, and convert Word to PDF with LibreOffice.

The DOCX is built the way people type plans in Word: real tables with a repeated header row, one
paragraph per line of a cell, and the agency columns vertically merged where consecutive tasks name
the same agency.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ingest.document import Document, Paragraph, Table

AGENCY_HEADERS = ("chủ trì", "cơ quan thực hiện", "phối hợp")


def word_shaped(document: Document) -> Document:
    """``document`` as its author's Word table held it, before a converter damaged it.

    The text layouts carry converter artifacts a Word table cannot have: a row with more cells than
    its header (a cell split in two). The plan builder repairs those rows when it reads the text, so
    the fixture applies the builder's own repair (``ingest.tasks._unshift``) and a real table gets the
    repaired row; rows of the flattened-PDF layout keep only the header's columns, as the builder does.
    """
    from config.agencies import AgencyDirectory
    from ingest.builder import metadata_of
    from ingest.columns import read_header
    from ingest.tasks import _unshift

    directory = AgencyDirectory.load()
    meta = metadata_of(document)
    context = directory.scope(meta.issuer, meta.recipients).context
    blocks: list[Paragraph | Table] = []
    width: int | None = None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            blocks.append(block)
            continue
        rows = []
        for row in block.rows:
            columns = read_header(row)
            if columns:
                width = columns.width
            elif width is not None and len(row) > width:
                row = row[:width] if block.flattened else _unshift(row, width, directory, context)
            rows.append(row)
        blocks.append(Table(rows))
    return Document(blocks=blocks, source_name=document.source_name, layout=document.layout)


def write_docx(document: Document, path: Path, *, merge_agencies: bool = True) -> Path:
    """Write ``document`` to ``path`` as .docx (A4 landscape, Times New Roman 11) and return the path."""
    word = new_docx()
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))
    style = word.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(11)
    previous = None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        elif isinstance(block, Table) and block.rows:
            if isinstance(previous, Table):
                word.add_paragraph("")  # adjacent w:tbl elements would render as one table
            _add_table(word, block, merge_agencies)
        previous = block
    word.save(str(path))
    return path


def _add_table(word, block: Table, merge_agencies: bool) -> None:
    width = max(len(r) for r in block.rows)
    rows = [r + [""] * (width - len(r)) for r in block.rows]
    # A text layout repeats the header row at each of its page breaks; Word repeats it by itself (tblHeader).
    rows = rows[:1] + [r for r in rows[1:] if _plain(r) != _plain(rows[0])]
    table = word.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    _repeat_as_header(table.rows[0])
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            _fill(table.cell(r, c), text)
    if merge_agencies:
        for c in _agency_columns(rows[0]):
            _merge_runs(table, rows, c)


def _plain(row: list[str]) -> list[str]:
    return [" ".join(cell.split()) for cell in row]


def _fill(cell, text: str) -> None:
    lines = [line for line in text.split("\n") if line.strip()] or [""]
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _agency_columns(header: list[str]) -> list[int]:
    return [c for c, text in enumerate(header) if any(h in text.lower() for h in AGENCY_HEADERS)]


def _merge_runs(table, rows: list[list[str]], column: int) -> None:
    """Vertically merge runs of consecutive task rows that name the same agency in ``column``."""
    start = 1
    while start < len(rows):
        end = start
        while (end + 1 < len(rows) and rows[start][column].strip() and rows[end + 1][0].strip()
               and rows[start][0].strip() and rows[end + 1][column] == rows[start][column]):
            end += 1
        if end > start:
            _fill_merged(table.cell(start, column).merge(table.cell(end, column)), rows[start][column])
        start = end + 1


def _fill_merged(cell, text: str) -> None:
    """merge() concatenates the merged cells' paragraphs: keep one copy of the text."""
    for paragraph in list(cell.paragraphs)[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    _fill(cell, text)


UP = None  # a cell of ``write_grid_docx``: covered by the cell above it (merged vertically)
LEFT = object()  # a cell of ``write_grid_docx``: covered by the cell to its left (merged horizontally)


def write_grid_docx(blocks: list[str | list[list]], path: Path) -> Path:
    """Write paragraphs (str) and tables (lists of rows) as Word does, merges included.

    In a row, ``UP`` is a cell merged with the cell above it and ``LEFT`` one merged with the cell to its left;
    a row of a single string is one cell merged across the whole table (a section heading as offices type
    them). The first row of each table is its header, repeated on every page.
    """
    word = new_docx()
    previous = None
    for block in blocks:
        if isinstance(block, str):
            word.add_paragraph(block)
        else:
            if isinstance(previous, list):
                word.add_paragraph("")
            _add_grid(word, block)
        previous = block
    word.save(str(path))
    return path


def _add_grid(word, rows: list[list]) -> None:
    width = max(len(r) for r in rows)
    table = word.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    _repeat_as_header(table.rows[0])
    for r, row in enumerate(rows):
        if len(row) == 1 and width > 1:
            _fill_merged(table.cell(r, 0).merge(table.cell(r, width - 1)), row[0])
            continue
        for c, text in enumerate(row):
            if text is LEFT:
                start = c - 1
                while row[start] is LEFT:
                    start -= 1
                _fill_merged(table.cell(r, start).merge(table.cell(r, c)), row[start])
            elif text is not UP:
                _fill(table.cell(r, c), text)
    for c in range(width):
        r = 1
        while r < len(rows):
            if len(rows[r]) > c and rows[r][c] is UP:
                top, end = r - 1, r
                while end + 1 < len(rows) and len(rows[end + 1]) > c and rows[end + 1][c] is UP:
                    end += 1
                _fill_merged(table.cell(top, c).merge(table.cell(end, c)), rows[top][c])
                r = end + 1
            else:
                r += 1


def grid_text(blocks: list[str | list[list]]) -> str:
    """The same blocks as tab-separated text, the way the text of such a plan is kept: a merged cell is an
    empty cell in the rows it covers, a row merged across the table is its one cell."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines += ["", block, ""]
        else:
            lines += ["\t".join("" if cell is UP or cell is LEFT else cell for cell in row) for row in block]
    return "\n".join(lines) + "\n"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(sources: list[Path], outdir: Path) -> list[Path]:
    """Convert Word (or UTF-8 .txt) files to PDF with LibreOffice in one run; return the PDF paths in order."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: run tests/support/install_test_deps.sh")
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"  # a private profile: parallel runs must not share LibreOffice's lock
    env = {**os.environ, "HOME": str(outdir)}
    # Plain-text sources are UTF-8 whatever the machine's locale says; the filter would garble Word files.
    texts = [s.suffix == ".txt" for s in sources]
    if any(texts) and not all(texts):
        raise ValueError("convert .txt and Word files in separate calls")
    text_filter = ["--infilter=Text (encoded):UTF8,LF,,,"] if any(texts) else []
    subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", *text_filter, "--convert-to",
                    "pdf", "--outdir", str(outdir), *map(str, sources)], check=True, capture_output=True, env=env,
                   timeout=600)
    pdfs = [outdir / f"{source.stem}.pdf" for source in sources]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return pdfs
