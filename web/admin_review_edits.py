"""The review page's edits: a milestone's date or recurrence (with a preview), an event's date, an agency mapping.

A refused edit re-renders the review page with the form as typed (``admin_plans.refused``); a saved one goes back to
its task, or (fix-and-next) to the next task that needs checking, keeping the filter.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from models import Agency, Assignment, Milestone
from models.plans import shown_text_changed
from web.admin_plans import MILESTONE_FIELDS, agency_named, refused
from web.audit import record, snapshot
from web.deps import DB, Form, FormError, follow_dates, int_field, now, require_admin, text_field, work_rules
from web.editing import apply_edit, expand_rrule, parse_day
from web.recurrence_form import (
    CUSTOM,
    MAX_TEXT,
    build,
    dtstart_of,
    fields_of,
    normalize,
    posted_fields,
    resolve,
    words,
)
from web.review_summary import KINDS
from web.templating import vn_date
from workrules.events import EventRefused, record_event

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


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
        return refused(request, session, plan_id, f"milestone-{milestone_id}", e, form)
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
        return refused(request, session, plan_id, f"event-{milestone_id}", e, form)
    follow_dates(request, session, [o.id for o in milestone.occurrences])
    return _next_stop(form, plan_id, task_id)


@router.post("/assignments/{assignment_id}")
def remap_assignment(request: Request, assignment_id: int, form: Form, session: DB) -> Response:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise HTTPException(404)
    plan_id, task_id = assignment.task.plan_id, assignment.task_id
    try:
        # a browser without JavaScript names the agency instead of choosing it from the list
        typed = text_field(form, "agency_name", "tên cơ quan", max_length=300)
        if typed:
            agency = agency_named(session, typed)
        else:
            agency = session.get(Agency, int_field(form, "agency_id", "cơ quan", required=True))
        if agency is None:
            raise FormError("Cơ quan không tồn tại.", field="agency_id")
    except FormError as e:
        return refused(request, session, plan_id, f"assignment-{assignment_id}", e, form)
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
