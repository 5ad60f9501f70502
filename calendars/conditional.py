"""Pure HTTP helpers for serving feeds: ETag, conditional requests, file names, subscribe links (§6-§7).

No web framework here: ``web/`` calls these and sets the headers. Everything is a function of its inputs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote, urlsplit, urlunsplit

CONTENT_TYPE = "text/calendar; charset=utf-8"


def etag_for(body: bytes) -> str:
    """A strong ETag (quoted) from the body's SHA-256: feeds are deterministic, so equal bytes, equal tag."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def gzip_etag(etag: str) -> str:
    """The ETag of the gzip-coded representation: another representation, so another strong tag."""
    return etag[:-1] + '-gz"'


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (RFC 9110 §12.5.3: ``gzip``, ``x-gzip`` or ``*``, q > 0)."""
    if not accept_encoding:
        return False
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            q = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def http_date(moment: datetime) -> str:
    """``moment`` (aware) as an IMF-fixdate for Last-Modified: ``Mon, 05 Jan 2026 03:00:00 GMT``."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def evaluate_conditional(headers: Mapping[str, str], etag: str, last_modified: datetime | None) -> int:
    """Return 304 when the client's copy is current, else 200 (RFC 9110 §13.2.2, for GET and HEAD).

    If-None-Match wins over If-Modified-Since when both are sent; it is compared weakly (``W/`` ignored),
    as the RFC requires for this header. An unparseable If-Modified-Since is ignored.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    if "if-none-match" in lowered:
        return 304 if _matches(lowered["if-none-match"], etag) else 200
    since = _parse_http_date(lowered.get("if-modified-since"))
    if since is None or last_modified is None:
        return 200
    # HTTP dates have whole seconds: a sub-second Last-Modified must not look newer than its own header.
    return 304 if last_modified.astimezone(UTC).replace(microsecond=0) <= since else 200


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag.removeprefix("W/") in tags


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def ascii_filename(filename: str) -> str:
    """A plain ASCII fallback for old clients: diacritics dropped, ``đ`` → ``d``, unsafe characters → ``-``."""
    folded = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "lich.ics"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact UTF-8 name in ``filename*`` (RFC 5987/6266)."""
    name = unicodedata.normalize("NFC", filename)
    return f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def subscribe_links(https_url: str, name: str) -> dict[str, str]:
    """One-click subscribe links for a feed URL (docs/calendar-feeds.md §7).

    Google needs a ``webcal://`` ``cid`` (an https one fails); Outlook on the web needs the https URL.
    """
    parts = urlsplit(https_url)
    webcal = urlunsplit(("webcal", *parts[1:]))
    outlook_query = f"url={quote(https_url, safe='')}&name={quote(name, safe='')}"
    return {
        "https": https_url,
        "webcal": webcal,
        "google": f"https://calendar.google.com/calendar/r?cid={quote(webcal, safe='')}",
        "outlook_live": f"https://outlook.live.com/calendar/0/addfromweb?{outlook_query}",
        "outlook_office": f"https://outlook.office.com/calendar/0/addfromweb?{outlook_query}",
    }
