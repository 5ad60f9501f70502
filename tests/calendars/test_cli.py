"""``hanchot feeds …`` end to end: a real database, the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from calendars.access import find_active_token
from calendars.lint import lint_ics
from models import FeedToken
from models.db import make_engine, session_factory
from tests.calendars.world import BASE_URL, build_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(migrated_url):
    db_url = migrated_url
    env = {**os.environ, "HANCHOT_DATABASE_URL": db_url, "HANCHOT_BASE_URL": BASE_URL, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120, check=False)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        build_world(session)
    run.sessions = session_factory(engine)  # type: ignore[attr-defined]
    yield run
    engine.dispose()


@pytest.mark.slow  # seven command-line processes
def test_it_creates_lists_and_revokes_a_token(cli):
    created = cli("feeds", "token", "create", "--agency", "sở tư pháp", "--role", "lead", "--name", "điện thoại")
    assert created.returncode == 0, created.stderr
    url = created.stdout.splitlines()[0]
    assert url.startswith(f"{BASE_URL}/feeds/") and url.endswith(".ics")
    token = url.removeprefix(f"{BASE_URL}/feeds/").removesuffix(".ics")
    with cli.sessions() as session:
        row = find_active_token(session, token)
        assert (row.scope, row.role, row.name) == ("agency", "lead", "điện thoại")
        assert token not in {r.token_hash for r in session.scalars(select(FeedToken))}

    listed = cli("feeds", "token", "list")
    assert listed.returncode == 0 and f"{row.id}\tagency:" in listed.stdout and token not in listed.stdout
    assert cli("feeds", "token", "revoke", str(row.id)).returncode == 0
    with cli.sessions() as session:
        assert find_active_token(session, token) is None
    assert "đã thu hồi" in cli("feeds", "token", "list").stdout


def test_it_refuses_an_unknown_agency_in_one_line(cli):
    done = cli("feeds", "token", "create", "--agency", "Sở Không Có")
    assert done.returncode == 2
    assert done.stderr.strip() == "hanchot: không tìm thấy cơ quan “Sở Không Có” trong cơ sở dữ liệu"


def test_it_exports_one_file_per_agency_and_rewrites_only_changed_ones(cli, tmp_path):
    out = tmp_path / "feeds"
    first = cli("feeds", "export", str(out))
    assert first.returncode == 0, first.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["so-noi-vu.ics", "so-tu-phap.ics", "ubnd-xa-hoang-phu.ics"]
    assert all(lint_ics(p.read_bytes()) == [] for p in out.iterdir())
    text = (out / "so-tu-phap.ics").read_bytes().decode().replace("\r\n ", "")
    assert "Chi tiết: https://hanchot.test/tasks/" in text
    again = cli("feeds", "export", str(out))
    assert "0 tệp ghi mới, 3 tệp không đổi" in again.stdout
