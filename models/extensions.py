"""Extensions (gia hạn): one occurrence moved to a later date, with the reason and the document granting it.

A focal point of an assigned agency may ask for one (``requested``); the admin approves or rejects it, or
grants one directly (recorded as ``approved`` at once). The approved date is copied to
``Occurrence.moved_to``, from which the work rules service derives ``effective_due``; the rows here keep
the whole history (who asked, who decided, from which date to which).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UtcDateTime, one_of, utcnow, values

if TYPE_CHECKING:
    from models.plans import Occurrence


class ExtensionStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Extension(Base):
    __tablename__ = "extensions"
    __table_args__ = (one_of("status", values(ExtensionStatus)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ExtensionStatus.REQUESTED)
    previous_due: Mapped[date] = mapped_column(Date)  # the effective date in force when it was asked for
    new_due: Mapped[date] = mapped_column(Date)  # the date asked for (and, once approved, granted)
    reason: Mapped[str] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(Text)  # the act granting it: "Công văn số 12/UBND-VP ngày …"
    requested_by: Mapped[str] = mapped_column(String(255))  # "admin" or "contact:<id> <name>"
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    occurrence: Mapped[Occurrence] = relationship(back_populates="extensions")
