"""Who answers for a task: the queries the permission layer asks, in one place.

A task's assignments name agencies and groups. A group's members are agencies of the group's own unit when the
group belongs to a commune (a commune's "Công chức chuyên môn" holds that commune's officials only), so an agency
acts on a task when the task names it or a group holding it — one query, and nothing crosses from one commune to
another. ``roles`` are ``Role`` values: lead ("chủ trì") and support ("phối hợp") by default.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session

from models.agencies import Agency, AgencyGroupMember, Assignment, Role
from models.plans import Task

RESPONSIBLE = (Role.LEAD.value, Role.SUPPORT.value)


def acting_as(agency_id: int) -> Select[tuple[int]]:
    """The groups ``agency_id`` belongs to (a task naming one of them is the agency's task too)."""
    return select(AgencyGroupMember.group_id).where(AgencyGroupMember.member_id == agency_id)


def agency_reaches_task(session: Session, agency_id: int, task_id: int,
                        roles: Iterable[str] = RESPONSIBLE) -> bool:
    """Whether the task names ``agency_id`` (or a group holding it) in one of ``roles``: "chủ trì" to close a
    deadline, "chủ trì" or "phối hợp" to see it."""
    return bool(session.scalar(select(exists().where(
        Assignment.task_id == task_id, Assignment.role.in_(list(roles)),
        or_(Assignment.agency_id == agency_id, Assignment.agency_id.in_(acting_as(agency_id)))))))


def tasks_of_agency(agency_id: int, roles: Iterable[str] = RESPONSIBLE) -> Select[tuple[int]]:
    """The ids of the tasks ``agency_id`` leads or supports, directly or through a group (a subquery)."""
    return select(Assignment.task_id).where(
        Assignment.role.in_(list(roles)),
        or_(Assignment.agency_id == agency_id, Assignment.agency_id.in_(acting_as(agency_id)))).distinct()


def agencies_of_unit(session: Session, unit_id: int) -> list[int]:
    """The agencies (groups included) of one unit: a commune's own offices."""
    return list(session.scalars(select(Agency.id).where(Agency.unit_id == unit_id).order_by(Agency.id)))


def tasks_of_unit(unit_id: int, roles: Iterable[str] = RESPONSIBLE) -> Select[tuple[int]]:
    """The ids of the tasks an agency of the unit leads or supports, directly or through a group (a subquery)."""
    own = select(Agency.id).where(Agency.unit_id == unit_id)
    through = select(AgencyGroupMember.group_id).where(AgencyGroupMember.member_id.in_(own))
    return select(Assignment.task_id).where(
        Assignment.role.in_(list(roles)),
        or_(Assignment.agency_id.in_(own), Assignment.agency_id.in_(through))).distinct()


def assigned_to(agency_ids: Iterable[int] | None, roles: Iterable[str] | None = None) -> ColumnElement[bool]:
    """Tasks assigned to any of ``agency_ids`` (any agency when None) in one of ``roles`` (any role when None): the
    one scoping clause of feeds, pages and reports that narrow to an agency or to what a visitor may see."""
    assigned = select(Assignment.task_id)
    if agency_ids is not None:
        assigned = assigned.where(Assignment.agency_id.in_(list(agency_ids)))
    if roles is not None:
        assigned = assigned.where(Assignment.role.in_(list(roles)))
    return Task.id.in_(assigned)



def task_agency_ids(session: Session, task_id: int, roles: Iterable[str] = RESPONSIBLE) -> set[int]:
    """Every agency that answers for the task in ``roles``: those it names and the members of the groups it names."""
    named = select(Assignment.agency_id).where(Assignment.task_id == task_id, Assignment.role.in_(list(roles)))
    members = select(AgencyGroupMember.member_id).where(AgencyGroupMember.group_id.in_(named))
    return set(session.scalars(named)) | set(session.scalars(members))
