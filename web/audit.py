"""Write AuditLog rows for every edit made through the web app or the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from models import AuditLog


def snapshot(row: Any, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The row's column values as JSON-friendly data (dates as ISO text)."""
    names = fields or tuple(attr.key for attr in inspect(type(row)).column_attrs)
    return {name: _plain(getattr(row, name)) for name in names}


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def record(session: Session, actor: str, action: str, entity: str, entity_id: int | None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
    """Add one AuditLog row to the current transaction (it commits or rolls back with the edit itself)."""
    session.add(AuditLog(actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after))
