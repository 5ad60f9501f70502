"""Who changed what: one row per admin action or import, with the entity before and after, and from where.

``ip`` is the address the change came from. The web app sets ``REQUEST_ORIGIN`` for each request (the
client's address, proxies honoured only when trusted), so every row written while serving it carries that
address whichever module writes it; rows written by the CLI or the scheduler have none.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, utcnow

REQUEST_ORIGIN: ContextVar[str | None] = ContextVar("hanchot_request_origin", default=None)


def request_origin() -> str | None:
    return REQUEST_ORIGIN.get()


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255))  # "admin", "import", "scheduler"
    action: Mapped[str] = mapped_column(String(100))  # "plan.publish", "occurrence.done", "agency.merge"
    entity: Mapped[str] = mapped_column(String(50))  # table name: "plans", "occurrences"
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45), default=request_origin)
