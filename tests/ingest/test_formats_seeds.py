"""The seed plans written as Word (real tables, merged agency cells) and printed to PDF by LibreOffice
read back to the same tasks as their text: the readers change nothing a plan says."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import build_plan, read_document
from ingest.draft import PlanDraft
from ingest.text_layouts import read_text
from tests.support.render_docs import docx_to_pdf, word_shaped, write_docx

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"  # shared/ sits beside the work tree
EXPECTED = {"000": (42, 7), "001": (35, 7), "002": (54, 6), "003": (48, 7), "004": (40, 7)}


def _seed(prefix: str) -> Path:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="session")
def seed_files(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Each seed as .txt, .docx and .pdf; built once per test session (one LibreOffice run)."""
    folder = tmp_path_factory.mktemp("seed-formats")
    files: dict[str, dict[str, Path]] = {}
    for prefix in EXPECTED:
        text_path = _seed(prefix)
        document = word_shaped(read_text(text_path.read_text(encoding="utf-8"), text_path.name))
        files[prefix] = {"txt": text_path, "docx": write_docx(document, folder / f"seed{prefix}.docx")}
    pdfs = docx_to_pdf([f["docx"] for f in files.values()], folder)
    for f, pdf in zip(files.values(), pdfs, strict=True):
        f["pdf"] = pdf
    return files


def _tasks(plan: PlanDraft) -> list[tuple]:
    def squash(text: str | None) -> str:
        return " ".join((text or "").split())

    return [(t.appendix_number, t.number, squash(t.content), t.lead, t.support, squash(t.deadline_text))
            for t in plan.tasks]


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_it_reads_the_same_tasks_from_word_and_pdf_as_from_text(seed_files, prefix, fmt):
    from_text = build_plan(read_document(seed_files[prefix]["txt"]))
    document = read_document(seed_files[prefix][fmt])
    assert document.layout == ("docx" if fmt == "docx" else "pdf-tables")
    from_file = build_plan(document)
    count, appendices = EXPECTED[prefix]
    assert len(from_file.tasks) == count
    assert len({t.appendix_number for t in from_file.tasks}) == appendices
    assert _tasks(from_file) == _tasks(from_text)
    assert (from_file.plan_year, from_file.number) == (from_text.plan_year, from_text.number)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_it_reads_seed_001_from_word_and_pdf_except_its_unnumbered_row(seed_files, fmt):
    """Seed 001 (a flattened PDF) has one task row without TT. In a real table a row without TT is the
    rest of the row above, so from Word/PDF it joins its predecessor: 35 tasks, the others unchanged."""
    from_text = _tasks(build_plan(read_document(seed_files["001"]["txt"])))
    from_file = _tasks(build_plan(read_document(seed_files["001"][fmt])))
    unnumbered = [i for i, task in enumerate(from_text) if task[1] is None]
    assert len(unnumbered) == 1 and len(from_file) == len(from_text) - 1 == 35
    joined = unnumbered[0] - 1
    keys = [t[:2] for t in from_text[:unnumbered[0]] + from_text[unnumbered[0] + 1:]]
    assert [t[:2] for t in from_file] == keys
    # Its cells are a best-effort reconstruction (pdf_flat); leads must still agree on most rows.
    text_leads = [t[3] for t in from_text[:unnumbered[0]] + from_text[unnumbered[0] + 1:]]
    assert sum(a == b[3] for a, b in zip(text_leads, from_file, strict=True)) >= (30 if fmt == "docx" else 25)
    assert from_file[joined][2] == f"{from_text[joined][2]} {from_text[unnumbered[0]][2]}"


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["000", "004"])
def test_it_gives_the_same_deadlines_from_pdf_as_from_text(seed_files, prefix):
    from_text = build_plan(read_document(seed_files[prefix]["txt"]))
    from_pdf = build_plan(read_document(seed_files[prefix]["pdf"]))
    milestones = [[m.to_json() | {"span": None, "source": " ".join(m.source.split())} for m in t.milestones]
                  for t in from_pdf.tasks]
    expected = [[m.to_json() | {"span": None, "source": " ".join(m.source.split())} for m in t.milestones]
                for t in from_text.tasks]
    assert milestones == expected


@pytest.mark.slow
def test_it_reads_a_pdf_without_ruled_tables_through_the_text_layouts(tmp_path):
    """Seed 001 came from a PDF whose table had no rules; printed as plain text to PDF it has none either.
    Best effort: LibreOffice rewraps its lines, so a few rows of the flattened table are lost."""
    source = tmp_path / "seed001.txt"
    source.write_bytes(_seed("001").read_bytes())
    [pdf] = docx_to_pdf([source], tmp_path)
    document = read_document(pdf)
    assert document.layout == "pdf-text"
    plan = build_plan(document)
    assert {t.appendix_number for t in plan.tasks} == {"I", "II", "III", "IV", "V", "VI", "VII"}
    assert len(plan.tasks) >= 30
    from_text = {(t.appendix_number, t.number) for t in build_plan(read_document(_seed("001"))).tasks}
    assert {(t.appendix_number, t.number) for t in plan.tasks if t.number} <= from_text
