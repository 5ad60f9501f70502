"""A plan as stored: the plan, its tasks, their milestones and the dated occurrences of each milestone.

Nothing here is deleted on re-import: a task or milestone that vanished from the new text gets
``cancelled_at``; matching uses the stable ``key`` strings. Deleting a plan (a draft the admin throws
away) cascades to everything below it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from deadlines.model import Kind
from models.base import Base, UtcDateTime, one_of, utcnow, values

if TYPE_CHECKING:
    from models.agencies import Assignment
    from models.extensions import Extension


class PlanStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class TaskOrigin(StrEnum):
    TABLE = "table"
    PROSE = "prose"  # an obligation from the prose of "TỔ CHỨC THỰC HIỆN"


class OccurrenceStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    MOVED = "moved"
    CANCELLED = "cancelled"


class Plan(Base):
    __tablename__ = "plans"
    __table_args__ = (
        one_of("status", values(PlanStatus)),
        Index("ix_plans_number_issuer", "number", "issuer"),
        # One plan per identity (models.identity), even when two imports of it run at once. NULL for a plan the
        # importer did not write and for the rows of a revision (models.revisions), which are not plans of their own.
        Index("uq_plans_identity_key", "identity_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(100))  # "4784/QĐ-UBND"
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(255))
    place: Mapped[str | None] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    plan_year: Mapped[int] = mapped_column(Integer)
    implements: Mapped[list[str]] = mapped_column(JSON, default=list)  # the plans this one cites
    source_name: Mapped[str] = mapped_column(String(255), default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 hex of the normalised text
    identity_key: Mapped[str | None] = mapped_column(String(64))  # models.identity.plan_identity
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.DRAFT)
    day_rules: Mapped[list[Any]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    tasks: Mapped[list[Task]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                             passive_deletes=True, order_by="Task.position")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        one_of("origin", values(TaskOrigin)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by uq_tasks_plan_id_key, whose leading column it is.
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))  # "A3-T5" or a short content hash; re-import matches on it
    origin: Mapped[str] = mapped_column(String(16), default=TaskOrigin.TABLE)
    appendix_number: Mapped[str | None] = mapped_column(String(20))
    appendix_title: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)  # the headings the row falls under: "B > IV > 5.1"
    number: Mapped[str | None] = mapped_column(String(20))  # TT as written: "1", "2.1", "a"
    position: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    # The table's columns with no role, by header ("Nguồn kinh phí", "Ghi chú"); NULL when there are none.
    extra: Mapped[dict[str, str] | None] = mapped_column(JSON)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    milestones: Mapped[list[Milestone]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                       passive_deletes=True, order_by="Milestone.position")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="task", cascade="all, delete-orphan",
                                                         passive_deletes=True)


class Milestone(Base):
    """One deadline of a task (deadlines.model.ParsedMilestone), plus what the admin changed or recorded.

    ``manual_override`` holds the fields the admin set by hand (``kind``, ``label``, ``due``, ``rrule``,
    ``event_date``, and ``adopted``: the cited plan's date taken over, with where it came from). While it is
    not empty the milestone's own dates are the admin's: a re-import of the plan leaves the milestone and its
    occurrences alone, and a recompute keeps its nominal dates (only their working-day shift follows the
    current calendar). Extensions (gia hạn) are kept on the occurrences, not here.

    ``basis`` is a recurring milestone as read, before any day rule moved it (``rrule``, ``strict`` and the
    ``occurrences`` with their periods): the day rules in force are applied to it again on every recompute.
    ``changed_at`` is when what a calendar shows of the milestone last changed (its SEQUENCE grew).
    """

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("task_id", "key"),
        one_of("kind", values(Kind)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))  # uq_milestones_task_id_key
    key: Mapped[str] = mapped_column(String(100))  # position + a hash of the label: stable across re-imports
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    due: Mapped[date | None] = mapped_column(Date)
    start: Mapped[date | None] = mapped_column(Date)
    rrule: Mapped[str | None] = mapped_column(Text)  # RFC 5545 text with DTSTART
    ad_hoc: Mapped[bool] = mapped_column(Boolean, default=False)
    event: Mapped[str | None] = mapped_column(Text)
    event_date: Mapped[date | None] = mapped_column(Date)  # when the event happened (the admin, or the plan's date)
    event_offset: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # time allowed after it (deadlines Offset)
    basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The plan a by_reference milestone cites ("Theo lộ trình Kế hoạch số 220/KH-UBND"), once it is imported.
    # A soft reference (no foreign key): resolved again on every import; a deleted plan simply no longer matches.
    linked_plan_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The number key a by_reference milestone cites (workrules.links.cited_key): other plans' citations of a
    # plan are found by an index, not by reading every milestone on each import.
    cited_key: Mapped[str | None] = mapped_column(String(100), index=True)
    reference: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text, default="")
    strict: Mapped[bool] = mapped_column(Boolean, default=False)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    manual_override: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the fields the admin edited
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE, bumped on every change
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)  # when ``sequence`` last grew
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    task: Mapped[Task] = relationship(back_populates="milestones")
    linked_plan: Mapped[Plan | None] = relationship(primaryjoin="foreign(Milestone.linked_plan_id) == Plan.id",
                                                    viewonly=True)
    occurrences: Mapped[list[Occurrence]] = relationship(back_populates="milestone", cascade="all, delete-orphan",
                                                         passive_deletes=True, order_by="Occurrence.due")


class Occurrence(Base):
    """One dated instance of a milestone.

    ``due`` is the nominal date (what the text, a day rule or the admin says); ``effective_due`` is the day
    that counts, the one feeds, reminders and the dashboard use: ``moved_to`` when an extension (gia hạn)
    was granted, else ``due``, in either case moved off a day off by the due policy. Only the work rules
    service (``workrules``) writes it.
    """

    __tablename__ = "occurrences"
    __table_args__ = (
        UniqueConstraint("milestone_id", "due"),
        one_of("status", values(OccurrenceStatus)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    due: Mapped[date] = mapped_column(Date)
    effective_due: Mapped[date] = mapped_column(Date, index=True)
    period: Mapped[str | None] = mapped_column(String(100))  # "quý I", "6 tháng", "năm"
    status: Mapped[str] = mapped_column(String(16), default=OccurrenceStatus.OPEN)
    moved_to: Mapped[date | None] = mapped_column(Date)  # the date an approved extension grants
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by: Mapped[str | None] = mapped_column(String(255))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)  # when ``sequence`` last grew
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    milestone: Mapped[Milestone] = relationship(back_populates="occurrences")
    extensions: Mapped[list[Extension]] = relationship(back_populates="occurrence", cascade="all, delete-orphan",
                                                       passive_deletes=True, order_by="Extension.id")


# no calendar shows these
_NOT_CONTENT = {"sequence", "updated_at", "changed_at", "basis", "linked_plan_id", "cited_key"}


@event.listens_for(Milestone, "before_update")
@event.listens_for(Occurrence, "before_update")
def _bump_sequence(mapper: Mapper[Any], connection: Connection, target: Milestone | Occurrence) -> None:
    """Calendar clients only take a changed event when its SEQUENCE grows: bump it on any content change.

    A caller that sets ``sequence`` itself in the same flush wins.
    """
    state = inspect(target)
    shown = (attr.key for attr in mapper.column_attrs if attr.key not in _NOT_CONTENT)
    if not state.attrs.sequence.history.has_changes() and any(state.attrs[k].history.has_changes() for k in shown):
        target.sequence = (target.sequence or 0) + 1
    if state.attrs.sequence.history.has_changes() and not state.attrs.changed_at.history.has_changes():
        target.changed_at = utcnow()  # DTSTAMP/LAST-MODIFIED of the event: only what it shows moves them


# What a calendar event shows of its task and its plan (calendars/query.py), besides its agencies' names.
TASK_SHOWN = ("content", "product", "deadline_text", "appendix_number")
PLAN_SHOWN = ("number", "title")


def shown_text_changed(tasks: Iterable[Task]) -> None:
    """Bump the SEQUENCE of the milestones of ``tasks``: what their calendar events show has changed.

    Tasks have no SEQUENCE of their own, yet their events show the task's text (``TASK_SHOWN``), the plan's
    number and title (``PLAN_SHOWN``) and the names of the assigned agencies; calendar clients ignore a
    changed event whose SEQUENCE did not grow. So every writer of those (the importer, the assignment and
    agency editors) calls this for the tasks it touched, in the same transaction. Once per flush is enough:
    a milestone whose SEQUENCE already changed since the last flush, or that is new, is left alone.
    """
    for task in tasks:
        if inspect(task).pending or inspect(task).transient:
            continue
        for milestone in task.milestones:
            state = inspect(milestone)
            if not (state.pending or state.transient or state.attrs.sequence.history.has_changes()):
                milestone.sequence = (milestone.sequence or 0) + 1
