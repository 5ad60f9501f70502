"""What can be checked of Dockerfile, compose.yaml and .dockerignore without a Docker daemon."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from argon2 import PasswordHasher

from config.settings import SECRET_FIELDS, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SERVE = ["python", "-m", "hanchot", "serve", "--host", "0.0.0.0", "--port", "8000"]


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", "", "\n".join(lines))
    return [(m[1].upper(), m[2].strip()) for m in re.finditer(r"^\s*(\w+)\s+(.*)$", joined, re.M)]


def instructions(name: str) -> list[str]:
    return [args for instr, args in dockerfile() if instr == name]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_it_builds_from_python_311_slim_in_app():
    assert instructions("FROM") == ["python:3.11-slim"]
    assert PROJECT["requires-python"] == ">=3.11"
    assert instructions("WORKDIR") == ["/app"]
    assert "PYTHONPATH=/app" in instructions("ENV")


def test_it_runs_as_a_non_root_user_created_in_the_image():
    steps = dockerfile()
    users = [args for instr, args in steps if instr == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any("useradd" in args and args.rstrip().endswith(users[-1]) for instr, args in steps if instr == "RUN")
    last_user = max(i for i, (instr, _) in enumerate(steps) if instr == "USER")
    assert last_user < next(i for i, (instr, _) in enumerate(steps) if instr == "CMD")


def test_it_serves_by_default_on_port_8000():
    assert [json.loads(args) for args in instructions("CMD")] == [SERVE]
    assert instructions("EXPOSE") == ["8000"]


def test_it_installs_exactly_the_pyproject_dependencies():
    run = next(args for args in instructions("RUN") if "tomllib" in args)
    words = shlex.split(run)
    code = words[words.index("-c") + 1]
    printed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert printed.stdout.splitlines() == PROJECT["dependencies"]
    assert "pip install -r /tmp/requirements.txt" in run
    assert "COPY pyproject.toml ./" in [f"COPY {a}" for a in instructions("COPY")]


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_it_checks_health_with_python_on_healthz(status, healthy):
    (healthcheck,) = instructions("HEALTHCHECK")
    command = json.loads(healthcheck.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"] and "http://127.0.0.1:8000/healthz" in command[2]
    handler = type("Handler", (_Health,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code = command[2].replace("127.0.0.1:8000", f"127.0.0.1:{server.server_port}")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    assert (result.returncode == 0) is healthy


def test_it_keeps_code_and_config_in_the_build_context_but_not_local_state():
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(name: str) -> bool:
        return any(fnmatch.fnmatch(name, p.removeprefix("**/")) for p in patterns)

    needed = ["hanchot.py", "pyproject.toml", "alembic.ini", "config", "deadlines", "models", "scheduler",
              "notifiers", "calendars", "ingest", "web", "examples"]
    assert [name for name in needed if ignored(name)] == []
    assert all(ignored(name) for name in (".venv", ".git", "var", ".env", "secrets", "__pycache__"))


def test_it_has_exactly_one_scheduler_service():
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "web", "scheduler"}
    schedulers = [name for name, s in services.items() if s.get("command", [])[3:4] == ["scheduler"]]
    assert schedulers == ["scheduler"]
    assert services["scheduler"]["command"] == ["python", "-m", "hanchot", "scheduler"]
    assert services["scheduler"].get("deploy", {}).get("replicas", 1) == 1


def test_it_migrates_once_before_web_and_scheduler_start():
    services = compose()["services"]
    assert services["migrate"]["command"] == ["python", "-m", "hanchot", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert services["web"]["command"] == SERVE
    for name in ("web", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
        assert services[name]["restart"] == "unless-stopped"
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["scheduler"]["healthcheck"] == {"disable": True}


def test_it_runs_postgres_16_on_a_volume_with_a_healthcheck():
    spec = compose()
    db = spec["services"]["db"]
    assert db["image"] == "postgres:16"
    assert db["volumes"] == ["pgdata:/var/lib/postgresql/data"] and "pgdata" in spec["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["restart"] == "unless-stopped"


def _env_of(service: dict) -> dict[str, str]:
    return {str(k): str(v) for k, v in service["environment"].items()}


def test_it_passes_only_environment_variables_that_settings_reads():
    fields = set(Settings.model_fields)
    for name in ("migrate", "web", "scheduler"):
        env = _env_of(compose()["services"][name])
        unknown = [var for var in env if not _setting_exists(var, fields)]
        assert unknown == [], f"{name}: {unknown}"
        assert env["HANCHOT_ENV"] == "production"
        assert env["HANCHOT_SECRET_KEY_FILE"] == "/run/secrets/hanchot_secret_key"
        assert re.fullmatch(r"postgresql\+psycopg://hanchot:\$\{HANCHOT_DB_PASSWORD:\?[^}]+\}@db:5432/hanchot",
                            env["HANCHOT_DATABASE_URL"])
        assert compose()["services"][name]["secrets"] == ["hanchot_secret_key", "hanchot_admin_password_hash"]
        assert env["HANCHOT_ADMIN_PASSWORD_HASH_FILE"] == "/run/secrets/hanchot_admin_password_hash"
    assert compose()["secrets"]["hanchot_secret_key"]["file"]
    assert compose()["secrets"]["hanchot_admin_password_hash"]["file"]


def _setting_exists(var: str, fields: set[str]) -> bool:
    name = var.removeprefix("HANCHOT_").lower()
    if name.endswith("_file") and name.removesuffix("_file") in SECRET_FIELDS:
        return True
    return var.startswith("HANCHOT_") and name in fields


def _interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, with ``given`` as the .env file."""
    def one(m: re.Match) -> str:
        name, op, rest = m[1], m[2], m[3] or ""
        if name in given:
            return given[name]
        assert op != ":?", f"{name} is required: {rest}"
        return rest if op == ":-" else ""
    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def test_it_gives_the_services_settings_that_validate_in_production(tmp_path, monkeypatch):
    secret = tmp_path / "secret_key"
    secret.write_text("a-long-random-production-secret-0123456789\n", encoding="utf-8")
    admin_hash = tmp_path / "admin_password_hash"
    admin_hash.write_text(PasswordHasher().hash("mật khẩu quản trị") + "\n", encoding="utf-8")
    for var in [v for v in os.environ if v.startswith("HANCHOT_")]:
        monkeypatch.delenv(var)
    env = _env_of(compose()["services"]["scheduler"])
    for var, value in env.items():
        monkeypatch.setenv(var, _interpolate(value, {"HANCHOT_DB_PASSWORD": "pw",
                                                     "HANCHOT_BASE_URL": "https://hanchot.example.gov.vn"}))
    monkeypatch.setenv("HANCHOT_SECRET_KEY_FILE", str(secret))
    monkeypatch.setenv("HANCHOT_ADMIN_PASSWORD_HASH_FILE", str(admin_hash))
    settings = load_settings()
    assert settings.env == "production"
    assert settings.database_url == "postgresql+psycopg://hanchot:pw@db:5432/hanchot"
    assert settings.secret_key == "a-long-random-production-secret-0123456789"
    assert settings.smtp_url is None and not settings.zalo_configured
    assert str(settings.mail_dir) == "/app/var/mail"
    assert settings.base_url == "https://hanchot.example.gov.vn" and settings.admin_password_hash.startswith("$argon2")
    with pytest.raises(AssertionError, match="HANCHOT_DB_PASSWORD is required"):
        _interpolate(env["HANCHOT_DATABASE_URL"], {})
    with pytest.raises(AssertionError, match="HANCHOT_BASE_URL is required"):
        _interpolate(env["HANCHOT_BASE_URL"], {})
