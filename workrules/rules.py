"""The work rules in force: the working-day calendar, the due policy and the configured day rules.

Read from the config folder (``holidays.toml`` over the ``holidays`` package, the ``[due]`` section of
``policy.toml`` and its per-plan overrides, ``day_rules.toml``) and kept per process until one of the
files changes on disk. ``WorkRules.effective`` is the one place an effective due date is computed.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from config.agencies import AgencyDirectory, normalise
from config.day_rules import DAY_RULES_FILE, DayRuleEntry, load_day_rule_entries
from config.holidays import HOLIDAYS_FILE, load_holiday_overrides
from config.policy import POLICY_FILE, Policy, load_policy
from deadlines.duepolicy import DuePolicy, effective_due
from deadlines.rules import DayRule, parse_day_rules
from deadlines.workdays import WorkCalendar

log = logging.getLogger(__name__)
FILES = (HOLIDAYS_FILE, POLICY_FILE, DAY_RULES_FILE)
AGENCIES_FILE = "agencies.toml"


def fingerprint_of(config_dir: Path) -> str:
    """sha256 of the three rule files as they are now (a missing file counts as missing)."""
    digest = hashlib.sha256()
    for name in FILES:
        path = Path(config_dir) / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"\0missing\0")
    return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class WorkRules:
    """Everything a date depends on besides the plan itself. Build it with ``load_work_rules``."""

    calendar: WorkCalendar
    policy: Policy = field(default_factory=Policy)
    day_rules: tuple[DayRuleEntry, ...] = ()
    fingerprint: str = ""
    config_dir: Path | None = None

    def due_policy(self, plan_number: str | None = None) -> DuePolicy:
        """The ``[due]`` policy of ``policy.toml`` for a plan (its overrides applied)."""
        return self._due_policies.setdefault(plan_number, self.policy.for_(plan_number, None).due.to_policy())

    @cached_property
    def _due_policies(self) -> dict[str | None, DuePolicy]:
        return {}

    def effective(self, nominal: date, *, strict: bool = False, plan_number: str | None = None,
                  moved_to: date | None = None) -> date:
        """The day that counts for a deadline whose nominal date is ``nominal``: the extension's date when one
        was granted (``moved_to``), else the nominal one, moved off a day off by the plan's due policy.

        ``strict`` ("trước ngày X", nominal X−1) forbids a forward shift onto X; a granted date is exact.
        """
        day = moved_to or nominal
        return effective_due(day, strict=strict and moved_to is None, calendar=self.calendar,
                             policy=self.due_policy(plan_number)).date

    def reason(self, day: date) -> str | None:
        """Why ``day`` is not a working day (Vietnamese), or None."""
        return self.calendar.reason(day)

    def configured_day_rules(self, plan_number: str | None, plan_year: int, agencies: Iterable[str] = ()
                             ) -> list[DayRule]:
        """The configured day rules that apply to a task of plan ``plan_number`` led by ``agencies`` (names
        as written or as stored), read for ``plan_year``, in file order."""
        names = list(agencies)
        found: list[DayRule] = []
        for entry in self.day_rules:
            if entry.plan is not None and not entry.applies_to(plan_number, None):
                continue
            if entry.agency is not None and not any(self._is_agency(entry.agency, name) for name in names):
                continue
            found.extend(parse_day_rules(entry.text, plan_year))
        return found

    def _is_agency(self, wanted: str, name: str) -> bool:
        """Whether the plan's ``name`` stands for the configured ``wanted`` (an agencies.toml id or a name): the
        same name, or a name the directory resolves to that agency (a local office within its own government)."""
        if normalise(wanted) == normalise(name):
            return True
        directory = self._directory
        if directory is None:
            return False
        configured = directory.get(wanted)
        agency = directory.resolve(name, context=configured.parent if configured else None)
        return agency is not None and (agency.id == wanted or normalise(agency.name) == normalise(wanted))

    @cached_property
    def _directory(self) -> AgencyDirectory | None:
        path = (self.config_dir or Path()) / AGENCIES_FILE
        return AgencyDirectory.load(path) if self.config_dir and path.exists() else None


def load_work_rules(config_dir: Path) -> WorkRules:
    """Read the rule files of ``config_dir`` now. ``holidays.toml`` is required (without it every announced
    swap would silently be wrong); ``policy.toml`` and ``day_rules.toml`` fall back to the defaults.

    Raises ConfigError naming the file and line of a bad value.
    """
    config_dir = Path(config_dir)
    return WorkRules(calendar=load_holiday_overrides(config_dir / HOLIDAYS_FILE).work_calendar(),
                     policy=load_policy(config_dir),
                     day_rules=tuple(load_day_rule_entries(config_dir / DAY_RULES_FILE)),
                     fingerprint=fingerprint_of(config_dir), config_dir=config_dir)


_CACHE: dict[Path, tuple[tuple, WorkRules]] = {}
_LOCK = threading.Lock()


def current_work_rules(config_dir: Path) -> WorkRules:
    """The rules of ``config_dir``, read again only when one of the files changed (size, time, presence)."""
    config_dir = Path(config_dir).resolve()
    stamp = tuple(_stat(config_dir / name) for name in FILES)
    with _LOCK:
        cached = _CACHE.get(config_dir)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    rules = load_work_rules(config_dir)
    with _LOCK:
        _CACHE[config_dir] = (stamp, rules)
    return rules


def settings_work_rules() -> WorkRules:
    """The rules of the settings' config folder (HANCHOT_CONFIG_DIR): for callers that have no app or CLI context."""
    from config.settings import get_settings

    return current_work_rules(get_settings().config_dir)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size
