"""Which plan a document is: one rule for the importer, the unique index and the migration that added it.

A numbered document is its number (with its whole symbol: "2629/QĐ-TTg"), issuer and year, plus the appendix
it is when it is an appendix sent on its own ("Phụ lục I" and "Phụ lục II" of one decision are two plans). A
document without a number is its issuer, title and year, so its text, Word and PDF renderings are one plan.
The key is a digest: bounded in length whatever the title, and the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from config.agencies import normalise

_APPENDIX = re.compile(r"^(Phụ lục(?:\s+[IVXLC\d]+)?)\s*:", re.IGNORECASE)


def plan_identity(number: str | None, issuer: str | None, title: str, plan_year: int) -> str:
    """The sha256 hex digest that names a plan; equal digests are the same plan."""
    appendix = _APPENDIX.match(title or "")
    if number:
        symbol = re.sub(r"\s+", "", number).replace("–", "-").upper()
        part_of = normalise(appendix.group(1)) if appendix else ""
        parts = ["so", symbol, normalise(issuer or ""), str(plan_year), part_of]
    else:
        parts = ["ten", normalise(issuer or ""), normalise(title or ""), str(plan_year)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def lock_key(identity: str) -> int:
    """A signed 64-bit number for PostgreSQL's advisory locks, taken from the identity digest."""
    return int.from_bytes(bytes.fromhex(identity[:16]), "big", signed=True)


def lock_plan_identity(session: Session, identity: str) -> None:
    """Hold the plan's identity until the caller's transaction ends, so a second import of it waits, then finds it.

    PostgreSQL: a transaction-level advisory lock on the identity (other plans import in parallel). SQLite has one
    writer at a time: taking the write lock now, before the look-up, makes the look-up see what the other import
    committed (the unique index would otherwise refuse the second insert).
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(identity)})
    elif connection.dialect.name == "sqlite":
        connection.execute(text("UPDATE plans SET id = id WHERE 0"))
