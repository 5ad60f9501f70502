"""`hanchot import` and `hanchot plans` end to end, as a user runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest.text_layouts import read_text
from models.db import make_engine
from models.plans import Plan, Task
from tests.support.data import SEEDS
from tests.support.render_docs import docx_to_pdf, word_shaped, write_docx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ke-hoach-mau-2026.txt"


def _seed(prefix: str) -> Path:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path


def hanchot(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANCHOT_DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def _table_tasks(db_url: str) -> dict[str, int]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.execute(select(Plan.source_name, func.count(Task.id)).join(Task).where(
            Task.origin == "table", Task.cancelled_at.is_(None)).group_by(Plan.source_name)).all()
    engine.dispose()
    return dict(rows)


@pytest.fixture(scope="module")
def word_and_pdf(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cli-formats")
    seed = _seed("004")
    docx = write_docx(word_shaped(read_text(seed.read_text(encoding="utf-8"), seed.name)), folder / "kh-4784.docx")
    [pdf] = docx_to_pdf([docx], folder)
    return docx, pdf


@pytest.fixture
def migrated(migrated_url: str) -> str:
    return migrated_url


@pytest.mark.slow
def test_it_imports_a_folder_of_seeds_with_a_progress_bar_on_stderr(migrated):
    run = hanchot(migrated, "import", str(SEEDS))
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.strip().splitlines()) == 5
    assert "Đang đọc kế hoạch" in run.stderr
    counts = _table_tasks(migrated)
    assert {name[:3]: n for name, n in counts.items()} == {"000": 42, "001": 36, "002": 54, "003": 48, "004": 40}


@pytest.mark.slow
def test_it_imports_word_and_pdf_and_recognises_the_same_plan(migrated, word_and_pdf):
    docx, pdf = word_and_pdf
    first = hanchot(migrated, "import", str(docx))
    assert first.returncode == 0, first.stderr
    assert "(mới), 40 nhiệm vụ" in first.stdout
    again = hanchot(migrated, "import", str(pdf))  # same number and issuer: the same plan, updated in place
    assert again.returncode == 0, again.stderr
    assert "kế hoạch #1 " in again.stdout
    assert _table_tasks(migrated) == {"kh-4784.pdf": 40}


def test_it_prints_the_draft_as_json_and_writes_nothing_on_dry_run(migrated):
    run = hanchot(migrated, "import", str(EXAMPLE), "--dry-run", "--json")
    assert run.returncode == 0, run.stderr
    draft = json.loads(run.stdout)
    assert set(draft) == {"plan", "tasks", "obligations", "rules", "warnings"}
    assert draft["plan"]["number"] == "15/KH-UBND" and draft["plan"]["plan_year"] == 2026
    assert [t["number"] for t in draft["tasks"]] == [str(i) for i in range(1, 9)]
    first = draft["tasks"][0]
    assert first["lead"] == ["Văn phòng HĐND và UBND xã"] and first["milestones"][0]["due"] == "2026-03-31"
    assert "lead_members" in first and "support_members" in first
    assert _table_tasks(migrated) == {}


def test_it_lists_shows_and_publishes_plans(migrated):
    assert hanchot(migrated, "import", str(EXAMPLE)).returncode == 0
    listed = hanchot(migrated, "plans", "list")
    assert listed.returncode == 0 and "#1\tdraft\t15/KH-UBND\t2026" in listed.stdout
    shown = hanchot(migrated, "plans", "show", "1")
    assert "Ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2026." in shown.stdout
    assert "Chậm nhất trong Quý I/2026" in shown.stdout
    assert hanchot(migrated, "plans", "publish", "1").returncode == 0
    assert "#1\tpublished\t" in hanchot(migrated, "plans", "list").stdout
    missing = hanchot(migrated, "plans", "show", "99")
    assert missing.returncode == 2 and missing.stderr.strip() == "hanchot: Không có kế hoạch #99."


def test_it_publishes_on_import_when_asked(migrated):
    run = hanchot(migrated, "import", str(EXAMPLE), "--publish")
    assert run.returncode == 0, run.stderr
    assert "#1\tpublished\t" in hanchot(migrated, "plans", "list").stdout


@pytest.mark.slow
def test_it_refuses_oversized_and_damaged_word_files_leaving_the_database_unchanged(migrated, word_and_pdf, tmp_path):
    assert hanchot(migrated, "import", str(EXAMPLE)).returncode == 0
    before = _table_tasks(migrated)
    big = tmp_path / "big.docx"
    big.write_bytes(word_and_pdf[0].read_bytes() + b"\0" * (20 * 1024 * 1024))
    cut = tmp_path / "cut.docx"
    cut.write_bytes(word_and_pdf[0].read_bytes()[:4000])
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(word_and_pdf[1].read_bytes()[:3000])
    expected = {big: "hanchot: Tệp lớn hơn 20 MB.",
                cut: "hanchot: Tệp không phải là tài liệu Word/PDF/văn bản hợp lệ.",
                broken_pdf: "hanchot: Tệp không phải là tài liệu Word/PDF/văn bản hợp lệ."}
    for path, message in expected.items():
        run = hanchot(migrated, "import", str(path))
        assert (run.returncode, run.stderr.strip()) == (2, message), path.name
    assert _table_tasks(migrated) == before


def test_it_imports_nothing_from_a_folder_with_a_refused_file(migrated, tmp_path):
    (tmp_path / "ke-hoach.txt").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "rong.docx").write_bytes(b"")
    run = hanchot(migrated, "import", str(tmp_path))
    assert run.returncode == 2
    last_line = run.stderr.strip().splitlines()[-1]
    assert last_line == "hanchot: Không nhập tệp nào vì 1 tệp bị từ chối — rong.docx: Tệp trống."
    assert _table_tasks(migrated) == {}


def test_it_asks_for_db_upgrade_on_an_empty_database(db_url):
    run = hanchot(db_url, "import", str(EXAMPLE))
    from models.db import NOT_READY, mask

    assert (run.returncode, run.stderr.strip()) == (2, f"hanchot: {NOT_READY.format(where=mask(db_url))}")
