"""A new version of a published plan: a draft revision, its diff, publishing it in one step, undo, unpublish.

Seed 004 (Quyết định 4784/QĐ-UBND) is imported, published and fixed by the admin (a date, an agency); a date is
marked done. Then an edited text comes in: one deadline moved, one task reworded, one task row deleted.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config.agencies import AgencyDirectory
from ingest import read_plan
from ingest.revision_diff import revision_diff
from ingest.revisions import RevisionError, publish, revision_of, undo_revision, unpublish
from ingest.store import store_plan
from models import Agency, Milestone, Occurrence, Plan, PlanRevision, RevisionState, Task
from tests.support.data import SEEDS
from web.editing import apply_edit
from workrules.rules import settings_work_rules

[SEED] = SEEDS.glob("004_*.txt")
DEADLINE = ("\tQuý I/2019.\n", "\tQuý II/2019.\n")  # task 1-6
CONTENT = ("Xây dựng và tổ chức thực hiện Kế hoạch rà soát", "Xây dựng, ban hành và tổ chức thực hiện Kế hoạch rà soát")
DELETED_ROW = re.compile(r"\t2\n\tHướng dẫn chuyên môn, nghiệp vụ về theo dõi thi hành pháp luật.*?(?=\t3\n)", re.S)
NOW = datetime(2019, 1, 10, 3, tzinfo=UTC)


def _edited(tmp_path: Path) -> Path:
    text = SEED.read_text(encoding="utf-8")
    for old, new in (DEADLINE, CONTENT):
        assert text.count(old) == 1
        text = text.replace(old, new)
    text, removed = DELETED_ROW.subn("", text, count=1)
    assert removed == 1
    path = tmp_path / "4784-sua-doi.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _task(session, plan_id: int, key: str) -> Task:
    return session.scalar(select(Task).where(Task.plan_id == plan_id, Task.key == key))


def _dates(milestone: Milestone) -> list[date]:
    return sorted(o.effective_due for o in milestone.occurrences if o.status != "cancelled")


@pytest.fixture
def live(session):
    """Seed 004 published, with the admin's fixes: 1-1's date moved by hand, 1-6's lead remapped; 1-2 done."""
    directory = AgencyDirectory.load()
    result = store_plan(session, read_plan(SEED), directory, now=NOW)
    publish(session, result.plan_id, now=NOW)
    session.flush()
    [fixed] = _task(session, result.plan_id, "1-1").milestones
    apply_edit(fixed, kind="once", label="Rà soát xong", due=date(2019, 1, 15), rrule=None, plan_year=2019,
               rules=settings_work_rules())
    lead = next(a for a in _task(session, result.plan_id, "1-6").assignments if a.role == "lead")
    other = Agency(name="Sở Tư pháp (Phòng Văn bản)")
    session.add(other)
    session.flush()
    lead.agency_id, lead.manual = other.id, True
    [done] = _task(session, result.plan_id, "1-2").milestones[0].occurrences
    done.status, done.done_at, done.done_by = "done", NOW, "admin"
    session.commit()
    return result.plan_id


def test_a_new_version_of_a_published_plan_waits_as_a_revision_and_changes_nothing_live(session, live, tmp_path):
    before = {t.key: (t.content, t.cancelled_at) for t in session.get(Plan, live).tasks}
    result = store_plan(session, read_plan(_edited(tmp_path)), AgencyDirectory.load(), now=NOW)
    session.commit()
    assert result.revision_of == live and result.plan_id != live
    session.expire_all()
    assert {t.key: (t.content, t.cancelled_at) for t in session.get(Plan, live).tasks} == before
    assert _dates(_task(session, live, "1-6").milestones[0]) == [date(2019, 4, 1)]  # 31/3 is a Sunday
    revision = session.get(Plan, result.plan_id)
    assert revision.status == "draft" and revision.identity_key is None
    again = store_plan(session, read_plan(_edited(tmp_path)), AgencyDirectory.load(), now=NOW)
    assert again.plan_id == result.plan_id, "a second upload updates the waiting revision, not a new one"
    same = store_plan(session, read_plan(SEED), AgencyDirectory.load(), now=NOW)
    assert (same.plan_id, same.created, same.revision_of, same.changed) == (live, False, None, False)
    assert session.scalar(select(func.count()).select_from(PlanRevision)) == 1


def test_the_diff_shows_each_field_old_and_new_and_the_fixes_it_keeps(session, live, tmp_path):
    result = store_plan(session, read_plan(_edited(tmp_path)), AgencyDirectory.load(), now=NOW)
    session.commit()
    diff = revision_diff(session.get(Plan, live), session.get(Plan, result.plan_id))
    states = {t.key: t.state for t in diff.tasks}
    assert states == {"1-4": "changed", "1-6": "changed", "1-2": "cancelled"}
    moved = next(t for t in diff.tasks if t.key == "1-6")
    fields = {c.field: (c.old, c.new) for c in moved.changes}
    assert fields["Thời hạn (nguyên văn)"] == ("Quý I/2019.", "Quý II/2019.")
    assert fields["Hạn"] == ("01/04/2019", "01/07/2019")  # 31/3 and 30/6/2019 are Sundays
    assert moved.old_id == _task(session, live, "1-6").id and moved.new_id == _task(session, result.plan_id, "1-6").id
    reworded = next(t for t in diff.tasks if t.key == "1-4")
    old, new = dict((c.field, (c.old, c.new)) for c in reworded.changes)["Nội dung"]
    assert old.startswith(CONTENT[0]) and new.startswith(CONTENT[1]) and len(new) > 200  # whole, not cut
    kept = {f.label: (f.kept, f.what) for f in diff.fixes}
    assert kept["PL 1 · 1"][0] and "15/01/2019" in kept["PL 1 · 1"][1] and "sửa tay" in kept["PL 1 · 1"][1]
    assert kept["PL 1 · 6"][0] and "Sở Tư pháp (Phòng Văn bản)" in kept["PL 1 · 6"][1]
    revision_lead = next(a for a in _task(session, result.plan_id, "1-6").assignments if a.role == "lead")
    assert revision_lead.agency.name == "Sở Tư pháp (Phòng Văn bản)" and revision_lead.manual


def test_publishing_the_revision_replaces_the_live_plan_keeping_ids_fixes_and_done_dates(session, live, tmp_path):
    ids = {t.key: t.id for t in session.get(Plan, live).tasks}
    result = store_plan(session, read_plan(_edited(tmp_path)), AgencyDirectory.load(), now=NOW)
    published = publish(session, result.plan_id, now=NOW)
    session.commit()
    session.expire_all()
    assert published.plan_id == live
    assert (published.tasks_changed, published.tasks_cancelled, published.tasks_added) == (2, 1, 0)
    assert session.get(Plan, result.plan_id) is None, "the revision's rows are gone once published"
    plan = session.get(Plan, live)
    assert plan.status == "published" and {t.key: t.id for t in plan.tasks} == ids
    assert _dates(_task(session, live, "1-6").milestones[0]) == [date(2019, 7, 1)]
    assert _task(session, live, "1-4").content.startswith(CONTENT[1])
    [fixed] = _task(session, live, "1-1").milestones
    assert _dates(fixed) == [date(2019, 1, 15)] and fixed.manual_override["due"] == "2019-01-15"
    lead = next(a for a in _task(session, live, "1-6").assignments if a.role == "lead")
    assert lead.agency.name == "Sở Tư pháp (Phòng Văn bản)"
    dropped = _task(session, live, "1-2")
    assert dropped.cancelled_at is not None
    assert [o.status for o in dropped.milestones[0].occurrences] == ["done"]
    assert revision_of(session, live, RevisionState.PREVIOUS) is not None


def test_undo_puts_the_previous_version_back_and_keeps_the_undone_one_as_a_revision(session, live, tmp_path):
    result = store_plan(session, read_plan(_edited(tmp_path)), AgencyDirectory.load(), now=NOW)
    publish(session, result.plan_id, now=NOW)
    session.commit()
    undo_revision(session, live, now=NOW)
    session.commit()
    session.expire_all()
    assert _task(session, live, "1-4").content.startswith(CONTENT[0])
    assert _task(session, live, "1-2").cancelled_at is None
    assert _dates(_task(session, live, "1-6").milestones[0]) == [date(2019, 4, 1)]
    assert [o.status for o in _task(session, live, "1-2").milestones[0].occurrences] == ["done"]
    pending = revision_of(session, live, RevisionState.PENDING)
    assert pending is not None and revision_of(session, live, RevisionState.PREVIOUS) is None
    assert _task(session, pending.plan_id, "1-4").content.startswith(CONTENT[1])
    with pytest.raises(RevisionError, match="không có phiên bản trước"):
        undo_revision(session, live, now=NOW)


def test_unpublish_takes_the_plan_out_of_feeds_and_reminders(session, live):
    unpublish(session, live)
    session.commit()
    assert session.get(Plan, live).status == "draft"
    with pytest.raises(RevisionError, match="chưa ban hành"):
        unpublish(session, live)
    live_dates = session.scalar(select(func.count()).select_from(Occurrence).join(Milestone).join(Task).join(Plan)
                                .where(Plan.status == "published"))
    assert live_dates == 0
