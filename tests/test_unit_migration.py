"""Migration 0004_units on a database with data: shared commune agencies split by the plans that use them.

The rows are written at revision 0003 as the importer wrote them before units: one "Công an xã" for every commune,
one "Công chức chuyên môn" group holding every commune's officials. After the upgrade each commune has its own
rows, assignments and contacts follow their commune, and the downgrade merges the rows back.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from models.base import UtcDateTime
from models.db import make_engine
from models.migrate import alembic_config, upgrade

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
TYPES = {"implements": sa.JSON(), "day_rules": sa.JSON(), "warnings": sa.JSON(), "aliases": sa.JSON(),
         "channels": sa.JSON(), "after": sa.JSON(), "created_at": UtcDateTime(), "updated_at": UtcDateTime()}
T = {name: sa.table(name, *(sa.column(c, TYPES.get(c)) for c in columns)) for name, columns in {
    "plans": ("id", "title", "issuer", "plan_year", "implements", "source_name", "content_hash", "status", "day_rules",
              "warnings", "created_at", "updated_at"),
    "tasks": ("id", "plan_id", "key", "origin", "position", "content", "deadline_text", "updated_at"),
    "agencies": ("id", "name", "aliases", "level", "is_group", "needs_review", "created_at", "unit_id"),
    "agency_group_members": ("group_id", "member_id"),
    "assignments": ("id", "task_id", "agency_id", "role", "as_written"),
    "contacts": ("id", "name", "agency_id", "email", "channels", "is_focal_point", "is_head", "receive_support",
                 "digest", "active", "created_at"),
    "feed_tokens": ("id", "token_hash", "name", "scope", "agency_id", "role", "created_at"),
    "units": ("id", "key", "name", "kind"),
    "audit_log": ("actor", "action", "entity_id", "after"),
}.items()}
PLANS = {1: "UBND xã Thiệu Vân", 2: "UBND xã Hoàng Phú", 3: "UBND tỉnh Thanh Hóa"}
AGENCIES = {  # id: (name, is group, level)
    10: ("Công an xã", False, "xa"), 11: ("Công chức chuyên môn", True, "other"),
    12: ("Công chức Tư pháp - Hộ tịch", False, "xa"), 13: ("Văn phòng HĐND và UBND", False, "xa"),
    14: ("Bộ phận một cửa", False, "other"), 15: ("Sở Nội vụ", False, "tinh"), 16: ("UBND cấp xã", True, "other"),
    17: ("UBND xã Thiệu Vân", False, "xa"), 18: ("UBND xã Hoàng Phú", False, "xa"),
}
MEMBERS = [(11, 10), (11, 12), (11, 13), (16, 17), (16, 18)]
TASKS = {100: 1, 101: 1, 102: 1, 200: 2, 201: 2, 202: 2, 300: 3}  # task: plan
ASSIGNMENTS = [(1, 100, 10, "lead"), (2, 101, 11, "support"), (3, 102, 14, "lead"), (4, 200, 10, "lead"),
               (5, 201, 11, "support"), (6, 202, 14, "lead"), (7, 300, 16, "lead"), (8, 300, 15, "support")]
CONTACTS = {1: ("Lê Văn An", "conganxa.hoangphu@thanhhoa.gov.vn"), 2: ("Trần Bình", "binh@example.com")}


def _fill_at_0003(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.insert(T["plans"]), [
            {"id": i, "title": f"Kế hoạch {i}", "issuer": issuer, "plan_year": 2026, "implements": [],
             "source_name": "", "content_hash": f"{i:064x}", "status": "published", "day_rules": [], "warnings": [],
             "created_at": NOW, "updated_at": NOW} for i, issuer in PLANS.items()])
        connection.execute(sa.insert(T["tasks"]), [
            {"id": t, "plan_id": p, "key": f"1-{t}", "origin": "table", "position": t, "content": "Việc",
             "deadline_text": "Quý I/2026", "updated_at": NOW} for t, p in TASKS.items()])
        connection.execute(sa.insert(T["agencies"]), [
            {"id": i, "name": name, "aliases": [], "level": level, "is_group": group, "needs_review": False,
             "created_at": NOW} for i, (name, group, level) in AGENCIES.items()])
        connection.execute(sa.insert(T["agency_group_members"]), [{"group_id": g, "member_id": m} for g, m in MEMBERS])
        connection.execute(sa.insert(T["assignments"]), [
            {"id": i, "task_id": t, "agency_id": a, "role": r, "as_written": AGENCIES[a][0]}
            for i, t, a, r in ASSIGNMENTS])
        connection.execute(sa.insert(T["contacts"]), [
            {"id": i, "name": name, "agency_id": 10, "email": email, "channels": ["email"], "is_focal_point": True,
             "is_head": False, "receive_support": False, "digest": False, "active": True, "created_at": NOW}
            for i, (name, email) in CONTACTS.items()])
        connection.execute(sa.insert(T["feed_tokens"]).values(id=1, token_hash="a" * 64, name="Công an xã",
                                                               scope="agency", agency_id=10, role="all",
                                                               created_at=NOW))
        if connection.dialect.name == "postgresql":  # ids given above: the sequences go on after them, as in use
            for table in ("plans", "tasks", "agencies", "assignments", "contacts", "feed_tokens"):
                connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                           f"(SELECT max(id) FROM {table}))"))


def _rows(engine: sa.Engine, table: str, *columns: str) -> list[tuple]:
    with engine.connect() as connection:
        t = T[table]
        return [tuple(r) for r in connection.execute(sa.select(*(t.c[c] for c in columns)))]


@pytest.fixture
def migrated(db_url: str):
    """A database at 0003 with the rows above, then upgraded to 0004_units."""
    engine = make_engine(db_url)
    upgrade(engine, "0003")
    _fill_at_0003(engine)
    upgrade(engine, "0004_units")
    yield engine
    engine.dispose()


def _units(engine: sa.Engine) -> dict[int, str]:
    """agency id → the key of its unit."""
    keys = dict(_rows(engine, "units", "id", "key"))
    return {agency_id: keys[unit_id] for agency_id, unit_id in _rows(engine, "agencies", "id", "unit_id")}


def _agency(engine: sa.Engine, name: str, unit: str) -> int:
    units = _units(engine)
    [found] = [i for i, n in _rows(engine, "agencies", "id", "name") if n == name and units[i] == unit]
    return found


def test_it_gives_each_commune_its_own_agency_and_moves_the_assignments_with_their_plan(migrated):
    units = _units(migrated)
    names = dict(_rows(migrated, "agencies", "id", "name"))
    police = {units[i] for i, n in names.items() if n == "Công an xã"}
    assert police == {"xa-thieu-van", "xa-hoang-phu"}
    assert units[10] == "xa-thieu-van"  # the row keeps its id for the unit of the first plan naming it
    assert units[15] == "tinh-thanh-hoa" and units[16] == "tinh-thanh-hoa"
    assert (units[17], units[18]) == ("xa-thieu-van", "xa-hoang-phu")
    assert units[13] == "xa-hoang-phu"  # the directory knows whose office it is, whatever group held it
    assignments = {i: a for i, _, a, _ in _rows(migrated, "assignments", "id", "task_id", "agency_id", "role")}
    assert assignments[1] == 10 and assignments[4] == _agency(migrated, "Công an xã", "xa-hoang-phu")
    assert units[assignments[2]] == "xa-thieu-van" and units[assignments[5]] == "xa-hoang-phu"
    assert units[assignments[3]] == "xa-thieu-van" and units[assignments[6]] == "xa-hoang-phu"  # unknown name: split
    assert (assignments[7], assignments[8]) == (16, 15)


def test_it_keeps_in_each_communes_group_only_that_communes_members(migrated):
    units = _units(migrated)
    members: dict[int, set[int]] = {}
    for group_id, member_id in _rows(migrated, "agency_group_members", "group_id", "member_id"):
        members.setdefault(group_id, set()).add(member_id)
    thieu_van = _agency(migrated, "Công chức chuyên môn", "xa-thieu-van")
    hoang_phu = _agency(migrated, "Công chức chuyên môn", "xa-hoang-phu")
    assert {units[m] for m in members[thieu_van]} == {"xa-thieu-van"}
    assert members[thieu_van] == {10, 12}
    assert members[hoang_phu] == {_agency(migrated, "Công an xã", "xa-hoang-phu"), 13}
    assert members[16] == {17, 18}  # the province's group keeps every commune


def test_it_moves_a_contact_whose_email_names_the_other_commune_and_flags_the_split_for_review(migrated):
    contacts = dict(_rows(migrated, "contacts", "id", "agency_id"))
    assert contacts[2] == 10  # nothing says which commune: kept on the first row
    assert contacts[1] == _agency(migrated, "Công an xã", "xa-hoang-phu")  # "conganxa.hoangphu@…"
    assert _rows(migrated, "feed_tokens", "agency_id") == [(10,)]
    review = dict(_rows(migrated, "agencies", "id", "needs_review"))
    assert review[10] and review[contacts[1]] and not review[15]
    [audit] = [after for actor, action, entity_id, after in _rows(migrated, "audit_log", "actor", "action",
                                                                    "entity_id", "after")
               if (actor, action, entity_id) == ("migration", "agency.split", 10)]
    assert audit["units"] == {"xã Thiệu Vân": 10, "xã Hoàng Phú": contacts[1]}
    assert audit["contacts"] == {"xã Thiệu Vân": [2], "xã Hoàng Phú": [1]}
    assert "cần kiểm tra" in audit["note"]


def test_it_merges_the_split_rows_back_on_downgrade_and_splits_them_again(migrated):
    command.downgrade(alembic_config(migrated), "0003")
    with migrated.connect() as connection:
        names = [n for (n,) in connection.execute(sa.text("SELECT name FROM agencies ORDER BY id"))]
        rows = connection.execute(sa.text("SELECT id, agency_id FROM assignments ORDER BY id")).all()
        contacts = connection.execute(sa.text("SELECT agency_id FROM contacts")).scalars().all()
        pairs = connection.execute(sa.text("SELECT group_id, member_id FROM agency_group_members")).all()
    assert sorted(names) == sorted(n for n, _, _ in AGENCIES.values())
    assert [tuple(r) for r in rows] == [(i, a) for i, _, a, _ in ASSIGNMENTS]
    assert contacts == [10, 10]
    assert sorted(tuple(p) for p in pairs) == sorted(MEMBERS)
    upgrade(migrated, "0004_units")
    assert sorted(n for _, n in _rows(migrated, "agencies", "id", "name")).count("Công an xã") == 2
