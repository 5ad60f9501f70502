"""The one place the plan builder calls the deadline engine (written concurrently in ``deadlines/``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from deadlines.model import Milestone


def milestones_for(text: str, plan_year: int, rules: Sequence[Any] = ()) -> list[Milestone]:
    """``deadlines.parse(text, plan_year, rules=rules)``; an empty list while the engine is not there."""
    try:
        from deadlines import parse
    except ImportError:
        return []
    return list(parse(text, plan_year, rules=tuple(rules)))


def day_rules_for(text: str, plan_year: int) -> list[Any]:
    """``deadlines.parse_day_rules(text, plan_year)``; an empty list while the engine is not there."""
    try:
        from deadlines import parse_day_rules
    except ImportError:
        return []
    return list(parse_day_rules(text, plan_year))


def engine_available() -> bool:
    try:
        from deadlines import parse  # noqa: F401
    except ImportError:
        return False
    return True
