"""What the stored dates were last computed from: the fingerprint of the configured work rules.

``holidays.toml``, ``policy.toml`` and ``day_rules.toml`` can be edited on disk while nothing runs; the
scheduler compares their fingerprint with the one stored here at start (and every few minutes) and
recomputes the stored dates when they differ.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, utcnow


class RulesState(Base):
    __tablename__ = "rules_state"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)  # "work_rules"
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 hex of the files' contents
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
