"""Agencies, groups of agencies, who does which task, and the people to remind.

``agencies.head_contact_id`` and ``contacts.agency_id`` point at each other; the first is created after
both tables exist (``use_alter``). Merging duplicate agencies re-points assignments and contacts, so
``assignments.agency_id`` refuses a delete that would orphan them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UtcDateTime, one_of, utcnow, values

if TYPE_CHECKING:
    from models.plans import Task


class AgencyLevel(StrEnum):
    TINH = "tinh"
    HUYEN = "huyen"
    XA = "xa"
    OTHER = "other"


class Role(StrEnum):
    LEAD = "lead"
    SUPPORT = "support"
    SYNTHESIS = "synthesis"  # "Cơ quan tổng hợp"


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (one_of("level", values(AgencyLevel)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(100))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[str] = mapped_column(String(16), default=AgencyLevel.OTHER)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), index=True)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)  # "UBND cấp xã", "Các sở, ban, ngành"
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)  # an unknown name met in an import
    head_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL", use_alter=True))  # who gets escalations
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent")
    contacts: Mapped[list[Contact]] = relationship(back_populates="agency", foreign_keys="Contact.agency_id")
    head_contact: Mapped[Contact | None] = relationship(foreign_keys=[head_contact_id], post_update=True)
    members: Mapped[list[Agency]] = relationship(
        secondary="agency_group_members", primaryjoin="Agency.id == AgencyGroupMember.group_id",
        secondaryjoin="Agency.id == AgencyGroupMember.member_id", order_by="Agency.name")


class AgencyGroupMember(Base):
    """``group_id`` (an agency with is_group) stands for ``member_id`` among others."""

    __tablename__ = "agency_group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("task_id", "agency_id", "role"),
        one_of("role", values(Role)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    as_written: Mapped[str] = mapped_column(Text, default="")  # the name as the plan wrote it
    # The admin chose this agency for ``as_written``: a re-import or a revision keeps the choice.
    manual: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    task: Mapped[Task] = relationship(back_populates="assignments")
    agency: Mapped[Agency] = relationship()


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(String(255))
    zalo_user_id: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)  # preference order: ["email", "zalo"]
    is_focal_point: Mapped[bool] = mapped_column(Boolean, default=False)  # the CCHC focal point
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)
    receive_support: Mapped[bool] = mapped_column(Boolean, default=False)  # also reminded for support roles
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship(back_populates="contacts", foreign_keys=[agency_id])
