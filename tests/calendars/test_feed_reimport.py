"""Re-importing an edited plan through the real importer: what calendar clients see change, event by event.

Seed 004 (Quyết định 4784/QĐ-UBND) is imported and published, then its text is edited the way a revised
plan would be: one deadline cell changed, one task's content reworded, one task row deleted. Unchanged
events must keep UID and SEQUENCE (and their text), changed ones keep UID with a higher SEQUENCE, and the
deleted task's events leave the feed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from calendars.query import Scope
from config.agencies import AgencyDirectory
from models import FeedScope, Task
from tests.calendars.seeds import SEEDS, feed_events, import_and_publish

DEADLINE = ("\tQuý I/2019.\n", "\tQuý II/2019.\n")  # task 1-6: end of Q1 → end of Q2
CONTENT = ("Xây dựng và tổ chức thực hiện Kế hoạch rà soát", "Xây dựng, ban hành và tổ chức thực hiện Kế hoạch rà soát")
DELETED_ROW = re.compile(r"\t2\n\tHướng dẫn chuyên môn, nghiệp vụ về theo dõi thi hành pháp luật.*?(?=\t3\n)", re.S)


def edited(text: str) -> str:
    for old, new in (DEADLINE, CONTENT):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    text, removed = DELETED_ROW.subn("", text, count=1)
    assert removed == 1
    return text


def by_task(session, plan_id: int, events: dict[str, dict[str, object]]) -> dict[str, list[str]]:
    """Task key ("1-6") → the UIDs of its events (the event URL names the task id)."""
    keys = dict(session.execute(select(Task.id, Task.key).where(Task.plan_id == plan_id)).all())
    found: dict[str, list[str]] = {}
    for uid, event in events.items():
        found.setdefault(keys[int(str(event["url"]).rsplit("/", 1)[1])], []).append(uid)
    return found


def test_it_keeps_uids_bumps_changed_sequences_and_drops_deleted_events_when_an_edited_plan_is_reimported(
        session, tmp_path: Path):
    directory = AgencyDirectory.load()
    [seed] = SEEDS.glob("004_*.txt")
    original = import_and_publish(session, seed, directory)
    scope = Scope(FeedScope.PLAN, original.plan_id)
    before = feed_events(session, scope)
    tasks = by_task(session, original.plan_id, before)
    assert len(before) > 100 and {"1-2", "1-4", "1-6"} <= set(tasks)

    revised = tmp_path / "4784-sua-doi.txt"
    revised.write_text(edited(seed.read_text(encoding="utf-8")), encoding="utf-8")
    again = import_and_publish(session, revised, directory)
    after = feed_events(session, scope)

    assert again.plan_id == original.plan_id and not again.created
    assert (again.tasks_changed, again.tasks_cancelled, again.tasks_added) == (2, 1, 0)
    [moved] = tasks["1-6"]
    # 31/3 and 30/6/2019 are Sundays: the effective day is a working day next to them (deadlines.duepolicy).
    assert abs(before[moved]["start"] - date(2019, 3, 31)) <= timedelta(days=2), before[moved]
    assert abs(after[moved]["start"] - date(2019, 6, 30)) <= timedelta(days=2), after[moved]
    assert after[moved]["sequence"] > before[moved]["sequence"]
    [reworded] = tasks["1-4"]
    assert CONTENT[1] in str(after[reworded]["description"]) and CONTENT[1] not in str(before[reworded]["description"])
    assert after[reworded]["sequence"] > before[reworded]["sequence"]
    assert set(tasks["1-2"]) and not set(tasks["1-2"]) & set(after)
    assert set(after) == set(before) - set(tasks["1-2"])
    for uid in set(after) - {moved, reworded}:
        assert after[uid] == before[uid], uid  # same SEQUENCE, day, summary, description


def test_it_bumps_every_event_once_when_a_reimport_renames_the_plan(session, tmp_path: Path):
    """Every event shows the plan's title: the importer bumps each SEQUENCE once (models.plans.shown_text_changed);
    the event whose date changed in the same import grows too."""
    directory = AgencyDirectory.load()
    [seed] = SEEDS.glob("004_*.txt")
    text = seed.read_text(encoding="utf-8")
    original = import_and_publish(session, seed, directory)
    scope = Scope(FeedScope.PLAN, original.plan_id)
    before = feed_events(session, scope)
    [moved] = by_task(session, original.plan_id, before)["1-6"]

    revised = tmp_path / "4784-doi-ten.txt"
    revised.write_text(text.replace("\nCẢI CÁCH HÀNH CHÍNH NĂM 2019\n", "\nCẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC NĂM 2019\n", 1)
                       .replace(*DEADLINE), encoding="utf-8")
    again = import_and_publish(session, revised, directory)
    after = feed_events(session, scope)

    assert again.plan_id == original.plan_id and again.plan_changed
    assert set(after) == set(before)
    others = set(before) - {moved}
    assert {uid: after[uid]["sequence"] - before[uid]["sequence"] for uid in others} == dict.fromkeys(others, 1)
    assert after[moved]["start"] != before[moved]["start"] and after[moved]["sequence"] > before[moved]["sequence"]
