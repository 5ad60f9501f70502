"""Put the agencies of a database made before units into their units, splitting the ones communes shared.

Before units, an agency was found by its name alone, so every commune's "Công an xã" was one row and the group
"Công chức chuyên môn" held every commune's officials. ``split_by_unit`` (migration 0004) gives each agency the
unit the directory says it belongs to; an agency the directory places only through a plan (a commune's own
office, a name the directory does not know, a group) goes to the units of the plans that name it, directly or
through a group, and is split into one row per unit:

- the row keeps its id for the unit of the first plan (lowest id) that names it; each other unit gets a copy;
- assignments move to the row of their plan's unit; group memberships follow the unit: a group of a commune or
  district keeps only its own unit's members (the copy in that unit when the member was split);
- contacts stay on the kept row, unless a contact's name or email names another unit's place ("hoangphu",
  "Hoàng Phú"), then it goes with that unit; feed tokens stay on the kept row;
- every split agency with contacts or feed tokens is flagged for review, and each split is written to the
  audit log (actor "migration", action "agency.split") with where each contact went.

``merge_same_names`` undoes it for a downgrade: rows of the same name are merged into the oldest one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from config.agencies import NATIONAL, AgencyDirectory, UnitRef, load_directory
from models.base import utcnow
from models.units import ensure_units

_AGENCIES = sa.table("agencies", sa.column("id", sa.Integer), sa.column("unit_id", sa.Integer),
                     sa.column("name", sa.String), sa.column("short_name", sa.String), sa.column("aliases", sa.JSON),
                     sa.column("level", sa.String), sa.column("parent_id", sa.Integer),
                     sa.column("is_group", sa.Boolean), sa.column("needs_review", sa.Boolean),
                     sa.column("head_contact_id", sa.Integer), sa.column("created_at", sa.DateTime(timezone=True)))
_MEMBERS = sa.table("agency_group_members", sa.column("group_id", sa.Integer), sa.column("member_id", sa.Integer))
_ASSIGNMENTS = sa.table("assignments", sa.column("id", sa.Integer), sa.column("task_id", sa.Integer),
                        sa.column("agency_id", sa.Integer), sa.column("role", sa.String))
_TASKS = sa.table("tasks", sa.column("id", sa.Integer), sa.column("plan_id", sa.Integer))
_PLANS = sa.table("plans", sa.column("id", sa.Integer), sa.column("issuer", sa.String))
_CONTACTS = sa.table("contacts", sa.column("id", sa.Integer), sa.column("agency_id", sa.Integer),
                     sa.column("name", sa.String), sa.column("email", sa.String))
_TOKENS = sa.table("feed_tokens", sa.column("id", sa.Integer), sa.column("agency_id", sa.Integer))
_AUDIT = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String),
                  sa.column("action", sa.String), sa.column("entity", sa.String), sa.column("entity_id", sa.Integer),
                  sa.column("before", sa.JSON), sa.column("after", sa.JSON))
_LOCAL_KINDS = ("xa", "huyen")
SPLIT_NOTE = ("Tách theo đơn vị khi nâng cấp: mỗi xã (hoặc huyện) có cơ quan riêng. Người nhận nhắc việc và lịch "
              "đăng ký ở lại cơ quan gốc, trừ người có tên hoặc email nêu tên xã khác; cần kiểm tra lại.")


def split_by_unit(connection: Connection, directory: AgencyDirectory | None = None) -> None:
    directory = directory or load_directory()
    agencies = {row.id: row for row in connection.execute(sa.select(_AGENCIES)).all()}
    if not agencies:
        return
    plan_units = {plan_id: directory.scope(issuer).unit
                  for plan_id, issuer in connection.execute(sa.select(_PLANS.c.id, _PLANS.c.issuer))}
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, member_id in connection.execute(sa.select(_MEMBERS.c.group_id, _MEMBERS.c.member_id)):
        members[group_id].add(member_id)
    uses = _uses(connection, plan_units, members)
    refs = {ref.key: ref for ref in plan_units.values()}
    homes: dict[int, list[UnitRef]] = {}
    for agency_id, row in agencies.items():
        used = [refs[key] for key, _ in sorted(uses.get(agency_id, {}).items(), key=lambda item: item[1])]
        homes[agency_id] = _units(directory, row, used)
    unit_ids = ensure_units(connection, [directory.province_unit, *(r for refs in homes.values() for r in refs)])
    copies: dict[int, dict[str, int]] = {}  # agency id → unit key → the row of that unit
    for agency_id, refs in homes.items():
        connection.execute(sa.update(_AGENCIES).where(_AGENCIES.c.id == agency_id)
                           .values(unit_id=unit_ids[refs[0].key]))
        copies[agency_id] = {refs[0].key: agency_id}
        for ref in refs[1:]:
            copies[agency_id][ref.key] = _copy(connection, agencies[agency_id], unit_ids[ref.key])
    _move_assignments(connection, plan_units, copies)
    _rebuild_memberships(connection, members, homes, copies)
    for agency_id, rows in copies.items():
        if len(rows) > 1:
            _move_contacts_and_record(connection, agencies[agency_id], homes[agency_id], rows)


def _uses(connection: Connection, plan_units: dict[int, UnitRef], members: dict[int, set[int]]
          ) -> dict[int, dict[str, int]]:
    """Agency id → unit key → the first plan (lowest id) of that unit naming it, directly or through a group."""
    uses: dict[int, dict[str, int]] = defaultdict(dict)
    named = sa.select(_ASSIGNMENTS.c.agency_id, _TASKS.c.plan_id).join(_TASKS, _TASKS.c.id == _ASSIGNMENTS.c.task_id)
    for agency_id, plan_id in connection.execute(named):
        for who in (agency_id, *members.get(agency_id, ())):
            key = plan_units[plan_id].key
            uses[who][key] = min(uses[who].get(key, plan_id), plan_id)
    return uses


def _units(directory: AgencyDirectory, row: Any, used: list[UnitRef]) -> list[UnitRef]:
    """The units an agency row belongs to, the first one keeping the row: what the directory says when it knows
    the name (a commune's own office: the communes that have one and use it), else the units of the plans."""
    if row.is_group:
        group = directory.group(row.name)
        if group is not None and group.level == NATIONAL:
            return [directory.national_unit]
        return used or [directory.province_unit]
    agency = directory.resolve(row.name)
    if agency is not None:
        return [directory.unit_of(agency)]
    offices = [directory.unit_of(a) for a in directory.local_offices(row.name)]
    if offices:
        return [ref for ref in used if ref in offices] or offices[:1]
    return used or [directory.province_unit]


def _copy(connection: Connection, row: Any, unit_id: int) -> int:
    values = {c: getattr(row, c) for c in ("name", "short_name", "aliases", "level", "parent_id", "is_group",
                                           "needs_review")}
    return connection.execute(sa.insert(_AGENCIES).values(**values, unit_id=unit_id, head_contact_id=None,
                                                          created_at=row.created_at).returning(_AGENCIES.c.id)
                              ).scalar_one()


def _move_assignments(connection: Connection, plan_units: dict[int, UnitRef], copies: dict[int, dict[str, int]]
                      ) -> None:
    split = [agency_id for agency_id, rows in copies.items() if len(rows) > 1]
    if not split:
        return
    query = (sa.select(_ASSIGNMENTS.c.id, _ASSIGNMENTS.c.agency_id, _TASKS.c.plan_id)
             .join(_TASKS, _TASKS.c.id == _ASSIGNMENTS.c.task_id).where(_ASSIGNMENTS.c.agency_id.in_(split)))
    for assignment_id, agency_id, plan_id in connection.execute(query).all():
        target = copies[agency_id].get(plan_units[plan_id].key, agency_id)
        if target != agency_id:
            connection.execute(sa.update(_ASSIGNMENTS).where(_ASSIGNMENTS.c.id == assignment_id)
                               .values(agency_id=target))


def _rebuild_memberships(connection: Connection, members: dict[int, set[int]], homes: dict[int, list[UnitRef]],
                         copies: dict[int, dict[str, int]]) -> None:
    """Each row of a group gets the members of its unit; a group of the province or the nation keeps them all."""
    unit_of_row = {row: key for rows in copies.values() for key, row in rows.items()}
    wanted: set[tuple[int, int]] = set()
    for group_id, old_members in members.items():
        for key, group_row in copies.get(group_id, {group_id: group_id}).items():
            kind = next((r.kind for r in homes.get(group_id, []) if r.key == key), None)
            for member in old_members:
                rows = copies.get(member, {})
                if kind in _LOCAL_KINDS:
                    if key in rows:
                        wanted.add((group_row, rows[key]))
                else:
                    wanted.add((group_row, rows.get(unit_of_row.get(group_row, ""), member)))
    connection.execute(sa.delete(_MEMBERS))
    if wanted:
        connection.execute(sa.insert(_MEMBERS), [{"group_id": g, "member_id": m} for g, m in sorted(wanted) if g != m])


def _move_contacts_and_record(connection: Connection, row: Any, refs: list[UnitRef], rows: dict[str, int]) -> None:
    contacts = connection.execute(sa.select(_CONTACTS.c.id, _CONTACTS.c.name, _CONTACTS.c.email)
                                  .where(_CONTACTS.c.agency_id == row.id)).all()
    tokens = connection.execute(sa.select(sa.func.count()).select_from(_TOKENS)
                                .where(_TOKENS.c.agency_id == row.id)).scalar_one()
    went: dict[str, list[int]] = defaultdict(list)
    for contact_id, name, email in contacts:
        key = next((ref.key for ref in refs[1:] if _names_place(ref, name, email)), refs[0].key)
        went[key].append(contact_id)
        if key != refs[0].key:
            connection.execute(sa.update(_CONTACTS).where(_CONTACTS.c.id == contact_id).values(agency_id=rows[key]))
    if contacts or tokens:
        connection.execute(sa.update(_AGENCIES).where(_AGENCIES.c.id.in_(rows.values())).values(needs_review=True))
    names = {ref.key: ref.name for ref in refs}
    connection.execute(sa.insert(_AUDIT).values(
        at=utcnow(), actor="migration", action="agency.split", entity="agencies", entity_id=row.id,
        before={"name": row.name, "unit": None},
        after={"units": {names[key]: agency_id for key, agency_id in rows.items()},
               "contacts": {names[key]: ids for key, ids in went.items()}, "feed_tokens_kept": tokens,
               "note": SPLIT_NOTE}))


def _names_place(ref: UnitRef, name: str | None, email: str | None) -> bool:
    """Whether a contact's name or email names the unit's place: "Hoàng Phú", "hoangphu", "hoang-phu", "hoang.phu"."""
    place = re.sub(r"^(?:xã|phường|thị trấn|huyện|thị xã|thành phố|quận)\s+", "", ref.name, flags=re.IGNORECASE)
    plain = _ascii(place)
    if not plain:
        return False
    text = _ascii(f"{name or ''} {email or ''}")
    return bool(re.search(r"(?<![a-z])" + r"[\s._-]?".join(map(re.escape, plain.split())) + r"(?![a-z])", text))


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def merge_same_names(connection: Connection) -> None:
    """Rows sharing a name (one per unit) merged into the oldest: what a database without units can hold."""
    rows = connection.execute(sa.select(_AGENCIES.c.id, _AGENCIES.c.name).order_by(_AGENCIES.c.id)).all()
    keep: dict[str, int] = {}
    for agency_id, name in rows:
        survivor = keep.setdefault(name, agency_id)
        if survivor != agency_id:
            _merge(connection, agency_id, survivor)


def _merge(connection: Connection, old: int, new: int) -> None:
    have = set(connection.execute(sa.select(_ASSIGNMENTS.c.task_id, _ASSIGNMENTS.c.role)
                                  .where(_ASSIGNMENTS.c.agency_id == new)).all())
    for assignment_id, task_id, role in connection.execute(
            sa.select(_ASSIGNMENTS.c.id, _ASSIGNMENTS.c.task_id, _ASSIGNMENTS.c.role)
            .where(_ASSIGNMENTS.c.agency_id == old)).all():
        if (task_id, role) in have:
            connection.execute(sa.delete(_ASSIGNMENTS).where(_ASSIGNMENTS.c.id == assignment_id))
        else:
            connection.execute(sa.update(_ASSIGNMENTS).where(_ASSIGNMENTS.c.id == assignment_id).values(agency_id=new))
            have.add((task_id, role))
    for table in (_CONTACTS, _TOKENS):
        connection.execute(sa.update(table).where(table.c.agency_id == old).values(agency_id=new))
    connection.execute(sa.update(_AGENCIES).where(_AGENCIES.c.parent_id == old).values(parent_id=new))
    pairs = set(connection.execute(sa.select(_MEMBERS.c.group_id, _MEMBERS.c.member_id)).all())
    moved = {(new if g == old else g, new if m == old else m) for g, m in pairs if old in (g, m)}
    connection.execute(sa.delete(_MEMBERS).where(sa.or_(_MEMBERS.c.group_id == old, _MEMBERS.c.member_id == old)))
    for group_id, member_id in sorted(moved - pairs):
        if group_id != member_id:
            connection.execute(sa.insert(_MEMBERS).values(group_id=group_id, member_id=member_id))
    connection.execute(sa.delete(_AGENCIES).where(_AGENCIES.c.id == old))
