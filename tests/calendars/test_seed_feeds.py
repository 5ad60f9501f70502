"""Every feed of the five imported seed plans, as ical.js and recurring-ical-events expand it, equals the database.

The seeds go through the real importer and are published; each agency feed (lead, support, all), each plan
feed, a contact's feeds and the province feeds are rendered, linted, checked for duplicate UIDs, and expanded
by both engines year by year. The expected occurrences come from plain SQL (tests/calendars/seeds.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import icalendar
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.feed import render
from calendars.lint import lint_ics
from calendars.query import Scope, build_feed
from config.agencies import AgencyDirectory
from models import Agency, Contact, FeedRole, FeedScope
from tests.calendars.seeds import BASE_URL, expected_by_year, import_and_publish, plan_years, seed_paths

pytestmark = [pytest.mark.external_service, pytest.mark.slow]  # node + npm ical.js; 15-50 s each


@dataclass
class Seeded:
    plan_ids: list[int]
    years: list[int]
    contact: Contact
    contact_agencies: list[int]


@dataclass
class Case:
    label: str
    scope: Scope
    expected: dict[int, dict[str, list[str]]]


@pytest.fixture
def seeded(session: Session) -> Seeded:
    directory = AgencyDirectory.load()
    plan_ids = [import_and_publish(session, path, directory).plan_id for path in seed_paths()]
    own = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp"))
    headed = session.scalar(select(Agency).where(Agency.name == "Sở Nội vụ"))
    assert own is not None and headed is not None, "the seeds name Sở Tư pháp and Sở Nội vụ"
    contact = Contact(name="Nguyễn Văn An", agency_id=own.id, email="an@stp.test")
    session.add(contact)
    session.flush()
    headed.head_contact_id = contact.id  # a contact sees its own agency and the one it heads
    session.commit()
    return Seeded(plan_ids, plan_years(session), contact, [own.id, headed.id])


BEGIN_EVENT, END_EVENT = b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n"


def parse_feed(body: bytes, events: dict[bytes, icalendar.Event]) -> icalendar.Calendar:
    """The feed parsed by icalendar, each distinct VEVENT once: the seeds' 300 feeds share most of their events,
    and parsing them again and again was half of this module's time. (ical.js still parses every body whole.)"""
    start, end = body.find(BEGIN_EVENT), body.rfind(END_EVENT) + len(END_EVENT)
    if start < 0:
        return icalendar.Calendar.from_ical(body)
    calendar = icalendar.Calendar.from_ical(body[:start] + body[end:])  # properties and time zones
    for block in body[start:end].split(BEGIN_EVENT)[1:]:
        event = events.get(block)
        if event is None:
            event = events[block] = icalendar.Event.from_ical(BEGIN_EVENT + block)
        calendar.add_component(event)
    return calendar


def test_it_parses_a_feed_by_events_as_icalendar_parses_it_whole(session, seeded):
    body = render(build_feed(session, Scope(FeedScope.PROVINCE, None, FeedRole.ALL), base_url=BASE_URL))
    events: dict[bytes, icalendar.Event] = {}
    by_events, whole = parse_feed(body, events), icalendar.Calendar.from_ical(body)
    assert len(events) > 100 and by_events.to_ical() == whole.to_ical()


def check(session: Session, cases: list[Case], years: list[int], icaljs, python) -> int:
    """Assert every case's feed is clean and expands to its expected occurrences; return how many were checked."""
    bodies, parsed, events = [], [], {}
    for case in cases:
        body = render(build_feed(session, case.scope, base_url=BASE_URL))
        calendar = parse_feed(body, events)  # parsed once: lint and both checks below share it
        assert lint_ics(body, calendar) == [], case.label
        uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
        assert len(uids) == len(set(uids)), f"{case.label}: duplicate UIDs"
        bodies.append(body)
        parsed.append(calendar)
    windows = [(date(y, 1, 1), date(y + 1, 1, 1)) for y in years]
    checked = 0
    for engine, results in (("ical.js", icaljs([(body, windows) for body in bodies])),
                            ("recurring-ical-events", python([(calendar, windows) for calendar in parsed]))):
        assert len(results) == len(cases)
        for case, per_year in zip(cases, results, strict=True):
            for year, found in zip(years, per_year, strict=True):
                expected = case.expected.get(year, {})
                assert found == expected, (engine, case.label, year, _difference(found, expected))
                checked += sum(len(days) for days in expected.values())
    return checked // 2


def _difference(found: dict[str, list[str]], expected: dict[str, list[str]]) -> dict[str, object]:
    return {"only in feed": sorted(set(found) - set(expected))[:5], "missing": sorted(set(expected) - set(found))[:5],
            "other days": [u for u in found if u in expected and found[u] != expected[u]][:5]}


def test_it_publishes_exactly_the_database_occurrences_in_every_agency_feed_of_the_seeds(
        session, seeded, expand_icaljs_many, expand_python_many):
    agencies = session.scalars(select(Agency.id).where(Agency.is_group.is_(False)).order_by(Agency.id)).all()
    assert len(agencies) > 50, "the seeds name dozens of agencies"
    cases = [Case(f"agency {agency_id} {role}", Scope(FeedScope.AGENCY, agency_id, role),
                  expected_by_year(session, role=role, agency_ids=[agency_id]))
             for agency_id in agencies for role in FeedRole]
    checked = check(session, cases, seeded.years, expand_icaljs_many, expand_python_many)
    assert checked > 1000, checked  # every agency's deadlines, some through groups ("UBND cấp huyện")
    assert seeded.years[0] <= 2019 and seeded.years[-1] >= 2025, seeded.years


def test_it_publishes_exactly_the_database_occurrences_in_the_plan_contact_and_province_feeds_of_the_seeds(
        session, seeded, expand_icaljs_many, expand_python_many):
    cases = []
    for role in FeedRole:
        cases += [Case(f"plan {plan_id} {role}", Scope(FeedScope.PLAN, plan_id, role),
                       expected_by_year(session, role=role, plan_id=plan_id)) for plan_id in seeded.plan_ids]
        cases.append(Case(f"contact {role}", Scope(FeedScope.CONTACT, seeded.contact.id, role),
                          expected_by_year(session, role=role, agency_ids=seeded.contact_agencies)))
        cases.append(Case(f"province {role}", Scope(FeedScope.PROVINCE, None, role),
                          expected_by_year(session, role=role)))
    province = cases[-1].expected
    assert sum(len(days) for uids in province.values() for days in uids.values()) > 300
    check(session, cases, seeded.years, expand_icaljs_many, expand_python_many)
