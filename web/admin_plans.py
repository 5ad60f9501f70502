"""Plans: upload, review what hanchot understood, correct milestones and agency mappings, publish."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from config.errors import UserError
from ingest.revisions import delete_plan, revision_row
from models import Agency, Assignment, AuditLog, Milestone, Plan, PlanRevision, PlanStatus, RevisionState
from models.plans import shown_text_changed
from models.revisions import own_plans as own_plan_rows
from web.admin_revisions import revision_context
from web.audit import record, snapshot
from web.deps import DB, Form, FormError, follow_dates, int_field, now, require_admin, text_field, work_rules
from web.editing import apply_edit, parse_day
from web.importing import check_upload, import_file
from web.pages import page
from web.queries import plan_with_everything
from web.views import explanation
from workrules.events import EventRefused, record_event

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])
NO_FILE = "Vui lòng chọn một tệp kế hoạch."
MILESTONE_FIELDS = ("kind", "label", "due", "rrule", "event_date", "event_offset", "strict", "manual_override")


def own_plans(session: Session) -> list[Plan]:
    """Plans of their own, newest first: the rows of revisions (models.revisions) are versions, not plans."""
    return list(session.scalars(select(Plan).where(own_plan_rows()).order_by(Plan.created_at.desc())))


@router.get("/plans")
def plans(request: Request, session: DB) -> HTMLResponse:
    pending = {r.live_plan_id: r.plan_id for r in session.scalars(
        select(PlanRevision).where(PlanRevision.state == RevisionState.PENDING))}
    return page(request, "plans.html", {"plans": own_plans(session), "pending": pending})


@router.get("/plans/upload")
def upload_form(request: Request, session: DB) -> HTMLResponse:
    return page(request, "upload.html", {"replaceable": own_plans(session), "form": {}})


@router.post("/plans/upload")
async def upload(request: Request, form: Form,
                 session: DB) -> Response:
    upload_file = form.get("file")
    typed = {"plan_year": str(form.get("plan_year", "")).strip(), "replaces": str(form.get("replaces", "")).strip()}
    try:
        if not isinstance(upload_file, UploadFile) or not upload_file.filename:
            raise UserError(NO_FILE)
        year_text = typed["plan_year"]
        if year_text and not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
            raise UserError("Năm kế hoạch không hợp lệ.")
        if typed["replaces"] and not typed["replaces"].isdigit():
            raise UserError("Kế hoạch được thay thế không hợp lệ.")
        data = await upload_file.read()
        check_upload(upload_file.filename, len(data))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload_file.filename).name
            path.write_bytes(data)
            plan, changes, revision_of = import_file(
                session, path, int(year_text) if year_text else None, request.app.state.settings.config_dir,
                replaces=int(typed["replaces"]) if typed["replaces"] else None)
    except UserError as e:
        session.rollback()
        return page(request, "upload.html", {"messages": [("error", str(e))], "form": typed,
                                             "replaceable": own_plans(session)}, status=400)
    record(session, "admin", "plan.import", "plans", plan.id, None,
           {"source_name": upload_file.filename, "tasks": len(plan.tasks),
            "diff": changes.to_json() if changes else None, "revision_of": revision_of})
    if revision_of is not None:
        return RedirectResponse(f"/plans/{plan.id}/revision", status_code=303)
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


@router.get("/plans/{plan_id}")
def review(request: Request, plan_id: int, session: DB) -> HTMLResponse:
    plan = plan_with_everything(session, plan_id)
    if plan is None:
        raise HTTPException(404)
    last_import = session.scalar(select(AuditLog).where(AuditLog.entity == "plans", AuditLog.entity_id == plan.id,
                                                        AuditLog.action == "plan.import")
                                 .order_by(AuditLog.id.desc()).limit(1))
    agencies = session.scalars(select(Agency).order_by(Agency.name)).all()
    return page(request, "review.html", {
        **revision_context(session, plan.id),
        "plan": plan, "explain": explanation, "agencies": agencies,
        "diff": (last_import.after or {}).get("diff") if last_import else None,
        "unknown": sorted({a.agency.name for t in plan.tasks for a in t.assignments if a.agency.needs_review})})


def _milestone(session: Session, milestone_id: int) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise HTTPException(404)
    return milestone


@router.post("/milestones/{milestone_id}")
def edit_milestone(request: Request, milestone_id: int, form: Form,
                   session: DB) -> RedirectResponse:
    milestone = _milestone(session, milestone_id)
    before = snapshot(milestone, MILESTONE_FIELDS)
    changed = apply_edit(milestone, kind=str(form.get("kind", "")), label=text_field(form, "label", "nhãn",
                                                                                     max_length=500),
                         due=parse_day(str(form.get("due", "")), "Ngày hạn"),
                         rrule=text_field(form, "rrule", "quy tắc lặp", max_length=500),
                         plan_year=milestone.task.plan.plan_year, rules=work_rules(request))
    if changed:
        record(session, "admin", "milestone.update", "milestones", milestone.id, before,
               snapshot(milestone, MILESTONE_FIELDS))
        session.flush()
        follow_dates(request, session, [o.id for o in milestone.occurrences])
    return RedirectResponse(f"/plans/{milestone.task.plan_id}#task-{milestone.task_id}", status_code=303)


@router.post("/milestones/{milestone_id}/event")
def milestone_event(request: Request, milestone_id: int, form: Form,
                    session: DB) -> RedirectResponse:
    milestone = _milestone(session, milestone_id)
    event_day = parse_day(str(form.get("event_date", "")), "Ngày xảy ra sự kiện")
    if event_day is None:
        raise FormError("Vui lòng nhập ngày xảy ra sự kiện.")
    try:
        record_event(session, milestone, event_day, work_rules(request), actor="admin", now=now(request),
                     due=parse_day(str(form.get("due", "")), "Ngày hạn"))
    except EventRefused as e:
        raise FormError(str(e)) from None
    follow_dates(request, session, [o.id for o in milestone.occurrences])
    return RedirectResponse(f"/plans/{milestone.task.plan_id}#task-{milestone.task_id}", status_code=303)


@router.post("/assignments/{assignment_id}")
def remap_assignment(request: Request, assignment_id: int, form: Form,
                     session: DB) -> RedirectResponse:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise HTTPException(404)
    agency_id = int_field(form, "agency_id", "cơ quan", required=True)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise FormError("Cơ quan không tồn tại.")
    clash = session.scalar(select(Assignment).where(Assignment.task_id == assignment.task_id,
                                                    Assignment.agency_id == agency.id,
                                                    Assignment.role == assignment.role))
    before = {"agency_id": assignment.agency_id, "as_written": assignment.as_written}
    if clash is not None and clash.id != assignment.id:
        session.delete(assignment)
        clash.manual = True
    else:
        assignment.agency_id, assignment.manual = agency.id, True  # kept by re-imports and revisions
    shown_text_changed([assignment.task])
    record(session, "admin", "assignment.update", "assignments", assignment_id, before, {"agency_id": agency.id})
    plan_id = assignment.task.plan_id
    return RedirectResponse(f"/plans/{plan_id}#task-{assignment.task_id}", status_code=303)


@router.post("/plans/{plan_id}/publish")
def publish(request: Request, plan_id: int, form: Form,
            session: DB) -> RedirectResponse:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise HTTPException(404)
    if revision_row(session, plan_id) is not None:  # a revision is published onto its live plan, with its diff
        return RedirectResponse(f"/plans/{plan_id}/revision", status_code=303)
    if plan.status != PlanStatus.PUBLISHED:
        plan.status, plan.published_at = PlanStatus.PUBLISHED, now(request)
        record(session, "admin", "plan.publish", "plans", plan.id, {"status": "draft"},
               {"status": "published", "published_at": plan.published_at.isoformat()})
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


@router.post("/plans/{plan_id}/delete")
def delete_draft(request: Request, plan_id: int, form: Form,
                 session: DB) -> RedirectResponse:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise HTTPException(404)
    if plan.status == PlanStatus.PUBLISHED:
        raise FormError("Không thể xóa kế hoạch đã ban hành.")
    revision = revision_row(session, plan_id)
    record(session, "admin", "plan.delete", "plans", plan.id, snapshot(plan, ("number", "title", "source_name")), None)
    delete_plan(session, plan)
    if revision is not None:  # a discarded revision: back to the plan it would have changed
        return RedirectResponse(f"/plans/{revision.live_plan_id}", status_code=303)
    return RedirectResponse("/plans", status_code=303)
