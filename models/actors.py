"""Who an actor is, as a reader knows them: the one reading of the strings written into audit rows and into
``done_by`` ("admin", "scheduler", "contact:<id> <name>" by ``Permissions.who``, "api:<id>:<name>" by the API)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.agencies import Contact

SYSTEM = {"admin": "Quản trị viên", "import": "Công cụ nhập", "scheduler": "Bộ lập lịch", "system": "Hệ thống",
          "api": "API", "test": "Kiểm thử"}
_CONTACT = re.compile(r"^contact:(\d+)(?:\s|$)")
_API = re.compile(r"^api:\d+:(.+)$")  # a bearer token: "api:<id>:<name>"


def contact_id(actor: str | None) -> int | None:
    """The id of the contact an actor string names ("contact:<id> <name>"), if it names one."""
    matched = _CONTACT.match(actor or "")
    return int(matched[1]) if matched else None


def contact_names(session: Session, actors: Iterable[str | None]) -> dict[int, str]:
    """The current names of the contacts among ``actors`` (one query, only the contacts named)."""
    ids = {ident for a in actors if (ident := contact_id(a)) is not None}
    if not ids:
        return {}
    return {ident: name for ident, name in session.execute(select(Contact.id, Contact.name).where(Contact.id.in_(ids)))}


def actor_name(actor: str | None, names: dict[int, str]) -> str:
    """"Quản trị viên", a contact's name (from ``contact_names``), "Khóa API “…”", or the string as stored."""
    actor = actor or ""
    if actor in SYSTEM:
        return SYSTEM[actor]
    if (ident := contact_id(actor)) is not None:
        return names.get(ident, actor)
    if found := _API.match(actor):
        return f"Khóa API “{found.group(1)}”"
    return actor
