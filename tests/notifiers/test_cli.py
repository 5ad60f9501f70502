import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def hanchot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def env(migrated_sqlite_url, zalo_fake) -> dict[str, str]:
    settings = {f"HANCHOT_{k.upper()}": v for k, v in zalo_fake.bases.items()}
    return {**os.environ, **settings, "HANCHOT_DATABASE_URL": migrated_sqlite_url, "PYTHONPATH": str(ROOT)}


def test_it_stores_pasted_tokens_and_refreshes_them_from_the_command_line(env, zalo_fake):
    access, refresh = zalo_fake.issue_tokens()

    stored = hanchot(env, "zalo", "set-tokens", "--access-token", access, "--refresh-token", refresh)
    idle = hanchot(env, "zalo", "refresh")
    forced = hanchot(env, "zalo", "refresh", "--force")
    status = hanchot(env, "zalo", "status")

    assert stored.returncode == 0, stored.stderr
    assert idle.stdout.strip() == "Zalo OA token still valid, nothing to do"
    assert forced.stdout.strip() == "Zalo OA token refreshed", forced.stderr
    assert zalo_fake.refresh_tokens[refresh].used
    assert "version 3" in status.stdout


def test_it_says_in_one_line_when_the_refresh_token_is_refused(env, zalo_fake):
    access, _ = zalo_fake.issue_tokens()
    hanchot(env, "zalo", "set-tokens", "--access-token", access, "--refresh-token", "dead")

    result = hanchot(env, "zalo", "refresh", "--force")

    assert result.returncode == 2
    assert "reauthorize" not in result.stderr and "Traceback" not in result.stderr
    assert "-14020" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_it_prints_a_pkce_consent_url(env):
    result = hanchot(env, "zalo", "authorize-url", "--redirect-uri", "https://hanchot.example/zalo/callback")

    url, verifier = result.stdout.strip().splitlines()
    assert "/oauth/v4/oa/permission?app_id=" in url and "code_challenge=" in url
    assert len(verifier.removeprefix("code_verifier: ")) == 43
