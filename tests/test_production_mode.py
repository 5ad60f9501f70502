"""HANCHOT_ENV=production refuses to start with unsafe settings: one English line naming the setting and why,
exit code 2 from the command line, before anything listens or writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from config.errors import ConfigError
from config.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD = {"env": "production", "secret_key": "k" * 12 + "-a-long-random-secret-0123456789",
        "admin_password_hash": PasswordHasher().hash("mật khẩu quản trị"),
        "base_url": "https://hanchot.thanhhoa.gov.vn"}


@pytest.mark.parametrize(("changes", "setting", "why"), [
    ({"secret_key": "abc"}, "HANCHOT_SECRET_KEY", "has 3 characters; production needs at least 32"),
    ({"secret_key": "change-me"}, "HANCHOT_SECRET_KEY", "placeholder"),
    ({"admin_password_hash": None}, "HANCHOT_ADMIN_PASSWORD_HASH", "is not set"),
    ({"admin_password_hash": "change-me"}, "HANCHOT_ADMIN_PASSWORD_HASH", "is not an argon2 hash"),
    ({"base_url": "http://127.0.0.1:8000"}, "HANCHOT_BASE_URL", "points at this machine"),
    ({"base_url": "https://localhost"}, "HANCHOT_BASE_URL", "points at this machine"),
    ({"base_url": "http://[::1]:8000", "allow_http": True}, "HANCHOT_BASE_URL", "points at this machine"),
    ({"base_url": "http://hanchot.thanhhoa.gov.vn"}, "HANCHOT_BASE_URL", "is not https"),
])
def test_it_refuses_each_unsafe_setting_naming_it(changes: dict, setting: str, why: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(**{**GOOD, **changes})
    message = str(refused.value)
    assert message.startswith(setting) and why in message and "\n" not in message


def test_it_accepts_safe_settings_and_plain_http_only_when_said_explicitly() -> None:
    assert load_settings(**GOOD).env == "production"
    intranet = load_settings(**{**GOOD, "base_url": "http://hanchot.noibo.tinh", "allow_http": True})
    assert intranet.base_url == "http://hanchot.noibo.tinh"
    assert load_settings(env="development", secret_key="abc").secret_key == "abc"  # only production refuses


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HANCHOT_")}
    clean.update({"HANCHOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "PYTHONPATH": str(ROOT),
                  "HANCHOT_ENV": "production", "HANCHOT_SECRET_KEY": GOOD["secret_key"],
                  "HANCHOT_ADMIN_PASSWORD_HASH": GOOD["admin_password_hash"], "HANCHOT_BASE_URL": GOOD["base_url"],
                  **env})
    return subprocess.run([sys.executable, "-m", "hanchot", "serve", "--port", "1"], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("env", "setting"), [
    ({"HANCHOT_SECRET_KEY": "abc"}, "HANCHOT_SECRET_KEY"),
    ({"HANCHOT_ADMIN_PASSWORD_HASH": "change-me"}, "HANCHOT_ADMIN_PASSWORD_HASH"),
    ({"HANCHOT_BASE_URL": "http://127.0.0.1:8000"}, "HANCHOT_BASE_URL"),
])
def test_the_server_does_not_start_and_says_why_in_one_line(tmp_path: Path, env: dict, setting: str) -> None:
    result = _start(tmp_path, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"hanchot: {setting}"), result.stderr
    assert not (tmp_path / "db.sqlite").exists()  # refused before touching anything


def test_the_scheduler_refuses_too_in_one_line(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HANCHOT_")}
    clean.update({"HANCHOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "HANCHOT_ENV": "production",
                  "HANCHOT_SECRET_KEY": "change-me", "HANCHOT_ADMIN_PASSWORD_HASH": GOOD["admin_password_hash"],
                  "HANCHOT_BASE_URL": GOOD["base_url"]})
    result = subprocess.run([sys.executable, "-m", "hanchot", "scheduler"], cwd=ROOT, env=clean, capture_output=True,
                            text=True, timeout=60)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("hanchot: HANCHOT_SECRET_KEY"), lines
    assert not (tmp_path / "db.sqlite").exists()
