"""``hanchot admin hash-password`` and ``hanchot admin api-token``, run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from argon2 import PasswordHasher

from web.api_auth import api_token_name

ROOT = Path(__file__).resolve().parents[2]


def hanchot(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hanchot", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, timeout=60)


def test_it_prints_an_argon2_hash_that_verifies_the_password() -> None:
    result = hanchot("admin", "hash-password", "--password", "mật khẩu dài")
    assert result.returncode == 0, result.stderr
    assert PasswordHasher().verify(result.stdout.strip(), "mật khẩu dài")


def test_it_refuses_a_short_password_in_one_line() -> None:
    result = hanchot("admin", "hash-password", "--password", "ngắn")
    assert result.returncode == 2
    assert result.stderr.strip() == "hanchot: the password must have at least 8 characters"


def test_it_prints_an_api_token_signed_with_the_secret_key() -> None:
    result = hanchot("admin", "api-token", "--name", "báo cáo", HANCHOT_SECRET_KEY="cli-secret-key-0123456789")
    assert result.returncode == 0, result.stderr
    assert api_token_name("cli-secret-key-0123456789", result.stdout.strip()) == "báo cáo"
    assert api_token_name("another-key", result.stdout.strip()) is None
