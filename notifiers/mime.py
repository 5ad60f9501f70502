"""A small MIME writer for the one shape of email hanchot sends, straight to wire bytes.

Why not ``email.message.EmailMessage``: its header registry parses and refolds every header it is given,
which cost ≈ 7 ms of CPU per reminder (most of the dispatcher's time). The shape here never varies —
``multipart/mixed`` of (``multipart/alternative`` of text + HTML) and an optional ``text/calendar``
attachment — so it is written directly: ASCII headers, RFC 2047 encoded words for Vietnamese text, base64
bodies in 76-character lines, CRLF line ends. The tests read every part back with the standard library's
parser (``email.policy.default``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache

CRLF = "\r\n"
# 39 bytes of UTF-8 make 52 base64 characters (no padding) and a 64-character encoded word, so even the
# first line, "Subject: " + word, stays under the 76 characters RFC 2047 asks for.
_WORD_BYTES = 39
_PLAIN_LIMIT = 900  # ASCII text longer than this is encoded too, which folds it under the 998-byte line limit


@dataclass(frozen=True)
class Part:
    """A leaf part: ``params`` follow the content type, ``filename`` makes it an attachment."""

    content_type: str
    body: bytes
    params: tuple[tuple[str, str], ...] = ()
    filename: str | None = None


def encoded_words(text: str) -> str:
    """``text`` as RFC 2047 base64 words separated by folding whitespace; plain ASCII stays as it is.

    Words are cut between characters, never inside one UTF-8 sequence (RFC 2047 §5).
    """
    if text.isascii() and text.isprintable() and len(text) <= _PLAIN_LIMIT and "=?" not in text:
        return text
    data = text.encode("utf-8")
    words, start = [], 0
    while start < len(data):
        end = min(start + _WORD_BYTES, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its sequence
            end -= 1
        words.append(f"=?utf-8?b?{base64.b64encode(data[start:end]).decode('ascii')}?=")
        start = end
    return (CRLF + " ").join(words)


@lru_cache(maxsize=16)
def address(value: str) -> tuple[str, str]:
    """``mailbox`` of ``"Name <addr>"`` or ``"addr"`` (a configured sender, hence the cache)."""
    name, addr = parseaddr(value)
    return mailbox(name, addr or value)


def mailbox(name: str, addr: str) -> tuple[str, str]:
    """``(header form, bare address)``; raise ValueError when the address is unusable.

    The display name may be Vietnamese (encoded words); the address itself must be ASCII, with an
    internationalised domain written in its IDNA form, since the SMTP servers we talk to may lack SMTPUTF8.
    """
    addr = addr.strip()
    if addr.count("@") != 1 or any(c.isspace() or c in "<>\"," for c in addr):
        raise ValueError(f"not an email address: {addr!r}")
    local, _, domain = addr.rpartition("@")
    if not local.isascii():
        raise ValueError(f"the mailbox name of {addr!r} is not ASCII")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as e:
        raise ValueError(f"the domain of {addr!r} is invalid: {e}") from None
    addr = f"{local}@{domain}"
    if not name:
        return addr, addr
    shown = encoded_words(name)
    if shown == name:
        shown = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    last_line = len(shown.rsplit(CRLF, 1)[-1])
    separator = " " if last_line + len(addr) < 60 else CRLF + " "  # fold before a long address
    return f"{shown}{separator}<{addr}>", addr


def boundary_for(seed: str, depth: int) -> str:
    """A boundary that cannot occur in base64 lines ("=_" never does) and is the same for the same message."""
    return f"=_hanchot_{depth}_{hashlib.sha256(seed.encode('utf-8')).hexdigest()[:24]}"


def _base64_lines(body: bytes) -> str:
    """base64 in lines of 76 characters (``encodebytes`` cuts them, in C), joined with CRLF, no final break."""
    return base64.encodebytes(body).decode("ascii").rstrip("\n").replace("\n", CRLF)


def _leaf(part: Part) -> str:
    params = "".join(f';{CRLF} {key}="{value}"' for key, value in part.params)  # one per line: short lines
    if part.filename:
        params += f';{CRLF} name="{part.filename}"'
    lines = [f"Content-Type: {part.content_type}{params}", "Content-Transfer-Encoding: base64"]
    if part.filename:
        lines.append(f'Content-Disposition: attachment;{CRLF} filename="{part.filename}"')
    return CRLF.join(lines) + CRLF + CRLF + _base64_lines(part.body) + CRLF


def _crlf(text: str) -> str:
    """Text in its canonical form (RFC 2045 §6.8: line breaks are CRLF before base64 encoding)."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _multipart(subtype: str, boundary: str, children: Iterable[str]) -> str:
    head = f'Content-Type: multipart/{subtype};{CRLF} boundary="{boundary}"' + CRLF + CRLF
    body = "".join(f"--{boundary}{CRLF}{child}" for child in children)
    return head + body + f"--{boundary}--{CRLF}"


def compose(headers: list[tuple[str, str]], text: str, html: str, attachment: Part | None, seed: str) -> bytes:
    """The whole message: ``headers`` (already ASCII-safe, see ``encoded_words``), then the MIME tree."""
    alternative = _multipart("alternative", boundary_for(seed, 2), [
        _leaf(Part("text/plain", _crlf(text).encode("utf-8"), (("charset", "utf-8"),))),
        _leaf(Part("text/html", _crlf(html).encode("utf-8"), (("charset", "utf-8"),))),
    ])
    tree = _multipart("mixed", boundary_for(seed, 1), [alternative, _leaf(attachment)]) if attachment \
        else alternative
    head = "".join(f"{name}: {value}{CRLF}" for name, value in headers) + "MIME-Version: 1.0" + CRLF
    return (head + tree).encode("ascii")
