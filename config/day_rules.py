"""The configured day rules ``config/day_rules.toml``: which day periodic reports are due, per scope.

Each ``[[rule]]`` holds a rule sentence that ``deadlines.parse_day_rules`` must be able to read; a
sentence it cannot read is refused at load time, naming the file and line.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from config.files import load_toml
from deadlines.rules import DayRule, parse_day_rules

DAY_RULES_FILE = "day_rules.toml"


class DayRuleEntry(BaseModel):
    """One configured rule: the sentence, where it comes from, and an optional plan/agency scope."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    source: str = Field(min_length=1)
    plan: str | None = None
    agency: str | None = None

    @field_validator("text")
    @classmethod
    def a_readable_rule(cls, value: str) -> str:
        # The year only matters for a fixed annual date; any year tells whether the sentence is readable.
        if not parse_day_rules(value, 2000):
            raise ValueError("không đọc được quy tắc ngày nào trong câu này (ví dụ hợp lệ: "
                             "\"chậm nhất là ngày 20 của tháng cuối kỳ báo cáo\")")
        return value

    def applies_to(self, plan: str | None, agency: str | None) -> bool:
        """Whether the rule covers ``plan`` (a plan number) and ``agency`` (an agency id or name as the file
        writes it; the work rules service resolves names through the directory before asking)."""
        return (self.plan is None or _key(self.plan) == _key(plan)) and \
            (self.agency is None or _key(self.agency) == _key(agency))


class DayRulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: list[DayRuleEntry] = Field(default_factory=list)


def load_day_rule_entries(path: Path) -> list[DayRuleEntry]:
    """The configured rules of ``path``, in file order; none when the file does not exist."""
    return load_toml(Path(path), DayRulesFile).rule if Path(path).exists() else []


def load_day_rules(path: Path, plan_year: int, *, plan: str | None = None, agency: str | None = None
                   ) -> list[DayRule]:
    """The rules of ``path`` that apply to ``plan``/``agency``, read for ``plan_year``, in file order.

    Raises ConfigError "<file>:<line>: …" for a bad file or an unreadable rule sentence.
    """
    entries = load_day_rule_entries(Path(path))
    return [r for e in entries if e.applies_to(plan, agency) for r in parse_day_rules(e.text, plan_year)]


def _key(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())
