"""Plans: upload, review what hanchot understood, correct milestones and agency mappings, publish."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from config.errors import UserError
from ingest.revisions import delete_plan, revision_row
from models import Agency, Assignment, AuditLog, Milestone, Plan, PlanRevision, PlanStatus, RevisionState
from models.plans import shown_text_changed
from models.revisions import own_plans as own_plan_rows
from web.admin_revisions import revision_context
from web.audit import record, snapshot
from web.deps import DB, Form, FormError, follow_dates, int_field, now, require_admin, text_field, work_rules
from web.editing import apply_edit, expand_rrule, parse_day
from web.form_state import FORM_ERROR_STATUS, NOTHING_FAILED, FailedForm
from web.importing import check_upload, import_file
from web.pages import page
from web.queries import plan_with_everything
from web.recurrence_form import (
    CUSTOM,
    MAX_TEXT,
    PERIODS,
    build,
    dtstart_of,
    fields_of,
    normalize,
    posted_fields,
    resolve,
    words,
)
from web.review_summary import KINDS, recurrence_view, review_summary, shown_tasks
from web.templating import vn_date
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
    field = "file"
    try:
        if not isinstance(upload_file, UploadFile) or not upload_file.filename:
            raise UserError(NO_FILE)
        year_text = typed["plan_year"]
        if year_text and not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
            field = "plan_year"
            raise UserError("Năm kế hoạch không hợp lệ (từ 2000 đến 2100).")
        if typed["replaces"] and not typed["replaces"].isdigit():
            field = "replaces"
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
        return page(request, "upload.html", {"error": str(e), "error_field": field, "form": typed,
                                             "replaceable": own_plans(session)}, status=400)
    record(session, "admin", "plan.import", "plans", plan.id, None,
           {"source_name": upload_file.filename, "tasks": len(plan.tasks),
            "diff": changes.to_json() if changes else None, "revision_of": revision_of})
    if revision_of is not None:
        return RedirectResponse(f"/plans/{plan.id}/revision", status_code=303)
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


@router.get("/plans/{plan_id}")
def review(request: Request, plan_id: int, session: DB) -> HTMLResponse:
    return review_page(request, session, plan_id)


def review_page(request: Request, session: Session, plan_id: int, failed: FailedForm | None = None) -> HTMLResponse:
    """The review page; with ``failed``, the refused form is open again with its message and typed values."""
    plan = plan_with_everything(session, plan_id)
    if plan is None:
        raise HTTPException(404)
    last_import = session.scalar(select(AuditLog).where(AuditLog.entity == "plans", AuditLog.entity_id == plan.id,
                                                        AuditLog.action == "plan.import")
                                 .order_by(AuditLog.id.desc()).limit(1))
    agencies = session.scalars(select(Agency).order_by(Agency.name)).all()
    summary = review_summary(plan)
    only_flagged = (failed.value("only_flagged") if failed else request.query_params.get("can_kiem_tra")) == "1"
    kind = (failed.value("loai") if failed else request.query_params.get("loai")) if only_flagged else None
    kind = kind if kind in KINDS else None
    shown = shown_tasks(plan, summary["checks"], only_flagged, kind)
    return page(request, "review.html", {
        **revision_context(session, plan.id), **summary, "shown": shown, "only_flagged": only_flagged,
        "kind_filter": kind,
        "plan": plan, "explain": explanation, "agencies": agencies, "failed": failed or NOTHING_FAILED,
        "recur": recurrence_view, "periods": PERIODS,
        "diff": (last_import.after or {}).get("diff") if last_import else None,
        "unknown": sorted({a.agency.name for t in plan.tasks for a in t.assignments if a.agency.needs_review})},
        status=FORM_ERROR_STATUS if failed else 200)


def _refused(request: Request, session: Session, plan_id: int, form_id: str, error: FormError,
             form: FormData) -> HTMLResponse:
    """Nothing of the refused edit is kept; the review page comes back with the form as typed."""
    session.rollback()
    return review_page(request, session, plan_id, FailedForm.of(form_id, error, form))


def _milestone(session: Session, milestone_id: int) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise HTTPException(404)
    return milestone


@router.post("/milestones/{milestone_id}")
def edit_milestone(request: Request, milestone_id: int, form: Form, session: DB) -> Response:
    milestone = _milestone(session, milestone_id)
    plan_id, task_id, year = milestone.task.plan_id, milestone.task_id, milestone.task.plan.plan_year
    try:
        before = snapshot(milestone, MILESTONE_FIELDS)
        kind = str(form.get("kind", ""))
        label = text_field(form, "label", "nhãn", max_length=500)
        due = parse_day(str(form.get("due", "")), "Ngày hạn", "due")
        rrule = milestone.rrule
        if kind == "recurring":
            fields = posted_fields(str(form.get("period", "")), str(form.get("day", "")),
                                   parse_day(str(form.get("until", "")), "Ngày kết thúc", "until")) \
                if "period" in form else None
            rrule = resolve(milestone.rrule, str(form.get("rrule", "")), fields, year)
        changed = apply_edit(milestone, kind=kind, label=label, due=due, rrule=rrule, plan_year=year,
                             rules=work_rules(request))
    except FormError as e:
        return _refused(request, session, plan_id, f"milestone-{milestone_id}", e, form)
    if changed:
        record(session, "admin", "milestone.update", "milestones", milestone.id, before,
               snapshot(milestone, MILESTONE_FIELDS))
        session.flush()
        follow_dates(request, session, [o.id for o in milestone.occurrences])
    return _next_stop(form, plan_id, task_id)


@router.get("/milestones/{milestone_id}/preview")
def preview_recurrence(request: Request, milestone_id: int, session: DB, source: str = "fields", period: str = "",
                       day: str = "", until: str = "", rrule: str = "") -> JSONResponse:
    """What the recurring form would save, before saving: the rule built from the fields (``source=fields``) or the
    typed text (``source=text``), its words and its dates, nominal and effective (work rules). Nothing is written."""
    milestone = _milestone(session, milestone_id)
    plan = milestone.task.plan
    try:
        if source == "text":
            rule = normalize(rrule[:MAX_TEXT + 1])
            if not rule or len(rule) > MAX_TEXT:
                raise FormError("Nhập quy tắc RRULE (tối đa 1000 ký tự).", field="rrule")
        else:
            fields = posted_fields(period[:20], day[:3], parse_day(until[:20], "Ngày kết thúc", "until"))
            if fields.period in ("", CUSTOM):
                raise FormError("Chọn chu kỳ, hoặc nhập quy tắc RRULE trong ô văn bản.", field="period")
            rule = build(fields, dtstart_of(milestone.rrule, plan.plan_year))
        try:
            days = expand_rrule(rule, plan.plan_year)
        except FormError as e:
            raise FormError(str(e), field="rrule") from None
    except FormError as e:
        return JSONResponse({"error": str(e), "field": e.field}, status_code=422)
    rules = work_rules(request)
    return JSONResponse({"rrule": rule, "words": words(fields_of(rule)), "dates": [
        {"due": vn_date(d), "effective": vn_date(rules.effective(d, strict=milestone.strict, plan_number=plan.number))}
        for d in days]})


def _next_stop(form: FormData, plan_id: int, task_id: int) -> RedirectResponse:
    """Back to the task just fixed, or (fix-and-next) to the next task that needs checking, filter kept."""
    target = str(form.get("next_anchor", "")).strip()
    anchor = target if target.startswith("task-") and target[5:].isdigit() else f"task-{task_id}"
    kind = str(form.get("loai", ""))
    query = ("?can_kiem_tra=1" + (f"&loai={kind}" if kind in KINDS else "")) if form.get("only_flagged") == "1" else ""
    return RedirectResponse(f"/plans/{plan_id}{query}#{anchor}", status_code=303)


@router.post("/milestones/{milestone_id}/event")
def milestone_event(request: Request, milestone_id: int, form: Form, session: DB) -> Response:
    milestone = _milestone(session, milestone_id)
    plan_id, task_id = milestone.task.plan_id, milestone.task_id
    try:
        event_day = parse_day(str(form.get("event_date", "")), "Ngày xảy ra sự kiện", "event_date")
        if event_day is None:
            raise FormError("Vui lòng nhập ngày xảy ra sự kiện.", field="event_date")
        try:
            record_event(session, milestone, event_day, work_rules(request), actor="admin", now=now(request),
                         due=parse_day(str(form.get("due", "")), "Ngày hạn", "due"))
        except EventRefused as e:
            raise FormError(str(e), field="event_date") from None
    except FormError as e:
        return _refused(request, session, plan_id, f"event-{milestone_id}", e, form)
    follow_dates(request, session, [o.id for o in milestone.occurrences])
    return _next_stop(form, plan_id, task_id)


@router.post("/assignments/{assignment_id}")
def remap_assignment(request: Request, assignment_id: int, form: Form, session: DB) -> Response:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise HTTPException(404)
    plan_id, task_id = assignment.task.plan_id, assignment.task_id
    try:
        agency_id = int_field(form, "agency_id", "cơ quan", required=True)
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise FormError("Cơ quan không tồn tại.", field="agency_id")
    except FormError as e:
        return _refused(request, session, plan_id, f"assignment-{assignment_id}", e, form)
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
    return _next_stop(form, plan_id, task_id)


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
