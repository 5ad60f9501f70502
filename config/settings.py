"""One typed settings object, read once from ``HANCHOT_*`` environment variables.

Secrets may come from files (``HANCHOT_SECRET_KEY_FILE=/run/secrets/key``) so containers need not put
them in the environment. A placeholder secret is refused outside development.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from argon2 import extract_parameters
from argon2.exceptions import InvalidHashError
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "config"
VAR_DIR = ROOT / "var"
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "development-only-secret"}
SECRET_FIELDS = ("secret_key", "zalo_secret_key", "admin_password_hash", "smtp_url")

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    """Everything hanchot reads from its environment. Field names map to ``HANCHOT_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="HANCHOT_", extra="ignore", strict=False)

    env: Literal["development", "production", "test"] = "development"
    database_url: str = Field(default_factory=lambda: f"sqlite:///{VAR_DIR / 'hanchot.db'}")
    base_url: str = "http://127.0.0.1:8000"
    timezone: str = "Asia/Ho_Chi_Minh"
    config_dir: Path = CONFIG_DIR
    smtp_url: str | None = None
    smtp_utf8: bool = False  # the SMTP server offers SMTPUTF8: contacts may have a mailbox name with diacritics
    mail_from: str = "hanchot <hanchot@localhost>"
    mail_dir: Path = VAR_DIR / "mail"
    zalo_app_id: str | None = None
    zalo_secret_key: str | None = None
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zns_api_base: str = "https://business.openapi.zalo.me"
    admin_password_hash: str | None = None
    admin_email: str | None = None  # where delivery alerts go (a long outage once it ended, a broken Zalo token)
    outage_alert_minutes: int = Field(default=60, ge=5, le=7 * 24 * 60)  # a channel down this long alerts the admin
    retry_cap_minutes: int = Field(default=30, ge=1, le=24 * 60)  # longest wait between two tries of a reminder
    secret_key: str = "development-only-secret"
    debug: bool = False
    allow_http: bool = False  # production over plain http (an intranet without TLS), said explicitly
    trusted_proxies: str = ""  # comma-separated addresses/networks whose X-Forwarded-For is believed
    session_idle_minutes: int = Field(default=60, ge=5, le=7 * 24 * 60)
    require_login: bool = False  # when true, nothing but sign-in, feeds and reminder links is open anonymously

    @model_validator(mode="before")
    @classmethod
    def read_secret_files(cls, values: dict) -> dict:
        """Fill ``X`` from the file named by ``HANCHOT_X_FILE`` when ``X`` itself is unset."""
        for name in SECRET_FIELDS:
            path = os.environ.get(f"HANCHOT_{name.upper()}_FILE")
            if path and not values.get(name):
                try:
                    values[name] = Path(path).read_text(encoding="utf-8").strip()
                except OSError as e:
                    raise ValueError(f"HANCHOT_{name.upper()}_FILE: cannot read {path}: {e.strerror}") from e
        return values

    @field_validator("database_url")
    @classmethod
    def known_database(cls, url: str) -> str:
        if not url.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url

    @field_validator("smtp_url")
    @classmethod
    def known_smtp(cls, url: str | None) -> str | None:
        url = (url or "").strip()
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("must look like smtp://user:pass@host:587?starttls=1 or smtps://host:465")
        try:
            parts.port  # noqa: B018 - urlsplit checks the port only when it is read
        except ValueError:
            raise ValueError("the port is not a number") from None
        if not parts.hostname:
            raise ValueError("names no host (smtp://host:587)")
        timeout = parse_qs(parts.query).get("timeout", ["30"])[-1]
        try:
            float(timeout)
        except ValueError:
            raise ValueError(f"timeout must be a number of seconds, not {timeout!r}") from None
        return url

    @field_validator("trusted_proxies")
    @classmethod
    def known_networks(cls, text: str) -> str:
        for part in _split(text):
            try:
                ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24)") from None
        return text

    @model_validator(mode="after")
    def refuse_unsafe_production(self) -> Settings:
        if self.env == "production":
            problem = production_problem(self)
            if problem:
                raise ValueError(problem)
        return self

    @property
    def proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return tuple(ip_network(part, strict=False) for part in _split(self.trusted_proxies))

    @property
    def smtp(self) -> SmtpSettings | None:
        return SmtpSettings.from_url(self.smtp_url) if self.smtp_url else None

    @property
    def zalo_configured(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_secret_key)

    def startup_warnings(self) -> list[str]:
        """English log lines for channels that are not configured (warn, never fail)."""
        warnings = []
        if not self.smtp_url:
            warnings.append(f"HANCHOT_SMTP_URL is not set: emails are written as .eml files to {self.mail_dir}")
        if not self.zalo_configured:
            warnings.append("HANCHOT_ZALO_APP_ID / HANCHOT_ZALO_SECRET_KEY are not set: Zalo reminders are off")
        if not self.admin_password_hash:
            warnings.append("HANCHOT_ADMIN_PASSWORD_HASH is not set: the admin cannot log in")
        return warnings


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


MIN_SECRET_LENGTH = 32


def production_problem(settings: Settings) -> str | None:
    """The first setting that makes a production start unsafe, as one English line naming it and why."""
    secret = settings.secret_key.strip()
    if secret.lower() in PLACEHOLDER_SECRETS:
        return "HANCHOT_SECRET_KEY is a placeholder; set a long random value in production"
    if len(secret) < MIN_SECRET_LENGTH:
        return (f"HANCHOT_SECRET_KEY has {len(secret)} characters; production needs at least {MIN_SECRET_LENGTH} "
                "random ones (it signs sessions' CSRF tokens and reminder links)")
    if not settings.admin_password_hash:
        return "HANCHOT_ADMIN_PASSWORD_HASH is not set; make one with `hanchot admin hash-password`"
    try:
        extract_parameters(settings.admin_password_hash)
    except (InvalidHashError, ValueError):
        return ("HANCHOT_ADMIN_PASSWORD_HASH is not an argon2 hash (a placeholder?); make one with "
                "`hanchot admin hash-password`")
    parts = urlsplit(settings.base_url)
    host = (parts.hostname or "").lower()
    if not host or _is_loopback(host):
        return (f"HANCHOT_BASE_URL {settings.base_url} points at this machine; feeds' UIDs and the links in emails "
                "must carry the public address")
    if parts.scheme != "https" and not settings.allow_http:
        return (f"HANCHOT_BASE_URL {settings.base_url} is not https; put TLS in front, or set HANCHOT_ALLOW_HTTP=1 "
                "for an intranet without TLS")
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


class SmtpSettings:
    """The parts of ``HANCHOT_SMTP_URL``."""

    def __init__(self, host: str, port: int, username: str | None, password: str | None,
                 use_tls: bool, start_tls: bool, timeout: float) -> None:
        self.host, self.port, self.username, self.password = host, port, username, password
        self.use_tls, self.start_tls, self.timeout = use_tls, start_tls, timeout

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        use_tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if use_tls else 25),
            username=unquote(parts.username) if parts.username is not None else None,
            password=unquote(parts.password) if parts.password is not None else None,
            use_tls=use_tls,
            start_tls=query.get("starttls", "0") in ("1", "true", "yes"),
            timeout=float(query.get("timeout", "30")),
        )


def load_settings(**overrides: object) -> Settings:
    """Read the environment now; raise ConfigError with one readable line on a bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        first = e.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a whole-model check: its message names the variables itself
            raise ConfigError(message) from None
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"HANCHOT_{field.upper()}: {message}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
