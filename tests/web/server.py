"""Run the real app in a uvicorn subprocess (``python -m hanchot serve``) on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from argon2 import PasswordHasher

ROOT = Path(__file__).resolve().parents[2]
# Real argon2id hashes with the cheapest parameters: verifying reads them from the hash itself, so the product code
# is the same, but a hash or a sign-in costs 1 ms of CPU instead of 0.18 s (the tests sign in hundreds of times).
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by tests/support/install_test_deps.sh
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def site_folder(folder: Path, template: Path) -> Path:
    """Fill ``folder`` for a running server: ``web.db`` copied from the migrated template database and the
    shipped ``config/*.toml``. Returns the config folder."""
    shutil.copy(template, folder / "web.db")
    config = folder / "config"
    config.mkdir()
    for path in (ROOT / "config").glob("*.toml"):
        shutil.copy(path, config / path.name)
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(base_url: str, db_url: str, config_dir: Path, mail_dir: Path, password_hash: str) -> dict[str, str]:
    return {**os.environ, "HANCHOT_ENV": "test", "HANCHOT_DATABASE_URL": db_url, "HANCHOT_CONFIG_DIR": str(config_dir),
            "HANCHOT_MAIL_DIR": str(mail_dir), "HANCHOT_ADMIN_PASSWORD_HASH": password_hash,
            "HANCHOT_SECRET_KEY": "browser-test-secret-0123456789", "HANCHOT_BASE_URL": base_url,
            "PYTHONPATH": str(ROOT)}


@contextmanager
def running_server(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """Start the server, wait until /healthz answers (30 s at most), yield its base URL, stop it."""
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "hanchot", "serve", "--host", "127.0.0.1", "--port",
                                    str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start within 30 s: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
