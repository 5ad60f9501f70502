"""A real SMTP server for tests, run as its own process: ``python tests/support/smtp_sink_server.py …``.

Every accepted message is stored as ``<n>.eml`` (the raw bytes) plus ``<n>.json`` (envelope, AUTH
login, whether TLS was on). A reply can be forced by writing e.g. ``451 4.3.0 Try later`` into the
control file: it is read at each DATA command. Recipients at ``refused.example`` get 550, at
``busy.example`` 450. Prints ``READY <port>`` once it accepts connections.
"""

from __future__ import annotations

import argparse
import json
import signal
import ssl
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class SinkHandler:
    def __init__(self, folder: Path, control: Path | None) -> None:
        # A restarted sink (an outage simulated on the same port) numbers on after the mails already stored.
        self.folder, self.control, self.count = folder, control, len(list(folder.glob("*.eml")))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        # Mailboxes of two reserved domains answer like a real server's unknown user or full mailbox.
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user"
        if address.endswith("@busy.example"):
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        forced = self.control.read_text(encoding="utf-8").strip() if self.control and self.control.exists() else ""
        if forced:
            return forced.splitlines()[0]
        self.count += 1
        stem = self.folder / f"{self.count:04d}"
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                "auth_user": session.authenticated and _login(session), "tls": session.ssl is not None}
        tmp = stem.with_suffix(".tmp")
        tmp.write_bytes(envelope.original_content or envelope.content)
        stem.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
        tmp.rename(stem.with_suffix(".eml"))      # the .eml appears last, complete: readers poll for it
        return "250 2.0.0 OK queued"


def _login(session) -> str | None:
    data = session.auth_data
    return data.login.decode() if isinstance(data, LoginPassword) else None


def make_authenticator(user: str, password: str):
    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) \
            == (user, password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return authenticate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--control", type=Path)
    parser.add_argument("--auth", help="user:password; makes AUTH mandatory")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    kwargs: dict = {}
    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    if tls and args.implicit_tls:
        kwargs["ssl_context"] = tls
    elif tls:
        kwargs.update(tls_context=tls, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)
        kwargs.update(authenticator=make_authenticator(user, password), auth_required=True,
                      auth_require_tls=bool(tls))
    controller = Controller(SinkHandler(args.dir, args.control), hostname="127.0.0.1", port=args.port,
                            server_hostname="localhost", **kwargs)
    controller.start()
    print(f"READY {args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
