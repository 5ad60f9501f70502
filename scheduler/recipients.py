"""Who is reminded of a task, on which channels: the directory of agencies and contacts, loaded once per pass.

Lead agencies' active contacts are always reminded; support agencies' contacts only when the policy
includes support or the contact asked for it (``receive_support``). A group assignment ("UBND cấp xã")
stands for each member agency. Escalations go to the agency's head, or the CCHC focal points when the
agency has no head on record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, AgencyGroupMember, Contact, Role
from scheduler.routing import planned_channel


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    agency_id: int | None
    channels: tuple[str, ...]
    digest: bool
    receive_support: bool


@dataclass(frozen=True)
class Recipient:
    """One person to remind about one task, and why (the agency and its role)."""

    person: Person
    agency_id: int
    role: str


def channels_of(contact: Contact) -> tuple[str, ...]:
    """The one channel a new reminder to ``contact`` is planned on (empty: no address on record).

    One message per person per reminder: the fallbacks are tried by the dispatcher on the same outbox row,
    in the order of ``scheduler.routing``, only when this channel fails.
    """
    channel = planned_channel(contact)
    return (channel,) if channel else ()


class Directory:
    """Agencies, groups, heads and contacts, read once; answers "who hears about this task"."""

    def __init__(self, session: Session) -> None:
        self.people: dict[int, Person] = {}
        self.by_agency: dict[int, list[Person]] = defaultdict(list)
        flagged_heads: dict[int, int] = {}
        for contact in session.scalars(select(Contact).where(Contact.active.is_(True)).order_by(Contact.id)):
            person = Person(contact.id, contact.name, contact.agency_id, channels_of(contact), contact.digest,
                            contact.receive_support)
            self.people[contact.id] = person
            if contact.agency_id is not None:
                self.by_agency[contact.agency_id].append(person)
                if contact.is_head:
                    flagged_heads.setdefault(contact.agency_id, contact.id)
        self.members: dict[int, list[int]] = defaultdict(list)
        for group_id, member_id in session.execute(select(AgencyGroupMember.group_id, AgencyGroupMember.member_id)):
            self.members[group_id].append(member_id)
        self.agency_names: dict[int, str] = {}
        self.heads: dict[int, int] = {}
        for agency_id, name, head_id in session.execute(select(Agency.id, Agency.name, Agency.head_contact_id)):
            self.agency_names[agency_id] = name
            if head_id is not None and head_id in self.people:
                self.heads[agency_id] = head_id
        for agency_id, contact_id in flagged_heads.items():
            self.heads.setdefault(agency_id, contact_id)  # agencies.head_contact_id wins over the flag
        self.focal_points = [self.people[cid] for cid in session.scalars(
            select(Contact.id).where(Contact.active.is_(True), Contact.is_focal_point.is_(True)).order_by(Contact.id))]

    def expand(self, agency_id: int) -> list[int]:
        """The agency itself, or the members of a group (one level: groups do not nest in practice)."""
        return self.members.get(agency_id) or [agency_id]

    def recipients(self, assignments: Iterable[tuple[int, str]], include_support: bool) -> list[Recipient]:
        """People reminded for a task with these ``(agency_id, role)`` assignments, each person once."""
        found: dict[int, Recipient] = {}
        for agency_id, role in sorted(assignments, key=lambda a: a[1] != Role.LEAD):
            for member_id in self.expand(agency_id):
                for person in self.by_agency.get(member_id, ()):
                    wanted = role == Role.LEAD or include_support or person.receive_support
                    if wanted and person.channels and person.id not in found:
                        found[person.id] = Recipient(person, member_id, role)
        return list(found.values())

    def escalation_recipients(self, lead_agency_ids: Iterable[int], escalate_to: Iterable[str]) -> list[Recipient]:
        """The head of each lead agency (``"head"``) and/or the CCHC focal points (``"focal_point"``).

        With ``"head"`` alone, an agency without a head on record falls back to the focal points.
        """
        targets = set(escalate_to)
        found: dict[int, Recipient] = {}
        for group_or_agency in lead_agency_ids:
            for agency_id in self.expand(group_or_agency):
                head = self.people.get(self.heads.get(agency_id, -1)) if "head" in targets else None
                people = [head] if head else []
                if "focal_point" in targets or (head is None and "head" in targets):
                    people += self.focal_points
                for person in people:
                    if person.channels and person.id not in found:
                        found[person.id] = Recipient(person, agency_id, Role.LEAD)
        return list(found.values())
