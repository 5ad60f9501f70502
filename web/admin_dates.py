"""The admin's date decisions: extensions (grant, approve, reject a request) and adopting a cited plan's date.

Each action goes through the work rules service (``workrules.extensions``, ``workrules.links``), which audits
it; reminders planned for an old date are cancelled and the new date's planned at once (``web.deps.follow_dates``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Extension, ExtensionStatus, Milestone, Occurrence, Task
from web.deps import DB, Form, FormError, follow_dates, int_field, now, require_admin, text_field, work_rules
from web.editing import parse_day
from web.form_state import FORM_ERROR_STATUS, NOTHING_FAILED, FailedForm, back_path
from web.pages import page, task_view
from workrules.extensions import ExtensionRefused, approve, grant, reject
from workrules.links import adopt

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


@router.get("/extensions")
def extensions(request: Request, session: DB) -> HTMLResponse:
    return extensions_view(request, session)


def extensions_view(request: Request, session: Session, failed: FailedForm | None = None) -> HTMLResponse:
    """Requests waiting for a decision, then the latest decisions; with ``failed``, the refused decision's form
    shows its message beside the field and the typed values."""
    load = (selectinload(Extension.occurrence).selectinload(Occurrence.milestone).selectinload(Milestone.task)
            .selectinload(Task.plan))
    waiting = session.scalars(select(Extension).where(Extension.status == ExtensionStatus.REQUESTED)
                              .options(load).order_by(Extension.requested_at, Extension.id)).all()
    decided = session.scalars(select(Extension).where(Extension.status != ExtensionStatus.REQUESTED)
                              .options(load).order_by(Extension.decided_at.desc(), Extension.id.desc()).limit(50)).all()
    return page(request, "extensions.html", {"waiting": waiting, "decided": decided,
                                             "failed": failed or NOTHING_FAILED},
                status=FORM_ERROR_STATUS if failed else 200)


@router.post("/occurrences/{occurrence_id}/extend")
def extend(request: Request, occurrence_id: int, form: Form, session: DB) -> Response:
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        raise HTTPException(404)
    task_id = occurrence.milestone.task_id
    try:
        new_due = parse_day(str(form.get("new_due", "")), "Ngày gia hạn", "new_due")
        if new_due is None:
            raise FormError("Vui lòng nhập ngày gia hạn.", field="new_due")
        try:
            grant(session, occurrence_id, new_due, str(form.get("reason", "")), str(form.get("document", "")),
                  work_rules(request), actor="admin", now=now(request))
        except ExtensionRefused as e:
            raise FormError(str(e), field=e.field) from None
    except FormError as e:
        session.rollback()
        return task_view(request, session, task_id, FailedForm.of(f"extend-{occurrence_id}", e, form))
    follow_dates(request, session, [occurrence_id])
    return RedirectResponse(f"/tasks/{task_id}#occurrence-{occurrence_id}", status_code=303)


@router.post("/extensions/{extension_id}/approve")
def approve_request(request: Request, extension_id: int, form: Form, session: DB) -> Response:
    asked = _extension(session, extension_id)
    try:
        try:
            approved = approve(session, extension_id, str(form.get("document", "")), work_rules(request),
                               actor="admin", now=now(request),
                               new_due=parse_day(str(form.get("new_due", "")), "Ngày gia hạn", "new_due"),
                               note=text_field(form, "note", "ghi chú", max_length=1000))
        except ExtensionRefused as e:
            raise FormError(str(e), field=e.field) from None
    except FormError as e:
        return _decision_refused(request, session, asked, FailedForm.of(f"approve-{extension_id}", e, form))
    follow_dates(request, session, [approved.occurrence_id])
    return RedirectResponse(back_path(form) or "/extensions", status_code=303)


@router.post("/extensions/{extension_id}/reject")
def reject_request(request: Request, extension_id: int, form: Form, session: DB) -> Response:
    asked = _extension(session, extension_id)
    try:
        reject(session, extension_id, str(form.get("note", "")), actor="admin", now=now(request))
    except ExtensionRefused as e:
        failed = FailedForm.of(f"reject-{extension_id}", FormError(str(e), field=e.field), form)
        return _decision_refused(request, session, asked, failed)
    return RedirectResponse(back_path(form) or "/extensions", status_code=303)


def _extension(session: Session, extension_id: int) -> tuple[int, int]:
    """The request's occurrence and task ids, read before a refusal's rollback expires the rows."""
    extension = session.get(Extension, extension_id)
    if extension is None:
        raise HTTPException(404)
    return extension.occurrence_id, extension.occurrence.milestone.task_id


def _decision_refused(request: Request, session: Session, asked: tuple[int, int], failed: FailedForm) -> HTMLResponse:
    """A refused decision comes back where it was taken: the task page (``back`` = /tasks/…), else /extensions.
    The task shown is the request's own, whatever ``back`` names."""
    session.rollback()
    if (back_path(failed.values) or "").startswith("/tasks/"):
        return task_view(request, session, asked[1], failed)
    return extensions_view(request, session, failed)


@router.post("/milestones/{milestone_id}/adopt")
def adopt_date(request: Request, milestone_id: int, form: Form, session: DB) -> Response:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise HTTPException(404)
    task_id = milestone.task_id
    try:
        occurrence_id = int_field(form, "occurrence_id", "hạn của kế hoạch được dẫn", required=True)
        try:
            adopt(session, milestone, occurrence_id or 0, work_rules(request), actor="admin", now=now(request))
        except LookupError:
            raise FormError("Hạn được chọn không thuộc kế hoạch mà mốc này dẫn chiếu.") from None
    except FormError as e:
        session.rollback()
        return task_view(request, session, task_id, FailedForm.of(f"adopt-{milestone_id}", e, form))
    follow_dates(request, session, [o.id for o in milestone.occurrences])
    return RedirectResponse(f"/tasks/{task_id}#milestone-{milestone.id}", status_code=303)
