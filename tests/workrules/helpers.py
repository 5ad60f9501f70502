"""A private config folder, imports through the real importer, and the feed/reminder probes the work rules
tests share."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.query import Scope, build_feed, event_uid
from config.agencies import AgencyDirectory
from config.settings import Settings
from ingest import read_plan
from ingest.store import store_plan
from models import FeedScope, Milestone, Occurrence, Plan, Task
from tests.support.data import DATES
from workrules.rules import WorkRules, load_work_rules

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "https://hanchot.test"
PLAN_21 = DATES / "ke-hoach-21-2026.txt"
PLAN_220 = DATES / "ke-hoach-220-2026.txt"
CV_581 = ('\n[[rule]]\ntext = "Báo cáo cải cách hành chính định kỳ: chậm nhất là ngày 20 của tháng cuối kỳ báo cáo"\n'
          'source = "Công văn số 581/BNV-CCHC"\n')


def config_dir(tmp_path: Path, *, day_rules: str = "", digest: str = "each") -> Path:
    """A copy of the shipped config folder, with extra day rules and the reminder digest mode."""
    folder = tmp_path / "config"
    shutil.copytree(ROOT / "config", folder)
    (folder / "day_rules.toml").write_text((folder / "day_rules.toml").read_text(encoding="utf-8") + day_rules,
                                           encoding="utf-8")
    policy = folder / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace('digest = "daily"', f'digest = "{digest}"'),
                      encoding="utf-8")
    return folder


def add_day_off(folder: Path, day: date, reason: str = "Nghỉ bù theo thông báo của tỉnh") -> None:
    path = folder / "holidays.toml"
    path.write_text(path.read_text(encoding="utf-8") +
                    f'\n[[day_off]]\ndate = {day.isoformat()}\nreason = "{reason}"\nsource = "Thông báo thử"\n',
                    encoding="utf-8")


def settings_for(folder: Path, database_url: str) -> Settings:
    return Settings(config_dir=folder, database_url=database_url)


def import_plan(session: Session, path: Path, rules: WorkRules, *, publish: bool = True) -> Plan:
    """Import ``path`` as an admin would, and publish it: a plan already published gets the new text as a
    revision, published onto it (ingest.revisions). Returns the live plan."""
    from ingest.revisions import publish as go_live

    result = store_plan(session, read_plan(path), AgencyDirectory.load(rules.config_dir / "agencies.toml"),
                        rules=rules)
    plan_id = result.plan_id
    if publish:
        plan_id = go_live(session, plan_id, now=datetime(2026, 1, 5, 2, tzinfo=UTC), rules=rules).plan_id
    session.commit()
    return session.get_one(Plan, plan_id)


def milestone_of(session: Session, plan: Plan, key: str) -> Milestone:
    return session.scalars(select(Milestone).join(Task).where(Task.plan_id == plan.id, Task.key == key)).one()


def live(milestone: Milestone) -> list[Occurrence]:
    return sorted((o for o in milestone.occurrences if o.status != "cancelled"), key=lambda o: o.due)


def province_feed(session: Session, rules: WorkRules | None = None) -> dict[str, Any]:
    reasons = rules.reason if rules else None
    return {e.uid: e for e in build_feed(session, Scope(FeedScope.PROVINCE), base_url=BASE_URL,
                                         reasons=reasons).events}


def uid(milestone: Milestone, occurrence: Occurrence) -> str:
    return event_uid(milestone, occurrence.due, "hanchot.test")


def rules_of(folder: Path) -> WorkRules:
    return load_work_rules(folder)
