"""The installed ``hanchot`` command: problems a person can fix are one line on stderr and exit code 2."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HANCHOT = ROOT / ".venv" / "bin" / "hanchot"


def run(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HANCHOT_")}
    return subprocess.run([str(HANCHOT), *args], capture_output=True, text=True, timeout=60,
                          env={**clean, **env}, cwd=cwd)


def assert_one_line_error(result: subprocess.CompletedProcess, starts_with: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(starts_with), result.stderr


def test_it_explains_an_unreachable_database():
    result = run("db", "upgrade", HANCHOT_DATABASE_URL="postgresql+psycopg://postgres:pw@127.0.0.1:1/x")
    assert_one_line_error(result, "hanchot: cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:1/x:")
    assert "pw" not in result.stderr


@pytest.mark.parametrize(("url", "starts_with"), [
    ("mysql://root@localhost/hanchot", "hanchot: HANCHOT_DATABASE_URL: must start with sqlite:// or postgresql"),
    ("postgresql+psycopg://u@h:port/x", "hanchot: the database URL postgresql+psycopg://u@h:port/x is not usable:"),
])
def test_it_explains_a_bad_database_url(url, starts_with):
    assert_one_line_error(run("db", "upgrade", HANCHOT_DATABASE_URL=url), starts_with)


def test_it_explains_a_sqlite_database_it_cannot_create(tmp_path):
    (tmp_path / "file").write_text("")
    result = run("db", "upgrade", HANCHOT_DATABASE_URL=f"sqlite:///{tmp_path / 'file' / 'hanchot.db'}")
    assert_one_line_error(result, f"hanchot: cannot create the folder of the SQLite database {tmp_path}/file/")


def test_it_explains_an_unreadable_secret_file(tmp_path):
    result = run("db", "upgrade", HANCHOT_SECRET_KEY_FILE=str(tmp_path),
                 HANCHOT_DATABASE_URL=f"sqlite:///{tmp_path / 'hanchot.db'}")
    assert_one_line_error(result, f"hanchot: HANCHOT_SECRET_KEY_FILE: cannot read {tmp_path}: Is a directory")


def test_it_explains_an_unknown_subcommand():
    assert_one_line_error(run("frobnicate"), "hanchot: No such command 'frobnicate'.")


def test_it_explains_an_unknown_option():
    assert_one_line_error(run("db", "upgrade", "--fast"), "hanchot: No such option: --fast")


def test_it_shows_the_traceback_with_debug():
    result = run("--debug", "db", "upgrade", HANCHOT_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/x")
    assert result.returncode != 0
    assert "Traceback (most recent call last)" in result.stderr
    assert "UserError: cannot reach the database" in result.stderr


def test_it_lists_the_commands_in_help():
    result = run("--help")
    assert result.returncode == 0
    assert "db" in result.stdout and "Create or migrate the database" in result.stdout


@pytest.mark.slow
def test_it_upgrades_then_reports_the_current_revision_from_any_directory(db_url, tmp_path):
    from models.migrate import head_revision

    first = run("db", "upgrade", cwd=tmp_path, HANCHOT_DATABASE_URL=db_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith(f"upgraded from an empty database to revision {head_revision()}")
    again = run("db", "upgrade", cwd=tmp_path, HANCHOT_DATABASE_URL=db_url)
    assert again.stdout.strip().endswith("nothing to do")
    current = run("db", "current", cwd=tmp_path, HANCHOT_DATABASE_URL=db_url)
    assert current.stdout.strip().endswith(f"revision {head_revision()} (up to date)")
