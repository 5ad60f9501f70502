"""``hanchot admin hash-password``, run as a user would (``api-token`` is in test_api_tokens.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from argon2 import PasswordHasher

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

