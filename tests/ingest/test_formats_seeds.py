"""The seed plans written as Word (real tables, merged agency cells) and printed to PDF by LibreOffice
read back to the same tasks as their text: the readers change nothing a plan says."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import build_plan, read_document
from ingest.draft import PlanDraft
from ingest.text_layouts import read_text
from tests.support.data import SEEDS
from tests.support.render_docs import docx_to_pdf, word_shaped, write_docx

EXPECTED = {"000": (42, 7), "001": (36, 7), "002": (54, 6), "003": (48, 7), "004": (40, 7)}


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
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
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
@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_it_keeps_seed_001s_row_without_tt_as_a_task_of_its_own(seed_files, fmt):
    """Seed 001 has one task row without TT ("Xây dựng Kế hoạch đầu tư công …" in section V). It has its own
    content, agencies and deadline, and the row above ends its sentence: a task, flagged for review, in every
    format (in a Word table too, where an empty TT would otherwise continue the row above)."""
    tasks = build_plan(read_document(seed_files["001"][fmt])).tasks
    [unnumbered] = [t for t in tasks if t.number is None]
    assert unnumbered.appendix_number == "V"
    assert unnumbered.content.startswith("Xây dựng Kế hoạch đầu tư công thành phố Thanh Hóa năm 2025")
    assert (unnumbered.lead, unnumbered.support) == (["Công chức Tài chính-Kế toán"], ["Công chức chuyên môn"])
    assert unnumbered.deadline_text == "Tháng 12/2025"
    assert unnumbered.warnings
    above = tasks[tasks.index(unnumbered) - 1]
    assert above.number == "2" and above.content.endswith("theo quy định của Chính phủ.")


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
    LibreOffice lays its lines out again (page breaks fall elsewhere, some TT numbers open a page), and the
    rows still come back as from the text: the same 36 tasks, agencies and deadlines."""
    source = tmp_path / "seed001.txt"
    source.write_bytes(_seed("001").read_bytes())
    [pdf] = docx_to_pdf([source], tmp_path)
    document = read_document(pdf)
    assert document.layout == "pdf-text"
    plan = build_plan(document)
    from_text = build_plan(read_document(_seed("001")))
    assert _tasks(plan) == _tasks(from_text) and len(plan.tasks) == 36
    assert [bool(t.warnings) for t in plan.tasks] == [bool(t.warnings) for t in from_text.tasks]
    assert len(plan.warnings) == len(from_text.warnings) > 0  # the reader's doubts reach the plan's review list
