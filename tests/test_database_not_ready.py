"""A database URL that is not a database, and a database not migrated: one Vietnamese line from every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [["plans", "list"], ["contacts", "list"], ["remind", "--dry-run"], ["import", "tests/data/seeds"],
            ["serve", "--port", "1"]]


def _run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANCHOT_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def _says_not_ready(run: subprocess.CompletedProcess) -> None:
    lines = [line for line in run.stderr.splitlines() if line.startswith("hanchot:") or "Traceback" in line]
    assert run.returncode == 2, run.stderr[-2000:]
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert "chưa dùng được: không phải cơ sở dữ liệu, hoặc chưa được tạo/nâng cấp" in lines[0]
    assert "hanchot db upgrade" in lines[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:1]))
def test_a_text_file_as_the_sqlite_database_is_one_line(tmp_path, args):
    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải cơ sở dữ liệu\n" * 200, encoding="utf-8")
    _says_not_ready(_run(f"sqlite:///{text}", *args))
    assert text.read_text(encoding="utf-8").startswith("không phải")  # nothing written into it


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:1]))
def test_a_database_not_migrated_is_the_same_line_on_every_backend(db_url, args):
    _says_not_ready(_run(db_url, *args))
