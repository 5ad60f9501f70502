"""Settings from HANCHOT_* variables: parsing, *_FILE secrets, refusals with one readable line, warnings."""

import os

import pytest
from argon2 import PasswordHasher

from config.errors import ConfigError
from config.settings import VAR_DIR, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("HANCHOT_"):
            monkeypatch.delenv(name)


def test_it_defaults_to_a_sqlite_file_under_var():
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{VAR_DIR / 'hanchot.db'}"
    assert (settings.env, settings.timezone, settings.smtp) == ("development", "Asia/Ho_Chi_Minh", None)


def test_it_reads_hanchot_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("HANCHOT_DATABASE_URL", "postgresql://hc:pw@db:5432/hanchot")
    monkeypatch.setenv("HANCHOT_BASE_URL", "https://hanchot.thanhhoa.gov.vn")
    monkeypatch.setenv("HANCHOT_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("HANCHOT_DEBUG", "true")
    monkeypatch.setenv("HANCHOT_ZALO_APP_ID", "123")
    monkeypatch.setenv("HANCHOT_ZALO_SECRET_KEY", "zsecret")
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://hc:pw@db:5432/hanchot"  # the driver we ship
    assert settings.base_url == "https://hanchot.thanhhoa.gov.vn"
    assert settings.config_dir == tmp_path
    assert settings.debug is True
    assert settings.zalo_configured


def test_it_parses_the_smtp_url(monkeypatch):
    monkeypatch.setenv("HANCHOT_SMTP_URL", "smtp://mailer:p%40ss@mail.example.vn:587?starttls=1&timeout=5")
    smtp = load_settings().smtp
    assert (smtp.host, smtp.port, smtp.username, smtp.start_tls, smtp.use_tls, smtp.timeout) == (
        "mail.example.vn", 587, "mailer", True, False, 5.0)
    assert smtp.password == "p@ss"  # percent-escapes in the URL are decoded


def test_it_defaults_smtps_to_port_465(monkeypatch):
    monkeypatch.setenv("HANCHOT_SMTP_URL", "smtps://mail.example.vn")
    assert (load_settings().smtp.port, load_settings().smtp.use_tls) == (465, True)


def test_it_reads_secrets_from_files(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("a-long-random-production-key-0123456789\n")
    (tmp_path / "smtp").write_text("smtp://u:p@mail.example.vn:25\n")
    (tmp_path / "hash").write_text(PasswordHasher().hash("mật khẩu") + "\n")
    monkeypatch.setenv("HANCHOT_SECRET_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.setenv("HANCHOT_SMTP_URL_FILE", str(tmp_path / "smtp"))
    monkeypatch.setenv("HANCHOT_ADMIN_PASSWORD_HASH_FILE", str(tmp_path / "hash"))
    monkeypatch.setenv("HANCHOT_BASE_URL", "https://hanchot.example.gov.vn")
    monkeypatch.setenv("HANCHOT_ENV", "production")
    settings = load_settings()
    assert settings.secret_key == "a-long-random-production-key-0123456789"
    assert settings.admin_password_hash.startswith("$argon2")
    assert settings.smtp.host == "mail.example.vn"


def test_it_prefers_the_variable_to_the_file(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("from-file")
    monkeypatch.setenv("HANCHOT_SECRET_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.setenv("HANCHOT_SECRET_KEY", "from-env")
    assert load_settings().secret_key == "from-env"


def test_it_names_a_secret_file_it_cannot_read(monkeypatch, tmp_path):
    monkeypatch.setenv("HANCHOT_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    missing = tmp_path / "missing"
    assert str(caught.value) == f"HANCHOT_SECRET_KEY_FILE: cannot read {missing}: No such file or directory"


@pytest.mark.parametrize("secret", ["development-only-secret", "change-me", "  CHANGEME  ", ""])
def test_it_refuses_a_placeholder_secret_in_production(monkeypatch, secret):
    monkeypatch.setenv("HANCHOT_ENV", "production")
    monkeypatch.setenv("HANCHOT_SECRET_KEY", secret)
    with pytest.raises(ConfigError, match=r"^HANCHOT_SECRET_KEY is a placeholder; set a long random value"):
        load_settings()


def test_it_refuses_a_placeholder_secret_given_as_a_file_in_production(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("change-me\n")
    monkeypatch.setenv("HANCHOT_SECRET_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.setenv("HANCHOT_ENV", "production")
    with pytest.raises(ConfigError, match="placeholder"):
        load_settings()


def test_it_accepts_the_placeholder_secret_in_development():
    assert load_settings().secret_key == "development-only-secret"


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://u:p@h/db", "HANCHOT_DATABASE_URL: must start with sqlite:// or postgresql+psycopg://"),
    ("hanchot.db", "HANCHOT_DATABASE_URL: must start with sqlite:// or postgresql+psycopg://"),
])
def test_it_explains_a_bad_database_url(monkeypatch, url, message):
    monkeypatch.setenv("HANCHOT_DATABASE_URL", url)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == message


@pytest.mark.parametrize(("url", "words"), [
    ("http://mail.example.vn", "HANCHOT_SMTP_URL: must look like smtp://user:pass@host:587"),
    ("smtp://mail.example.vn:twentyfive", "HANCHOT_SMTP_URL: the port is not a number"),
    ("smtp://mail.example.vn?timeout=soon", "HANCHOT_SMTP_URL: timeout must be a number of seconds"),
    ("smtp://:587", "HANCHOT_SMTP_URL: names no host"),
])
def test_it_explains_a_bad_smtp_url(monkeypatch, url, words):
    monkeypatch.setenv("HANCHOT_SMTP_URL", url)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(words)


def test_it_explains_a_bad_environment_name(monkeypatch):
    monkeypatch.setenv("HANCHOT_ENV", "prod")
    with pytest.raises(ConfigError, match=r"^HANCHOT_ENV: Input should be 'development', 'production' or 'test'$"):
        load_settings()


def test_it_warns_at_startup_about_each_missing_channel():
    warnings = load_settings().startup_warnings()
    assert len(warnings) == 3
    assert any(w.startswith("HANCHOT_SMTP_URL is not set: emails are written as .eml files") for w in warnings)
    assert any("Zalo reminders are off" in w for w in warnings)
    assert any("HANCHOT_ADMIN_PASSWORD_HASH is not set" in w for w in warnings)


def test_it_does_not_warn_when_everything_is_configured(monkeypatch):
    monkeypatch.setenv("HANCHOT_SMTP_URL", "smtp://mail.example.vn")
    monkeypatch.setenv("HANCHOT_ZALO_APP_ID", "1")
    monkeypatch.setenv("HANCHOT_ZALO_SECRET_KEY", "k")
    monkeypatch.setenv("HANCHOT_ADMIN_PASSWORD_HASH", "$argon2id$v=19$m=65536,t=3,p=4$abc$def")
    assert load_settings().startup_warnings() == []
