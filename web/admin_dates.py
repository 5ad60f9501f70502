"""The admin's date decisions: extensions (grant, approve, reject a request) and adopting a cited plan's date.

Each action goes through the work rules service (``workrules.extensions``, ``workrules.links``), which audits
it; reminders planned for an old date are cancelled and the new date's planned at once (``web.deps.follow_dates``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Extension, ExtensionStatus, Milestone, Occurrence, Task
from web.deps import DB, Form, FormError, follow_dates, int_field, now, require_admin, text_field, work_rules
from web.editing import parse_day
from web.pages import page
from workrules.extensions import ExtensionRefused, approve, grant, reject
from workrules.links import adopt

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


@router.get("/extensions")
def extensions(request: Request, session: DB) -> HTMLResponse:
    """Requests waiting for a decision, then the latest decisions."""
    load = (selectinload(Extension.occurrence).selectinload(Occurrence.milestone).selectinload(Milestone.task)
            .selectinload(Task.plan))
    waiting = session.scalars(select(Extension).where(Extension.status == ExtensionStatus.REQUESTED)
                              .options(load).order_by(Extension.requested_at, Extension.id)).all()
    decided = session.scalars(select(Extension).where(Extension.status != ExtensionStatus.REQUESTED)
                              .options(load).order_by(Extension.decided_at.desc(), Extension.id.desc()).limit(50)).all()
    return page(request, "extensions.html", {"waiting": waiting, "decided": decided})


@router.post("/occurrences/{occurrence_id}/extend")
def extend(request: Request, occurrence_id: int, form: Form, session: DB) -> RedirectResponse:
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        raise HTTPException(404)
    new_due = parse_day(str(form.get("new_due", "")), "Ngày gia hạn")
    if new_due is None:
        raise FormError("Vui lòng nhập ngày gia hạn.")
    try:
        grant(session, occurrence_id, new_due, str(form.get("reason", "")), str(form.get("document", "")),
              work_rules(request), actor="admin", now=now(request))
    except ExtensionRefused as e:
        raise FormError(str(e)) from None
    follow_dates(request, session, [occurrence_id])
    return RedirectResponse(f"/tasks/{occurrence.milestone.task_id}#occurrence-{occurrence_id}", status_code=303)


@router.post("/extensions/{extension_id}/approve")
def approve_request(request: Request, extension_id: int, form: Form, session: DB) -> RedirectResponse:
    try:
        approved = approve(session, extension_id, str(form.get("document", "")), work_rules(request), actor="admin",
                now=now(request), new_due=parse_day(str(form.get("new_due", "")), "Ngày gia hạn"),
                note=text_field(form, "note", "ghi chú", max_length=1000))
    except ExtensionRefused as e:
        raise FormError(str(e)) from None
    follow_dates(request, session, [approved.occurrence_id])
    return RedirectResponse(_back(form, "/extensions"), status_code=303)


@router.post("/extensions/{extension_id}/reject")
def reject_request(request: Request, extension_id: int, form: Form, session: DB) -> RedirectResponse:
    try:
        reject(session, extension_id, str(form.get("note", "")), actor="admin", now=now(request))
    except ExtensionRefused as e:
        raise FormError(str(e)) from None
    return RedirectResponse(_back(form, "/extensions"), status_code=303)


@router.post("/milestones/{milestone_id}/adopt")
def adopt_date(request: Request, milestone_id: int, form: Form, session: DB) -> RedirectResponse:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise HTTPException(404)
    occurrence_id = int_field(form, "occurrence_id", "hạn của kế hoạch được dẫn", required=True)
    try:
        adopt(session, milestone, occurrence_id or 0, work_rules(request), actor="admin", now=now(request))
    except LookupError:
        raise FormError("Hạn được chọn không thuộc kế hoạch mà mốc này dẫn chiếu.") from None
    follow_dates(request, session, [o.id for o in milestone.occurrences])
    return RedirectResponse(f"/tasks/{milestone.task_id}#milestone-{milestone.id}", status_code=303)


def _back(form: object, default: str) -> str:
    back = str(form.get("back", "") or "")
    return back if back.startswith("/") and not back.startswith("//") else default
