"""ETag, conditional requests, file names and subscribe links, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from calendars.conditional import (
    content_disposition,
    etag_for,
    evaluate_conditional,
    http_date,
    subscribe_links,
)
from calendars.feed import render

CHANGED = datetime(2026, 1, 5, 3, 0, 0, 500_000, tzinfo=UTC)
URL = "https://hanchot.thanhhoa.gov.vn/feeds/Abc_123.ics"


def test_it_derives_a_strong_etag_from_the_body(sample_feed):
    body = render(sample_feed)
    assert etag_for(body) == etag_for(render(sample_feed))
    assert etag_for(body).startswith('"') and etag_for(body).endswith('"')
    assert etag_for(body) != etag_for(body + b" ")


def test_it_answers_304_when_if_none_match_matches():
    assert evaluate_conditional({"If-None-Match": '"abc"'}, '"abc"', CHANGED) == 304
    assert evaluate_conditional({"if-none-match": 'W/"abc", "def"'}, '"abc"', CHANGED) == 304
    assert evaluate_conditional({"If-None-Match": "*"}, '"abc"', CHANGED) == 304


def test_it_answers_200_when_the_etag_differs_even_if_the_date_is_recent():
    headers = {"If-None-Match": '"old"', "If-Modified-Since": "Sat, 01 Jan 2030 00:00:00 GMT"}
    assert evaluate_conditional(headers, '"new"', CHANGED) == 200


def test_it_compares_if_modified_since_in_whole_seconds():
    assert evaluate_conditional({"If-Modified-Since": http_date(CHANGED)}, '"e"', CHANGED) == 304
    assert evaluate_conditional({"If-Modified-Since": "Mon, 05 Jan 2026 02:59:59 GMT"}, '"e"', CHANGED) == 200


def test_it_ignores_an_unparseable_if_modified_since_or_no_headers():
    assert evaluate_conditional({"If-Modified-Since": "yesterday"}, '"e"', CHANGED) == 200
    assert evaluate_conditional({}, '"e"', CHANGED) == 200
    assert evaluate_conditional({"If-Modified-Since": http_date(CHANGED)}, '"e"', None) == 200


def test_it_formats_last_modified_as_an_http_date():
    assert http_date(CHANGED) == "Mon, 05 Jan 2026 03:00:00 GMT"


def test_it_names_the_download_in_utf8_with_an_ascii_fallback():
    header = content_disposition("Sở Tư pháp – Đoàn.ics")
    assert header.startswith('attachment; filename="So-Tu-phap-Doan.ics"; ')
    assert unquote(header.split("filename*=UTF-8''")[1]) == "Sở Tư pháp – Đoàn.ics"


def test_it_builds_subscribe_links_for_apple_google_and_outlook():
    links = subscribe_links(URL, "Sở Tư pháp")
    assert links["https"] == URL
    assert links["webcal"] == "webcal://hanchot.thanhhoa.gov.vn/feeds/Abc_123.ics"
    google = urlsplit(links["google"])
    assert (google.netloc, google.path) == ("calendar.google.com", "/calendar/r")
    assert parse_qs(google.query)["cid"] == [links["webcal"]]
    assert "cid=webcal%3A%2F%2Fhanchot.thanhhoa.gov.vn%2Ffeeds%2FAbc_123.ics" in links["google"]
    for key, host in (("outlook_live", "outlook.live.com"), ("outlook_office", "outlook.office.com")):
        outlook = urlsplit(links[key])
        assert (outlook.netloc, outlook.path) == (host, "/calendar/0/addfromweb")
        assert parse_qs(outlook.query) == {"url": [URL], "name": ["Sở Tư pháp"]}


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip", True), ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("x-gzip", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), ("", False), (None, False), ("deflate", False), ("gzip;q=abc", False),
])
def test_it_reads_whether_a_client_accepts_gzip(header, expected):
    from calendars.conditional import accepts_gzip

    assert accepts_gzip(header) is expected
