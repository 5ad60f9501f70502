"""Several plans stored at once (ingest.batch): each in its own transaction, agencies created once."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.agencies import AgencyDirectory
from ingest import read_plan
from ingest.batch import store_each
from ingest.draft import PlanDraft
from ingest.store import ImportResult, store_plan
from models.agencies import Agency, AgencyGroupMember
from models.plans import Plan, Task
from tests.support.data import SEEDS

NEW_AGENCY = "Ban Quản lý dự án thử nghiệm song song"


@pytest.fixture(scope="module")
def seeds() -> list[PlanDraft]:
    return [read_plan(path) for path in sorted(SEEDS.glob("*.txt"))]


def _copies(seeds: list[PlanDraft], count: int) -> list[PlanDraft]:
    """``count`` distinct plans, every one naming the same agency the directory does not know."""
    drafts = []
    for n in range(count):
        draft = copy.deepcopy(seeds[n % len(seeds)])
        draft.number, draft.content_hash = f"{n + 1}/KH-SONGSONG", f"{n:064x}"
        draft.tasks[0].lead = [*draft.tasks[0].lead, NEW_AGENCY]
        drafts.append(draft)
    return drafts


def test_it_stores_plans_at_once_creating_each_new_agency_once_and_keeping_the_input_order(engine, seeds):
    directory = AgencyDirectory.load()
    drafts = _copies(seeds, 10)
    results: list[ImportResult] = store_each(engine, drafts, lambda s, d: store_plan(s, d, directory), jobs=4)
    with Session(engine) as session:
        numbers = dict(session.execute(select(Plan.id, Plan.number)).all())
        assert [numbers[r.plan_id] for r in results] == [d.number for d in drafts]
        for draft, result in zip(drafts, results, strict=True):
            assert result.created
            assert session.scalar(select(func.count()).select_from(Task).where(
                Task.plan_id == result.plan_id, Task.origin == "table")) == len(draft.tasks)
        rows = session.execute(select(Agency.unit_id, Agency.name)).all()
        assert len(rows) == len(set(rows))  # each agency once in its unit
        names = [name for _, name in rows]
        # an unknown name belongs to the unit of the plan naming it: once per unit (province, two communes, district)
        assert names.count(NEW_AGENCY) == len({d.scope(directory).unit for d in drafts}) == 4
        # Whoever inserted a name reports it, and only one import does.
        created = [name for r in results for name in r.agencies_created]
        assert sorted(created) == sorted(names)
        pairs = session.execute(select(AgencyGroupMember.group_id, AgencyGroupMember.member_id)).all()
        assert len(pairs) == len(set(pairs)) > 0


def test_a_failure_is_raised_and_leaves_nothing_of_its_plan(engine, seeds):
    directory = AgencyDirectory.load()
    drafts = _copies(seeds, 6)

    def store(session: Session, draft: PlanDraft) -> ImportResult:
        result = store_plan(session, draft, directory)
        if draft.number == "3/KH-SONGSONG":
            raise RuntimeError("refused after writing")
        return result

    with pytest.raises(RuntimeError, match="refused after writing"):
        store_each(engine, drafts, store, jobs=2)
    with Session(engine) as session:
        stored = set(session.scalars(select(Plan.number)).all())
        assert "3/KH-SONGSONG" not in stored
        assert stored <= {d.number for d in drafts}
        orphans = select(func.count()).select_from(Task).where(Task.plan_id.not_in(select(Plan.id)))
        assert session.scalar(orphans) == 0
