"""Each lint fires on a feed crafted to have that one fault, and none fires on a good feed."""

from __future__ import annotations

import pytest

from calendars.feed import render
from calendars.lint import lint_ics

GOOD = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//hanchot tests//VI
METHOD:PUBLISH
REFRESH-INTERVAL;VALUE=DURATION:PT1H
BEGIN:VEVENT
UID:a@hanchot.test
DTSTAMP:20260105T030000Z
SUMMARY:Hạn: A
DTSTART;VALUE=DATE:20260320
DTEND;VALUE=DATE:20260321
END:VEVENT
BEGIN:VEVENT
UID:b@hanchot.test
DTSTAMP:20260105T030000Z
SUMMARY:Họp
DTSTART:20260320T070000Z
DTEND:20260320T080000Z
END:VEVENT
END:VCALENDAR
"""


def ics(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


VTIMEZONE = "BEGIN:VTIMEZONE\nTZID:Asia/Ho_Chi_Minh\nBEGIN:STANDARD\nDTSTART:19750613T000000\n" \
            "TZOFFSETFROM:+0700\nTZOFFSETTO:+0700\nEND:STANDARD\nEND:VTIMEZONE\n"
CASES = {
    "missing UID": (GOOD.replace("UID:a@hanchot.test\n", ""), "missing UID"),
    "missing DTSTAMP": (GOOD.replace("DTSTAMP:20260105T030000Z\nSUMMARY:Hạn: A", "SUMMARY:Hạn: A"),
                        "missing DTSTAMP"),
    "duplicate UID": (GOOD.replace("UID:b@", "UID:a@"), "UID a@hanchot.test is used by 2 events"),
    "zero-length all-day": (GOOD.replace("DTEND;VALUE=DATE:20260321", "DTEND;VALUE=DATE:20260320"),
                            "zero-length all-day event"),
    "negative all-day": (GOOD.replace("DTEND;VALUE=DATE:20260321", "DTEND;VALUE=DATE:20260319"),
                         "negative all-day event"),
    "mixed value types": (GOOD.replace("DTEND;VALUE=DATE:20260321", "DTEND:20260321T000000Z"),
                          "different value types"),
    "floating DTSTART": (GOOD.replace("DTSTART:20260320T070000Z", "DTSTART:20260320T140000"), "floating time"),
    "floating EXDATE": (GOOD.replace("DTEND:20260320T080000Z", "DTEND:20260320T080000Z\nEXDATE:20260327T070000"),
                        "EXDATE 20260327T070000 is a floating time"),
    "local DTSTAMP": (GOOD.replace("DTSTAMP:20260105T030000Z\nSUMMARY:Họp", "DTSTAMP:20260105T030000\nSUMMARY:Họp"),
                      "DTSTAMP 20260105T030000 is not UTC"),
    "TZID without VTIMEZONE": (
        GOOD.replace("DTSTART:20260320T070000Z\nDTEND:20260320T080000Z",
                     "DTSTART;TZID=Asia/Ho_Chi_Minh:20260320T140000\nDTEND;TZID=Asia/Ho_Chi_Minh:20260320T150000"),
        "TZID Asia/Ho_Chi_Minh has no VTIMEZONE"),
    "VALARM": (GOOD.replace("END:VEVENT", "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:-P1D\nEND:VALARM\n"
                                          "END:VEVENT", 1), "VALARM present"),
    "VTODO": (GOOD.replace("END:VCALENDAR", "BEGIN:VTODO\nUID:t@x\nDTSTAMP:20260105T030000Z\nEND:VTODO\n"
                                            "END:VCALENDAR"), "VTODO present"),
    "no METHOD": (GOOD.replace("METHOD:PUBLISH\n", ""), "METHOD is not PUBLISH"),
    "no refresh hint": (GOOD.replace("REFRESH-INTERVAL;VALUE=DURATION:PT1H\n", ""), "neither REFRESH-INTERVAL"),
    "no PRODID": (GOOD.replace("PRODID:-//hanchot tests//VI\n", ""), "missing PRODID"),
    "unfolded line": (GOOD.replace("SUMMARY:Hạn: A", "SUMMARY:" + "Hạn chót báo cáo " * 6), "longer than 75"),
    "bad value": (GOOD.replace("DTSTART;VALUE=DATE:20260320", "DTSTART;VALUE=DATE:2026032"), "unparseable DTSTART"),
}


def test_it_finds_nothing_in_a_good_feed():
    assert lint_ics(ics(GOOD)) == []


def test_it_accepts_a_timed_event_whose_tzid_has_a_vtimezone():
    zoned = GOOD.replace("DTSTART:20260320T070000Z\nDTEND:20260320T080000Z",
                         "DTSTART;TZID=Asia/Ho_Chi_Minh:20260320T140000\nDTEND;TZID=Asia/Ho_Chi_Minh:20260320T150000")
    assert lint_ics(ics(zoned.replace("BEGIN:VEVENT", VTIMEZONE + "BEGIN:VEVENT", 1))) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_it_reports_each_fault(case):
    text, expected = CASES[case]
    problems = lint_ics(ics(text))
    assert any(expected in p for p in problems), problems


def test_it_reports_lf_line_endings():
    problems = lint_ics(GOOD.encode("utf-8"))
    assert "line 1: ends with LF, not CRLF" in problems
    assert "the last line does not end with CRLF" in problems


def test_it_allows_a_recurrence_id_override_to_share_its_master_uid():
    override = ("BEGIN:VEVENT\nUID:a@hanchot.test\nDTSTAMP:20260105T030000Z\nRECURRENCE-ID;VALUE=DATE:20260320\n"
                "DTSTART;VALUE=DATE:20260323\nDTEND;VALUE=DATE:20260324\nEND:VEVENT\nEND:VCALENDAR")
    assert lint_ics(ics(GOOD.replace("END:VCALENDAR", override))) == []


def test_it_finds_nothing_in_our_rendered_feed(sample_feed):
    assert lint_ics(render(sample_feed)) == []
