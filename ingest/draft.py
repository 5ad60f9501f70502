"""The plan draft: the contract between the readers, the plan builder and the importer.

A ``PlanDraft`` is what a plan says, before anything is stored: its metadata, its tasks (from the
task tables), its obligations (from the prose of "TỔ CHỨC THỰC HIỆN") and its day rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from deadlines.model import Milestone
from deadlines.rules import DayRule

if TYPE_CHECKING:
    from config.agencies import AgencyDirectory


@dataclass
class TaskDraft:
    key: str  # f"{appendix_number}-{number}", or a short hash of the content when TT is missing/duplicated
    appendix_number: str | None  # "1".."7", or the Roman section "I".."VII" (seed 001)
    appendix_title: str | None
    number: str | None  # TT as written ("1", "2.1", "a")
    content: str
    product: str | None
    lead: list[str]  # agencies as the plan names them, normalised (groups not expanded)
    support: list[str]
    synthesis: list[str]  # "Cơ quan tổng hợp"
    deadline_text: str  # the original deadline cell (joined lines)
    milestones: list[Milestone]  # deadlines.parse(deadline_text, plan_year, rules=plan rules)
    origin: str = "table"  # "prose" for obligations from "TỔ CHỨC THỰC HIỆN"
    warnings: list[str] = field(default_factory=list)

    def to_json(self, directory: AgencyDirectory | None = None) -> dict:
        return {
            "key": self.key,
            "appendix": self.appendix_number,
            "appendix_title": self.appendix_title,
            "number": self.number,
            "content": self.content,
            "product": self.product,
            "lead": list(self.lead),
            "support": list(self.support),
            "synthesis": list(self.synthesis),
            "deadline_text": self.deadline_text,
            "milestones": [m.to_json() for m in self.milestones],
            "lead_members": _members(self.lead, directory),
            "support_members": _members(self.support, directory),
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

    def to_json(self, directory: AgencyDirectory | None = None) -> dict:
        """The ``hanchot import --json`` shape; members are the group expansions of the directory."""
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
            },
            "tasks": [t.to_json(directory) for t in self.tasks],
            "obligations": [
                {"agency": o.lead[0] if o.lead else None, "text": o.content, "deadline_text": o.deadline_text,
                 "milestones": [m.to_json() for m in o.milestones], "warnings": list(o.warnings)}
                for o in self.obligations
            ],
            "rules": [r.to_json() for r in self.rules],
            "warnings": list(self.warnings),
        }


def _members(names: list[str], directory: AgencyDirectory | None) -> list[str]:
    """Names of the agencies the plan's names stand for (groups expanded); the names themselves without a directory."""
    if directory is None:
        return list(names)
    members: list[str] = []
    for name in names:
        for agency in directory.members(name):
            if agency.name not in members:
                members.append(agency.name)
    return members
