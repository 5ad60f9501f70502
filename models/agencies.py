"""Units, agencies, groups of agencies, who does which task, and the people to remind.

Every agency belongs to a unit: the province, one of its communes (or, before 7/2025, districts), the national
level, or another province whose plan was imported. Names are unique within a unit, not across units: each
commune has its own "Công an xã", and a group of a commune ("Công chức chuyên môn") holds that commune's
agencies only. ``agencies.unit_id`` may be empty only for an agency created by hand outside any unit (names
are then unique among such agencies).

``agencies.head_contact_id`` and ``contacts.agency_id`` point at each other; the first is created after
both tables exist (``use_alter``). Merging duplicate agencies re-points assignments and contacts, so
``assignments.agency_id`` refuses a delete that would orphan them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UtcDateTime, one_of, utcnow, values

if TYPE_CHECKING:
    from models.plans import Task


class AgencyLevel(StrEnum):
    TINH = "tinh"
    HUYEN = "huyen"
    XA = "xa"
    NATIONAL = "trung-uong"
    OTHER = "other"


class UnitKind(StrEnum):
    PROVINCE = "tinh"
    DISTRICT = "huyen"
    COMMUNE = "xa"
    NATIONAL = "trung-uong"
    EXTERNAL = "ngoai"  # another province, or an issuer outside the deployment


class Unit(Base):
    """A government and its offices (config.agencies.UnitRef); ``key`` is how the importer finds it again."""

    __tablename__ = "units"
    __table_args__ = (one_of("kind", values(UnitKind)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # "tinh-thanh-hoa", "xa-hoang-phu", "trung-uong"
    name: Mapped[str] = mapped_column(String(255))  # "tỉnh Thanh Hóa", "xã Hoàng Phú", "Trung ương"
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    agencies: Mapped[list[Agency]] = relationship(back_populates="unit", order_by="Agency.name")


class Role(StrEnum):
    LEAD = "lead"
    SUPPORT = "support"
    SYNTHESIS = "synthesis"  # "Cơ quan tổng hợp"


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (
        one_of("level", values(AgencyLevel)),
        UniqueConstraint("unit_id", "name"),
        Index("uq_agencies_name_without_unit", "name", unique=True, sqlite_where=text("unit_id IS NULL"),
              postgresql_where=text("unit_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str | None] = mapped_column(String(100))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    level: Mapped[str] = mapped_column(String(16), default=AgencyLevel.OTHER)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), index=True)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)  # "UBND cấp xã", "Các sở, ban, ngành"
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)  # an unknown name met in an import
    head_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL", use_alter=True))  # who gets escalations
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship(back_populates="agencies")
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
    note: Mapped[str | None] = mapped_column(Text)  # what the plan adds to the name: "(nếu có)", a bracketed scope
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
    # Channels switched off after a permanent error (a bounce): {channel: {"reason": …, "at": iso}}; an admin
    # re-enables them (scheduler.channel_blocks). Null when none is off.
    channel_blocks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    is_focal_point: Mapped[bool] = mapped_column(Boolean, default=False)  # the CCHC focal point
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)
    receive_support: Mapped[bool] = mapped_column(Boolean, default=False)  # also reminded for support roles
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship(back_populates="contacts", foreign_keys=[agency_id])
