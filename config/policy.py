"""The reminder policy of ``config/policy.toml``: when reminders go out, to whom, and how deadlines move.

The top level holds the defaults; each ``[[override]]`` names a ``plan`` (its number) and/or an
``agency`` (its name) and sets any of the same fields. ``Policy.for_(plan_number, agency_name)`` applies
the matching overrides, least specific first: plan-only, then agency-only, then plan-and-agency; within
one kind, in file order. Names are compared after NFC normalisation, ignoring case and extra spaces.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from config.duepolicy import DuePolicySection
from config.files import load_toml

log = logging.getLogger(__name__)

POLICY_FILE = "policy.toml"
MAX_LEAD_DAYS = 60

LeadDay = Annotated[StrictInt, Field(ge=0, le=MAX_LEAD_DAYS)]
Escalation = Literal["head", "focal_point"]


def _send_time(value: Any) -> Any:
    """Accept "08:00" (TOML has no time without seconds) as well as a TOML local time 08:00:00."""
    if isinstance(value, str):
        try:
            value = time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"giờ gửi phải viết dạng \"08:00\", không phải {value!r}") from None
    if isinstance(value, time) and value.tzinfo is not None:
        raise ValueError("giờ gửi là giờ địa phương (HANCHOT_TIMEZONE): viết không kèm múi giờ")
    return value


def _lead_days(value: list[int]) -> list[int]:
    if len(set(value)) != len(value):
        raise ValueError(f"lead_days có một số ngày bị lặp: {value}")
    return sorted(value, reverse=True)


class _Fields(BaseModel):
    """Every field a policy sets; an override sets any of them (None = not set)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lead_days: list[LeadDay] | None = None
    send_time: time | None = None
    working_days_only: StrictBool | None = None
    overdue_every: Annotated[StrictInt, Field(ge=1, le=MAX_LEAD_DAYS)] | None = None
    overdue_times: Annotated[StrictInt, Field(ge=0, le=20)] | None = None
    escalate: StrictBool | None = None
    escalate_to: list[Escalation] | None = None
    digest: Literal["daily", "each"] | None = None
    include_support: StrictBool | None = None
    due: DuePolicySection | None = None

    @field_validator("send_time", mode="before")
    @classmethod
    def local_send_time(cls, value: Any) -> Any:
        return _send_time(value)

    @field_validator("lead_days")
    @classmethod
    def distinct_lead_days(cls, value: list[int] | None) -> list[int] | None:
        return value if value is None else _lead_days(value)

    def set_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set if name not in ("plan", "agency")}


class EffectivePolicy(BaseModel):
    """The policy for one plan and agency, every field resolved.

    ``lead_days``: working days before the effective due date, largest first (0 = the day itself).
    ``digest``: "daily" (one digest per recipient a day) or "each" (one message per milestone).
    """

    model_config = ConfigDict(frozen=True)

    lead_days: tuple[int, ...] = (7, 3, 1, 0)
    send_time: time = time(8, 0)
    working_days_only: bool = True
    overdue_every: int = 3
    overdue_times: int = 3
    escalate: bool = True
    escalate_to: tuple[Escalation, ...] = ("head", "focal_point")
    digest: Literal["daily", "each"] = "daily"
    include_support: bool = False
    due: DuePolicySection = DuePolicySection()

    def merged(self, fields: _Fields) -> EffectivePolicy:
        changes = fields.set_fields()
        if "due" in changes:  # an override's [due] may set one key and keep the other
            changes["due"] = self.due.model_copy(update=changes["due"].model_dump(exclude_unset=True))
        for name in ("lead_days", "escalate_to"):
            if name in changes:
                changes[name] = tuple(changes[name])
        return self.model_copy(update=changes)


class Override(_Fields):
    plan: str | None = None  # a plan number, e.g. "4784/QĐ-UBND"
    agency: str | None = None  # an agency name as in config/agencies.toml

    @model_validator(mode="after")
    def names_and_sets_something(self) -> Override:
        if not (self.plan or self.agency):
            raise ValueError("mỗi [[override]] cần plan = \"…\" hoặc agency = \"…\"")
        if not self.set_fields():
            raise ValueError("[[override]] này không đặt trường nào (lead_days, send_time, digest, …)")
        return self

    def matches(self, plan_number: str | None, agency_name: str | None) -> bool:
        return ((self.plan is None or _same(self.plan, plan_number))
                and (self.agency is None or _same(self.agency, agency_name)))

    @property
    def specificity(self) -> int:
        return (1 if self.plan else 0) + (2 if self.agency else 0)


class Policy(_Fields):
    """The whole file. Top-level fields left out take the defaults of ``EffectivePolicy``."""

    override: list[Override] = []

    def set_fields(self) -> dict[str, Any]:
        return {k: v for k, v in super().set_fields().items() if k != "override"}

    @property
    def defaults(self) -> EffectivePolicy:
        return EffectivePolicy().merged(self)

    def for_(self, plan_number: str | None, agency_name: str | None) -> EffectivePolicy:
        """The policy for a task of plan ``plan_number`` reminded to agency ``agency_name`` (either may be None)."""
        matching = [o for o in self.override if o.matches(plan_number, agency_name)]
        resolved = self.defaults
        for override in sorted(matching, key=lambda o: o.specificity):  # sorted() keeps file order on ties
            resolved = resolved.merged(override)
        return resolved


def load_policy(config_dir: Path) -> Policy:
    """Read ``config_dir/policy.toml``; the built-in defaults when the file does not exist.

    Raises ConfigError naming file and line for a file that cannot be read or holds a bad value.
    """
    path = Path(config_dir) / POLICY_FILE
    if not path.exists():
        log.warning("%s does not exist: using the default reminder policy", path)
        return Policy()
    return load_toml(path, Policy)


def _same(configured: str, actual: str | None) -> bool:
    return actual is not None and _key(configured) == _key(actual)


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())
