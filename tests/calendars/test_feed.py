"""Rendering a feed: deterministic bytes and the properties clients rely on (docs/calendar-feeds.md §1-§3)."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, time

import icalendar
import pytest

from calendars.feed import FeedCalendar, FeedEvent, render
from calendars.lint import lint_ics


def unfolded(body: bytes) -> str:
    return body.decode("utf-8").replace("\r\n ", "")


def test_it_renders_the_same_bytes_whatever_the_input_order(sample_feed):
    shuffled = replace(sample_feed, events=list(reversed(sample_feed.events)))
    assert render(sample_feed) == render(shuffled)


def test_it_passes_its_own_lint(sample_feed):
    assert lint_ics(render(sample_feed)) == []


def test_it_writes_the_calendar_properties_clients_read(sample_feed):
    text = unfolded(render(sample_feed))
    for line in ("METHOD:PUBLISH", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H",
                 "X-WR-TIMEZONE:Asia/Ho_Chi_Minh", "NAME:Sở Tư pháp – Hạn chót", "X-WR-CALNAME:Sở Tư pháp – Hạn chót",
                 "UID:agency-3@hanchot.test", "DESCRIPTION:Các hạn chót giao cho Sở Tư pháp"):
        assert f"\r\n{line}\r\n" in text.replace("\r\n ", "")
    assert text.count("X-WR-CALNAME") == 1


def test_it_writes_all_day_events_with_an_exclusive_end_and_data_stamps(sample_feed):
    event = icalendar.Calendar.from_ical(render(sample_feed)).walk("VEVENT")[0]
    assert event["UID"] == "ms-7-20260315@hanchot.test"
    assert "DTSTART;VALUE=DATE:20260315\r\nDTEND;VALUE=DATE:20260316" in unfolded(render(sample_feed))
    assert event["DTSTAMP"].dt == datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    assert event["LAST-MODIFIED"].dt == datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    assert event["TRANSP"] == "TRANSPARENT"
    assert event["URL"] == "https://hanchot.test/tasks/7"
    assert event.categories == ["Phụ lục I"]
    assert event["DESCRIPTION"] == "Nội dung: Ban hành quy chế\nCơ quan chủ trì: Sở Tư pháp"


def test_it_bumps_sequence_and_stamps_from_the_event(sample_feed):
    later = datetime(2026, 2, 1, 8, 30, tzinfo=UTC)
    edited = replace(sample_feed.events[2], sequence=4, last_modified=later)
    feed = replace(sample_feed, events=[*sample_feed.events[:2], edited, *sample_feed.events[3:]])
    event = next(e for e in icalendar.Calendar.from_ical(render(feed)).walk("VEVENT") if e["UID"] == edited.uid)
    assert (event["SEQUENCE"], event["DTSTAMP"].dt, event["LAST-MODIFIED"].dt) == (4, later, later)
    assert feed.last_modified == later


def test_it_carries_no_alarm_and_no_todo(sample_feed):
    text = unfolded(render(sample_feed))
    assert "VALARM" not in text and "VTODO" not in text


def test_it_adds_a_vtimezone_only_for_timed_events(sample_feed):
    assert "VTIMEZONE" not in unfolded(render(sample_feed))
    meeting = replace(sample_feed.events[0], uid="meeting@hanchot.test", at=time(14, 0))
    body = render(replace(sample_feed, events=[meeting]))
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20260315T140000" in unfolded(body)
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh" in unfolded(body)
    assert lint_ics(body) == []


def test_it_keeps_vietnamese_text_nfc_and_folds_on_character_boundaries(sample_feed):
    long = replace(sample_feed.events[0], description="Đẩy mạnh cải cách hành chính, chuyển đổi số " * 8)
    body = render(replace(sample_feed, events=[long]))
    body.decode("utf-8")  # folding never splits a multi-byte character
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert event["DESCRIPTION"] == long.description
    assert unicodedata.is_normalized("NFC", unfolded(body))


def test_it_refuses_duplicate_uids(sample_feed):
    twice = replace(sample_feed, events=[*sample_feed.events, sample_feed.events[0]])
    with pytest.raises(ValueError, match="duplicate event UIDs"):
        render(twice)


def test_it_refuses_a_naive_last_modified():
    with pytest.raises(ValueError, match="timezone-aware"):
        FeedEvent(uid="u", summary="s", day=datetime(2026, 1, 1).date(), sequence=0,
                  last_modified=datetime(2026, 1, 1))


def test_it_renders_an_empty_feed_that_still_lints_clean():
    body = render(FeedCalendar(uid="empty@hanchot.test", name="Trống", description="Chưa có hạn chót"))
    assert lint_ics(body) == []
    assert b"BEGIN:VEVENT" not in body
