"""Who may do what with a deadline: the one place the web pages, the API and the reminder links ask.

- The admin may do everything.
- A signed-in contact (an agency's focal point) acts for its agency and sees its *unit*: the deadlines of
  tasks assigned to the unit's agencies, as lead or support. It closes only the deadlines its own agency
  leads, undoes its own "done" on the same local day, and asks the admin for an extension of those it leads.
- Anyone else reads published plans only (and nothing under HANCHOT_REQUIRE_LOGIN).

``unit_agency_ids`` is where a contact's unit is decided; everything else derives from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from models.actors import contact_id
from models.agencies import Assignment, Contact, Role
from models.live import LIVE_TASK, done_day, with_groups
from models.live import is_live as occurrence_live
from models.plans import Occurrence, OccurrenceStatus, Plan, PlanStatus, Task


def unit_agency_ids(session: Session, contact: Contact) -> set[int]:
    """The agencies whose deadlines make the contact's unit: its agency and the groups that agency belongs to
    (a task for "Các sở, ban, ngành" is a task of each member)."""
    return with_groups(session, [contact.agency_id]) if contact.agency_id is not None else set()


def done_by_contact(occurrence: Occurrence) -> int | None:
    """The id of the contact who marked the occurrence done (``done_by`` = "contact:<id> <name>"), if one did."""
    return contact_id(occurrence.done_by)


def is_live(occurrence: Occurrence) -> bool:
    """``models.live.LIVE_OCCURRENCE`` for a loaded occurrence: a published plan, nothing cancelled."""
    milestone = occurrence.milestone
    task = milestone.task
    return (task.plan.status == PlanStatus.PUBLISHED and task.cancelled_at is None
            and milestone.cancelled_at is None and occurrence_live(occurrence))


@dataclass
class Permissions:
    """What one visitor may do; agency sets are computed once per request."""

    session: Session
    actor: str | None
    contact: Contact | None = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    private: bool = False  # HANCHOT_REQUIRE_LOGIN: a focal point then reads only its unit
    _unit: set[int] | None = None

    @classmethod
    def of(cls, session: Session, actor: str | None, *, tz: str = "Asia/Ho_Chi_Minh",
           private: bool = False) -> Permissions:
        contact = None
        if actor and actor.startswith("contact:") and actor[8:].isdigit():
            contact = session.get(Contact, int(actor[8:]))
            if contact is not None and not contact.active:
                contact = None
        return cls(session, actor if actor == "admin" or contact is not None else None, contact, ZoneInfo(tz),
                   private)

    @property
    def is_admin(self) -> bool:
        return self.actor == "admin"

    @property
    def is_focal_point(self) -> bool:
        return self.contact is not None

    @property
    def agency_id(self) -> int | None:
        return self.contact.agency_id if self.contact is not None else None

    @property
    def unit(self) -> set[int]:
        if self._unit is None:
            self._unit = unit_agency_ids(self.session, self.contact) if self.contact is not None else set()
        return self._unit

    # Reading ---------------------------------------------------------------------------------------------

    def in_unit(self, task: Task) -> bool:
        return any(a.agency_id in self.unit for a in task.assignments)

    def visible_agencies(self) -> set[int] | None:
        """The agencies whose deadlines this visitor may list, None for all (of published plans)."""
        if self.is_admin or not self.private:
            return None
        return self.unit

    def may_see_task(self, task: Task) -> bool:
        if self.is_admin:
            return True
        if task.plan.status != PlanStatus.PUBLISHED:
            return False
        return not self.private or self.in_unit(task)

    def may_see_agency(self, agency_id: int) -> bool:
        visible = self.visible_agencies()
        return visible is None or agency_id in visible

    # Acting ----------------------------------------------------------------------------------------------

    def may_report_on(self, agency_id: int) -> bool:
        """The progress report names who closed what: the admin's, and a focal point's for its own unit."""
        return self.is_admin or (self.is_focal_point and agency_id in self.unit)

    def plan_report_agency(self, plan: Plan) -> int | None:
        """Whose part of a plan's progress report this visitor may download: the admin the whole plan (None), a
        focal point its own unit's tasks of a published plan that gives its unit a live one (its agency id;
        ``calendars.progress`` adds the groups). Raises ``PermissionError`` for anyone else."""
        if self.is_admin:
            return None
        if self.is_focal_point and self.agency_id is not None and \
                self.session.scalar(select(Plan.id).where(Plan.id == plan.id, self._unit_plan())) is not None:
            return self.agency_id
        raise PermissionError("progress report of a plan outside the visitor's reach")

    def report_plans(self) -> list[Plan]:
        """The plans whose part ``plan_report_agency`` lets this focal point download, newest first (the links
        of its home); none for anyone else."""
        if not (self.is_focal_point and self.agency_id is not None):
            return []
        return list(self.session.scalars(select(Plan).where(self._unit_plan())
                                         .order_by(Plan.published_at.desc().nulls_last(), Plan.id.desc())))

    def _unit_plan(self) -> ColumnElement[bool]:
        """A published plan with a live task assigned to the focal point's unit (as lead or support)."""
        return Plan.id.in_(select(Task.plan_id).join(Task.plan).join(Task.assignments)
                           .where(*LIVE_TASK, Assignment.agency_id.in_(self.unit)))

    def leads(self, task: Task) -> bool:
        """The visitor's own agency leads the task (a group it belongs to does not: one member's "done" would
        close the deadline for all the others)."""
        return self.agency_id is not None and any(
            a.agency_id == self.agency_id and a.role == Role.LEAD for a in task.assignments)

    def may_close(self, occurrence: Occurrence) -> bool:
        if occurrence.status not in (OccurrenceStatus.OPEN, OccurrenceStatus.MOVED):
            return False
        if self.is_admin:
            return occurrence.status != OccurrenceStatus.CANCELLED
        return self.is_focal_point and is_live(occurrence) and self.leads(occurrence.milestone.task)

    def may_undo(self, occurrence: Occurrence, now: datetime) -> bool:
        if occurrence.status != OccurrenceStatus.DONE:
            return False
        if self.is_admin:
            return True
        if not (self.is_focal_point and is_live(occurrence) and self.leads(occurrence.milestone.task)):
            return False
        return (done_by_contact(occurrence) == self.contact.id  # type: ignore[union-attr]
                and done_day(occurrence, self.tz) == self.local_day(now))

    def may_request_extension(self, occurrence: Occurrence) -> bool:
        return (self.is_focal_point and occurrence.status in (OccurrenceStatus.OPEN, OccurrenceStatus.MOVED)
                and is_live(occurrence) and self.leads(occurrence.milestone.task))

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    @property
    def who(self) -> str:
        """The audit log's actor: "admin" or "contact:<id> <name>"."""
        if self.contact is not None:
            return f"contact:{self.contact.id} {self.contact.name}"
        return self.actor or "anonymous"
