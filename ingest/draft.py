"""The plan draft: the contract between the readers, the plan builder and the importer.

A ``PlanDraft`` is what a plan says, before anything is stored: its metadata, its tasks (from the
task tables), its obligations (from the prose of "TỔ CHỨC THỰC HIỆN") and its day rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from deadlines.model import ParsedMilestone
from deadlines.rules import DayRule

if TYPE_CHECKING:
    from config.agencies import AgencyDirectory, PlanScope


@dataclass
class TaskDraft:
    key: str  # "<appendix/section path>-<number>" ("1-3", "A/II-2.1"); a content hash when TT is missing
    appendix_number: str | None  # "1".."7", or the innermost section's label ("I".."VII" in seed 001, "5.1")
    appendix_title: str | None
    number: str | None  # TT as written ("1", "2.1", "a")
    content: str
    product: str | None
    lead: list[str]  # agencies as the plan names them, normalised (groups not expanded)
    support: list[str]
    synthesis: list[str]  # "Cơ quan tổng hợp"
    deadline_text: str  # the original deadline cell (joined lines)
    milestones: list[ParsedMilestone]  # deadlines.parse(deadline_text, plan_year, rules=plan rules)
    origin: str = "table"  # "prose" for obligations from "TỔ CHỨC THỰC HIỆN"
    warnings: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # agency name → its qualifier ("nếu có", a bracketed scope)
    section: str | None = None  # the headings the row falls under, as written: "B > IV > 5.1"
    extra: dict[str, str] = field(default_factory=dict)  # columns with no role, by header: {"Nguồn kinh phí": "…"}

    def to_json(self, directory: AgencyDirectory | None = None, scope: PlanScope | None = None) -> dict:
        return {
            "key": self.key,
            "appendix": self.appendix_number,
            "appendix_title": self.appendix_title,
            "section": self.section,
            "number": self.number,
            "content": self.content,
            "product": self.product,
            "lead": list(self.lead),
            "support": list(self.support),
            "synthesis": list(self.synthesis),
            "deadline_text": self.deadline_text,
            "extra": dict(self.extra),
            "milestones": [m.to_json() for m in self.milestones],
            "lead_members": _members(self.lead, directory, scope),
            "support_members": _members(self.support, directory, scope),
            "agency_notes": dict(self.notes),
            "warnings": list(self.warnings),
        }


@dataclass
class PlanDraft:
    number: str | None  # "4784/QĐ-UBND"; None when blank ("Số: /QĐ-UBND")
    title: str
    issuer: str | None  # "UBND tỉnh Thanh Hóa", "UBND xã Hoàng Phú"
    place: str | None  # "Thanh Hóa", "Hoàng Phú"
    issued_on: date | None
    plan_year: int
    implements: list[str]  # "Kế hoạch số 257/QĐ-UBND ngày 22/12/2025 …"
    source_name: str
    content_hash: str  # sha256 of the normalised text
    tasks: list[TaskDraft]
    obligations: list[TaskDraft]  # origin="prose"; lead = [the agency heading]
    rules: list[DayRule]  # deadlines.parse_day_rules on the plan's rule sentences
    warnings: list[str]
    recipients: list[str] = field(default_factory=list)  # "Kính gửi: …": a plan addressed to the province is its own

    def scope(self, directory: AgencyDirectory) -> PlanScope:
        """Whose plan this is (config.agencies.PlanScope): which directory its names are read in."""
        return directory.scope(self.issuer, self.recipients)

    def to_json(self, directory: AgencyDirectory | None = None) -> dict:
        """The ``hanchot import --json`` shape; members are what the names stand for in the plan's scope."""
        scope = self.scope(directory) if directory is not None else None
        return {
            "plan": {
                "number": self.number,
                "title": self.title,
                "issuer": self.issuer,
                "place": self.place,
                "issued_on": self.issued_on.isoformat() if self.issued_on else None,
                "plan_year": self.plan_year,
                "implements": list(self.implements),
                "source_name": self.source_name,
                "content_hash": self.content_hash,
                "scope": scope.kind if scope else None,  # local | national | external
                "unit": scope.unit.name if scope else None,
            },
            "tasks": [t.to_json(directory, scope) for t in self.tasks],
            "obligations": [
                {"agency": o.lead[0] if o.lead else None, "text": o.content, "deadline_text": o.deadline_text,
                 "milestones": [m.to_json() for m in o.milestones], "warnings": list(o.warnings)}
                for o in self.obligations
            ],
            "rules": [r.to_json() for r in self.rules],
            "warnings": list(self.warnings),
        }


def _members(names: list[str], directory: AgencyDirectory | None, scope: PlanScope | None) -> list[str]:
    """Names of the agencies the plan's names stand for (groups expanded); the names themselves without a directory."""
    if directory is None:
        return list(names)
    scope = scope or directory.scope(None)
    members: list[str] = []
    for name in names:
        placed = directory.place(name, scope)
        for agency in placed.members if placed.is_group else (placed,):
            if agency.name not in members:
                members.append(agency.name)
    return members
