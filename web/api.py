"""The JSON API under /api (OpenAPI at /api/openapi.json): plans, tasks, milestones, agencies, occurrences.

Callers authenticate with ``Authorization: Bearer <token>`` (made by ``hanchot admin api-token`` or on the admin's
``/api-tokens`` page, revocable one by one) or the admin's
browser session; a session POST must also send the session's CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

import hmac
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import select

from models import Agency, Occurrence, Plan
from models.revisions import own_plans
from web import api_auth
from web.deps import DB, STALE_SESSION, is_admin, now
from web.queries import items, plan_with_everything


def api_caller(request: Request, session: DB) -> str:
    """"api:<id>:<name>" for a live bearer token, "admin" for the admin session; 401 otherwise."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = api_auth.caller(session, header[7:].strip(), now(request))
        if token is None:
            raise HTTPException(401, "Invalid or revoked API token; make one with `hanchot admin api-token`",
                                headers={"WWW-Authenticate": "Bearer error=\"invalid_token\""})
        return f"api:{token.id}:{token.name}"
    if is_admin(request):
        if request.method not in ("GET", "HEAD") and not hmac.compare_digest(
                request.headers.get("x-csrf-token", ""), getattr(request.state, "csrf_token", "") or "-"):
            raise HTTPException(403, STALE_SESSION)
        return "admin"
    raise HTTPException(401, "Authentication required", headers={"WWW-Authenticate": "Bearer"})


router = APIRouter(prefix="/api", tags=["hanchot"], dependencies=[Depends(api_caller)])


class OccurrenceOut(BaseModel):
    id: int
    milestone_id: int
    due: date
    effective_due: date
    moved_to: date | None
    period: str | None
    status: str
    task_id: int | None = None
    plan_id: int | None = None
    label: str | None = None
    lead_agencies: list[str] = []


class MilestoneOut(BaseModel):
    id: int
    key: str
    label: str | None
    kind: str
    due: date | None
    rrule: str | None
    event: str | None
    event_date: date | None
    strict: bool
    warnings: list[str]
    sequence: int
    occurrences: list[OccurrenceOut]


class AssignmentOut(BaseModel):
    agency_id: int
    agency: str
    role: str
    as_written: str


class TaskOut(BaseModel):
    id: int
    key: str
    appendix_number: str | None
    section: str | None  # the headings the task falls under, as written: "B > IV > 5.1"
    number: str | None
    content: str
    product: str | None
    deadline_text: str
    extra: dict[str, str]  # the table's other columns, by header: {"Nguồn kinh phí": "Ngân sách tỉnh"}
    cancelled: bool
    assignments: list[AssignmentOut]
    milestones: list[MilestoneOut]


class PlanOut(BaseModel):
    id: int
    number: str | None
    title: str
    issuer: str | None
    plan_year: int
    status: str
    source_name: str


class PlanDetail(PlanOut):
    tasks: list[TaskOut]


class AgencyOut(BaseModel):
    id: int
    name: str
    aliases: list[str]
    level: str
    parent_id: int | None
    is_group: bool
    needs_review: bool


def _occurrence(o: Occurrence) -> OccurrenceOut:
    return OccurrenceOut(id=o.id, milestone_id=o.milestone_id, due=o.due, effective_due=o.effective_due,
                         moved_to=o.moved_to, period=o.period, status=o.status)


def _plan(p: Plan) -> PlanOut:
    return PlanOut(id=p.id, number=p.number, title=p.title, issuer=p.issuer, plan_year=p.plan_year, status=p.status,
                   source_name=p.source_name)


@router.get("/plans", response_model=list[PlanOut])
def list_plans(session: DB) -> list[PlanOut]:
    return [_plan(p) for p in session.scalars(select(Plan).where(own_plans()).order_by(Plan.id))]


@router.get("/plans/{plan_id}", response_model=PlanDetail)
def get_plan(plan_id: int, session: DB) -> PlanDetail:
    plan = plan_with_everything(session, plan_id)
    if plan is None:
        raise HTTPException(404, "No such plan")
    tasks = [TaskOut(
        id=t.id, key=t.key, appendix_number=t.appendix_number, section=t.section, number=t.number, content=t.content,
        product=t.product, deadline_text=t.deadline_text, extra=t.extra or {}, cancelled=t.cancelled_at is not None,
        assignments=[AssignmentOut(agency_id=a.agency_id, agency=a.agency.name, role=a.role, as_written=a.as_written)
                     for a in t.assignments],
        milestones=[MilestoneOut(id=m.id, key=m.key, label=m.label, kind=m.kind, due=m.due, rrule=m.rrule,
                                 event=m.event, event_date=m.event_date, strict=m.strict, warnings=m.warnings or [],
                                 sequence=m.sequence, occurrences=[_occurrence(o) for o in m.occurrences])
                    for m in t.milestones if m.cancelled_at is None])
        for t in plan.tasks]
    return PlanDetail(**_plan(plan).model_dump(), tasks=tasks)


@router.get("/agencies", response_model=list[AgencyOut])
def list_agencies(session: DB) -> list[AgencyOut]:
    return [AgencyOut(id=a.id, name=a.name, aliases=a.aliases or [], level=a.level, parent_id=a.parent_id,
                      is_group=a.is_group, needs_review=a.needs_review)
            for a in session.scalars(select(Agency).order_by(Agency.name))]


@router.get("/occurrences", response_model=list[OccurrenceOut])
def list_occurrences(session: DB, agency_id: int | None = None, start: date | None = None,
                     end: date | None = None, open_only: bool = Query(False)) -> list[OccurrenceOut]:
    """Occurrences of published plans (what feeds and reminders use), by shown day; optionally of one agency."""
    if agency_id is not None and session.get(Agency, agency_id) is None:
        raise HTTPException(404, "No such agency")
    found = items(session, start=start, end=end, agency_id=agency_id, open_only=open_only)
    return [_occurrence(i.occurrence).model_copy(update={
        "task_id": i.task.id, "plan_id": i.task.plan_id, "label": i.milestone.label,
        "lead_agencies": [a.name for a in i.leads()]}) for i in found]


@router.post("/occurrences/{occurrence_id}/done", response_model=OccurrenceOut)
def complete(occurrence_id: int, request: Request, session: DB,
             caller: str = Depends(api_caller)) -> OccurrenceOut:
    """Mark one occurrence done: its pending reminders are cancelled and the audit log records who did it."""
    from scheduler.actions import mark_done

    if session.get(Occurrence, occurrence_id) is None:
        raise HTTPException(404, "No such occurrence")
    mark_done(session, occurrence_id, None, now(request), actor=caller)
    occurrence = session.get(Occurrence, occurrence_id)
    return _occurrence(occurrence)  # type: ignore[arg-type]
