"""The milestone: one thing due, read from a deadline cell or sentence (docs/deadline-language.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    ONCE = "once"
    RECURRING = "recurring"
    CONTINUOUS = "continuous"
    ON_EVENT = "on_event"
    BY_REFERENCE = "by_reference"
    DONE = "done"
    UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class CitedDocument:
    """A document a deadline defers to: "Kế hoạch số 220/KH-UBND ngày 23/10/2025 của UBND tỉnh"."""

    number: str | None = None  # "220/KH-UBND"
    doc_type: str | None = None  # "Kế hoạch"
    issued_on: date | None = None
    issuer: str | None = None  # "UBND tỉnh"

    def to_json(self) -> dict:
        return {"number": self.number, "type": self.doc_type,
                "issued_on": self.issued_on.isoformat() if self.issued_on else None, "issuer": self.issuer}


@dataclass(frozen=True)
class Reference:
    """What a ``by_reference`` deadline defers to, in words, with the cited document when there is one."""

    text: str
    document: CitedDocument | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "document": self.document.to_json() if self.document else None}


@dataclass(frozen=True)
class Offset:
    """The time allowed after an event: ``days`` (working days when ``working``) or ``months``."""

    days: int | None = None
    months: int | None = None
    working: bool = False

    def __post_init__(self) -> None:
        if (self.days is None) == (self.months is None):
            raise ValueError("an offset has exactly one of days and months")
        if (self.days or 0) < 0 or (self.months or 0) < 0:
            raise ValueError("an offset is never negative")

    def to_json(self) -> dict:
        """``{"days": 5, "working": true}`` or ``{"months": 1}`` (the contract's form)."""
        return {"months": self.months} if self.months is not None else {"days": self.days, "working": self.working}

    @classmethod
    def from_json(cls, data: object) -> Offset | None:
        """The offset of a stored ``to_json`` value; None for null. Raises ValueError for anything else."""
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ValueError(f"not an offset: {data!r}")
        if data.get("months") is not None:
            return cls(months=int(data["months"]))
        return cls(days=int(data["days"]), working=bool(data.get("working")))

    def words(self) -> str:
        """"5 ngày làm việc", "15 ngày", "2 tháng" (what an official reads)."""
        if self.months is not None:
            return f"{self.months} tháng"
        return f"{self.days} ngày làm việc" if self.working else f"{self.days} ngày"


@dataclass(frozen=True)
class ParsedOccurrence:
    """One due date of a recurring milestone, with the period it reports on ("quý I", "6 tháng", "năm")."""

    due: date
    period: str | None = None


@dataclass
class ParsedMilestone:
    """One milestone. ``due``/``start`` are nominal (before any working-day shift).

    ``strict`` is True when the text said "trước ngày X": ``due`` is then X-1 and a working-day shift
    must never move it onto or past X.
    """

    kind: Kind
    label: str | None = None
    due: date | None = None
    start: date | None = None
    rrule: str | None = None  # "DTSTART:20250101\nRRULE:FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;WKST=MO"
    occurrences: list[ParsedOccurrence] = field(default_factory=list)
    ad_hoc: bool = False
    event: str | None = None
    offset: Offset | None = None  # for on_event: the time allowed after the event (None: due on its day)
    reference: Reference | None = None
    source: str = ""
    span: tuple[int, int] | None = None  # character offsets of ``source`` in the input text
    strict: bool = False
    warnings: list[str] = field(default_factory=list)
    period: str | None = None  # what a ``once`` due closes, for explanations: "Quý I/2025", "trước ngày 30/11/2025"
    basis: ParsedMilestone | None = None  # this milestone as read, when day rules moved its occurrences (rules.py)

    def to_json(self) -> dict:
        """The JSON object of docs/deadline-language.md (plus ``span``, ``strict`` and ``periods``)."""
        return {
            "label": self.label,
            "kind": self.kind.value,
            "due": self.due.isoformat() if self.due else None,
            "start": self.start.isoformat() if self.start else None,
            "rrule": self.rrule,
            "occurrences": [o.due.isoformat() for o in self.occurrences],
            "periods": [o.period for o in self.occurrences],
            "ad_hoc": self.ad_hoc,
            "event": self.event,
            "offset": self.offset.to_json() if self.offset else None,
            "reference": self.reference.to_json() if self.reference else None,
            "source": self.source,
            "span": list(self.span) if self.span else None,
            "strict": self.strict,
            "warnings": list(self.warnings),
        }
