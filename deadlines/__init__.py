"""The deadline language engine: Vietnamese deadline cells and sentences to dates and recurrences.

Pure: no I/O, no clock. Public API: ``parse``, ``parse_day_rules``, ``apply_day_rules``, ``explain``,
``DayRule`` and the model types.
"""

from deadlines.explain import explain
from deadlines.model import CitedDocument, Kind, ParsedMilestone, ParsedOccurrence, Reference
from deadlines.parser import parse
from deadlines.rules import DayRule, apply_day_rules, parse_day_rules

__all__ = ["CitedDocument", "DayRule", "Kind", "ParsedMilestone", "ParsedOccurrence", "Reference", "apply_day_rules",
           "explain", "parse", "parse_day_rules"]
