"""A feed token revoked from the command line answers 404 at the very next request of every running server,
even of servers that had the feed in memory (two uvicorn processes on one database, SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from calendars.access import create_token
from models import FeedScope
from models.db import session_factory
from tests.web.access.support import build_communes
from tests.web.conftest import PASSWORD_HASH
from tests.web.server import ROOT, free_port, running_server, server_env

pytestmark = [pytest.mark.external_service, pytest.mark.slow]  # two uvicorn processes


def test_a_revoked_token_is_refused_by_every_running_server_at_the_next_request(engine, tmp_path: Path,
                                                                                 config_dir: Path) -> None:
    db_url = engine.url.render_as_string(hide_password=False)
    with session_factory(engine)() as session:
        communes = build_communes(session)
        token, row = create_token(session, scope=FeedScope.AGENCY, agency_id=communes.police_tv.id, name="điện thoại")
        session.commit()
        token_id = row.id
    with ExitStack() as stack:
        urls = []
        for name in ("a", "b"):
            port = free_port()
            env = server_env(f"http://127.0.0.1:{port}", db_url, config_dir, tmp_path / "mail", PASSWORD_HASH)
            urls.append(stack.enter_context(running_server(env, port, tmp_path / f"server-{name}.log")))
        with httpx.Client(timeout=30) as client:
            for base in urls:  # rendered, then answered from memory (the fast path)
                first, second = client.get(f"{base}/feeds/{token}.ics"), client.get(f"{base}/feeds/{token}.ics")
                assert first.status_code == second.status_code == 200 and b"BEGIN:VEVENT" in second.content
            revoked = subprocess.run([sys.executable, "-m", "hanchot", "feeds", "token", "revoke", str(token_id)],
                                     cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert revoked.returncode == 0, revoked.stderr
            for base in urls:
                gone = client.get(f"{base}/feeds/{token}.ics")
                assert gone.status_code == 404 and gone.content == b""
                assert client.get(f"{base}/subscribe/{token}").status_code == 404
