"""Wiring from settings to the scheduler's parts: calendar, policy, notifiers, links. One pass = plan + dispatch.

``run_pass`` is what ``hanchot remind`` and the scheduler's jobs call; everything below it takes ``now``.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from notifiers.base import Notifier
from scheduler.alerts import AdminAlerts
from scheduler.compose import LinkSettings
from scheduler.dispatch import DispatchConfig, Dispatcher, DispatchStats
from scheduler.outbox import PlanStats, RulesFor, plan_reminders
from scheduler.planning import IsWorkingDay, Rules

log = logging.getLogger(__name__)


@dataclass
class PassReport:
    planned: PlanStats
    dispatched: DispatchStats | None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def work_calendar(settings: Any) -> IsWorkingDay:
    """The working-day test of the work rules in force (``workrules``)."""
    from workrules.rules import current_work_rules

    return current_work_rules(settings.config_dir).calendar.is_working_day


def rules_resolver(settings: Any) -> RulesFor:
    """``(plan_number, agency_name) → Rules`` from config/policy.toml (defaults when the file is absent)."""
    from config.policy import load_policy

    policy = load_policy(settings.config_dir)

    @lru_cache(maxsize=1024)
    def resolve(plan_number: str | None, agency_name: str | None) -> Rules:
        return rules_from_policy(policy.for_(plan_number, agency_name), settings.timezone)

    return resolve


def rules_from_policy(resolved: Any, timezone: str) -> Rules:
    """Map a ``config.policy.EffectivePolicy`` onto the planning ``Rules``."""
    return Rules(lead_days=tuple(resolved.lead_days), send_at=resolved.send_time,
                 overdue_every=resolved.overdue_every, overdue_times=resolved.overdue_times,
                 escalate=resolved.escalate, escalate_to=tuple(resolved.escalate_to),
                 digest=resolved.digest == "daily", include_support=resolved.include_support,
                 working_days_only=resolved.working_days_only, timezone=timezone)

def admin_alerts(settings: Any) -> AdminAlerts:
    return AdminAlerts(settings.admin_email, settings.timezone)


def dispatch_config(settings: Any) -> DispatchConfig:
    """The dispatcher's tunables that are settings (HANCHOT_OUTAGE_ALERT_MINUTES, HANCHOT_RETRY_CAP_MINUTES); the
    one place the scheduler and the admin's banner read them."""
    return DispatchConfig(backoff_cap=timedelta(minutes=settings.retry_cap_minutes),
                          outage_alert_after=timedelta(minutes=settings.outage_alert_minutes))


def link_settings(settings: Any) -> LinkSettings:
    return LinkSettings(base_url=settings.base_url, secret_key=settings.secret_key,
                        host=urlsplit(settings.base_url).hostname or "hanchot")


def check_delivery_config(settings: Any) -> None:
    """At start: the ZNS template's parameters must name fields the composer fills (ConfigError names the one)."""
    from notifiers.zalo_config import check_template_fields, load_zalo_config
    from scheduler.compose import TEMPLATE_FIELDS

    zns = load_zalo_config(settings.config_dir).zns
    if zns is not None:
        check_template_fields(zns, TEMPLATE_FIELDS, str(settings.config_dir / "zalo.toml"))


def build_notifiers(settings: Any, factory: sessionmaker[Session]) -> dict[str, Notifier]:
    """channel → Notifier: email over SMTP (or .eml files without SMTP), Zalo OA and ZNS when configured."""
    from notifiers import load_notifier
    from notifiers.base import NotifierError

    notifiers: dict[str, Notifier] = {"email": load_notifier("email" if settings.smtp_url else "eml", settings)}
    if settings.zalo_configured:
        from notifiers.zalo_tokens import tokens_from_settings

        tokens = tokens_from_settings(settings, session_factory=factory)  # one per process, shared by channels
        for kind in ("zalo", "zns"):
            try:
                notifiers[kind] = load_notifier(kind, settings, tokens=tokens)
            except NotifierError as e:
                log.warning("channel %s is off: %s", kind, e)
    return notifiers


def run_pass(factory: sessionmaker[Session], settings: Any, now: datetime, *, dispatch: bool = True,
             clock: Callable[[], datetime] | None = None, config: DispatchConfig | None = None,
             notifiers: dict[str, Notifier] | None = None) -> PassReport:
    """Plan the coming days into the outbox, then send what is due at ``now`` (or at ``clock()``)."""
    with factory() as session:
        planned = plan_reminders(session, now, work_calendar(settings), rules_resolver(settings))
    if not dispatch:
        return PassReport(planned, None)
    dispatcher = Dispatcher(factory, notifiers if notifiers is not None else build_notifiers(settings, factory),
                            link_settings(settings), clock or (lambda: now), config or dispatch_config(settings),
                            worker_name(),
                            alerts=admin_alerts(settings))
    return PassReport(planned, dispatcher.run())
