"""The scheduler's jobs: thin functions that read the clock once and hand ``now`` to the real work.

APScheduler stores each job's function as the text ``"scheduler.jobs:<name>"`` (docs/architecture.md):
renaming or moving a function here breaks the jobs already stored in the database, so don't.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


def system_now() -> datetime:
    """The one place the scheduler reads the wall clock; everything below receives ``now``."""
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def _factory() -> sessionmaker[Session]:
    from models.db import default_engine, session_factory

    return session_factory(default_engine())


def plan_job(horizon_days: int = 2) -> None:
    """Plan the reminders of today and the next ``horizon_days`` days into the outbox (idempotent)."""
    from config.settings import get_settings
    from scheduler.outbox import plan_reminders
    from scheduler.runtime import rules_resolver, work_calendar

    settings = get_settings()
    with _factory()() as session:
        stats = plan_reminders(session, system_now(), work_calendar(settings), rules_resolver(settings),
                               horizon_days=horizon_days)
    log.info("planned %d reminders (%d new) over %d occurrences", stats.planned, stats.inserted, stats.occurrences)


def dispatch_job() -> None:
    """Send every reminder due now; retries and crash recovery live in the outbox rows."""
    from config.settings import get_settings
    from scheduler.dispatch import Dispatcher
    from scheduler.leases import current
    from scheduler.runtime import admin_alerts, dispatch_config, link_settings, worker_name

    settings = get_settings()
    factory = _factory()
    stats = Dispatcher(factory, _notifiers(), link_settings(settings), system_now, dispatch_config(settings),
                       worker=worker_name(), alerts=admin_alerts(settings), fence=current()).run()
    if stats.claimed:
        log.info("dispatch: %d sent, %d retrying, %d failed, %d cancelled", stats.sent, stats.retrying,
                 stats.failed, stats.cancelled)


@lru_cache(maxsize=1)
def _notifiers() -> dict:
    """One set of notifiers per process: the Zalo token manager inside must be shared by all sends."""
    from config.settings import get_settings
    from scheduler.runtime import build_notifiers

    return build_notifiers(get_settings(), _factory())


def digest_job() -> None:
    """Before the morning send time: make sure today's digests list everything due, then send what is due."""
    plan_job(horizon_days=0)
    dispatch_job()


def feeds_job() -> None:
    """Re-publish the agency feeds to var/feeds (files rewritten only when their bytes change), storing new
    VEVENTs and pruning unused ones (calendars.export.republish)."""
    from calendars.export import republish
    from config.settings import VAR_DIR, get_settings
    from models.db import default_engine
    from workrules.rules import current_work_rules

    settings = get_settings()
    reasons = current_work_rules(settings.config_dir).reason
    result = republish(default_engine(), VAR_DIR / "feeds", base_url=settings.base_url, reasons=reasons,
                       timezone=settings.timezone)
    if result.export.written or result.pruned:
        log.info("feeds: %d rewritten, %d stored events pruned", len(result.export.written), result.pruned)


def rules_job() -> None:
    """Recompute the stored dates when holidays.toml, policy.toml or day_rules.toml changed since the last time
    (edited on disk rather than in the web app, which recomputes on save); run at start and every few minutes."""
    from config.settings import get_settings
    from workrules.recompute import catch_up
    from workrules.rules import load_work_rules

    settings = get_settings()
    with _factory()() as session:
        report = catch_up(session, load_work_rules(settings.config_dir), settings, system_now())
    if report is not None:
        log.warning("work rules changed: %d occurrences recomputed over %d milestones", len(report.changes),
                    report.milestones)


def zalo_token_job() -> None:
    """Refresh the Zalo OA access token a few hours before it expires (Zalo tokens live ~25 hours)."""
    from config.settings import get_settings

    if not get_settings().zalo_configured:
        return
    from notifiers.zalo_tokens import tokens_from_settings

    tokens = tokens_from_settings(get_settings(), session_factory=_factory())
    if asyncio.run(tokens.refresh_if_expiring(system_now())):
        log.info("Zalo access token refreshed ahead of expiry")
