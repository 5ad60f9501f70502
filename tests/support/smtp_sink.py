"""Pytest helpers around ``smtp_sink_server.py``: a real SMTP server process on a loopback port."""

from __future__ import annotations

import email
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import default
from functools import cached_property
from pathlib import Path

import pytest

SERVER = Path(__file__).with_name("smtp_sink_server.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    raw: bytes
    mail_from: str
    rcpt_tos: list[str]
    auth_user: str | None
    tls: bool

    @cached_property
    def message(self) -> EmailMessage:
        """The whole message, parsed on first use: parsing a multipart mail costs milliseconds, and the tests that
        count a thousand mails only read their Message-ID."""
        return email.message_from_bytes(self.raw, policy=default)

    @property
    def message_id(self) -> str:
        """The Message-ID header, read from the header block alone (the same value as ``message["Message-ID"]``)."""
        return BytesHeaderParser(policy=default).parsebytes(self.raw)["Message-ID"]


@dataclass
class SmtpSink:
    """One sink server; ``start``/``stop`` can be called again to simulate an outage on the same port."""

    folder: Path
    port: int = field(default_factory=free_port)
    auth: str | None = None
    cert: Path | None = None
    key: Path | None = None
    implicit_tls: bool = False
    process: subprocess.Popen | None = None

    @property
    def control(self) -> Path:
        return self.folder / "control.txt"

    @property
    def inbox(self) -> Path:
        return self.folder / "inbox"

    def url(self, *, user: str | None = None, password: str | None = None, starttls: bool = False) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        login = f"{user}:{password}@" if user else ""
        return f"{scheme}://{login}127.0.0.1:{self.port}?timeout=5" + ("&starttls=1" if starttls else "")

    def start(self) -> SmtpSink:
        command = [sys.executable, str(SERVER), "--port", str(self.port), "--dir", str(self.inbox),
                   "--control", str(self.control)]
        if self.auth:
            command += ["--auth", self.auth]
        if self.cert:
            command += ["--cert", str(self.cert), "--key", str(self.key)]
        if self.implicit_tls:
            command.append("--implicit-tls")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("READY"):
            self.process.kill()
            errors = self.process.stderr.read() if self.process.stderr else ""
            raise RuntimeError(f"SMTP sink did not start: {line!r} {errors}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def answer(self, reply: str | None) -> None:
        """Make the next DATA commands answer ``reply`` (e.g. ``"554 5.7.1 Rejected"``); None to accept."""
        self.control.write_text(reply or "", encoding="utf-8")

    def received(self, expect: int | None = None, timeout: float = 5.0) -> list[Received]:
        """The messages stored so far; with ``expect``, wait until that many have arrived."""
        deadline = time.monotonic() + timeout
        while True:
            files = sorted(self.inbox.glob("*.eml")) if self.inbox.exists() else []
            if expect is None or len(files) >= expect or time.monotonic() > deadline:
                return [self._read(f) for f in files]
            time.sleep(0.02)

    @staticmethod
    def _read(path: Path) -> Received:
        raw = path.read_bytes()
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return Received(raw, meta["mail_from"], meta["rcpt_tos"], meta["auth_user"] or None, meta["tls"])


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for ``localhost``/127.0.0.1, made with the ``cryptography`` package."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp_sink(tmp_path: Path) -> Iterator[SmtpSink]:
    """A plain SMTP sink (no TLS, no AUTH), started; stopped after the test."""
    sink = SmtpSink(tmp_path / "sink").start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_sink_tls(tmp_path: Path) -> Iterator[SmtpSink]:
    """A sink that requires STARTTLS (self-signed certificate) and AUTH as ``hanchot`` / ``mat-khau-9``."""
    cert, key = self_signed_cert(tmp_path)
    sink = SmtpSink(tmp_path / "sink", auth="hanchot:mat-khau-9", cert=cert, key=key).start()
    yield sink
    sink.stop()
