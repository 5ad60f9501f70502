"""Plans: upload, review what hanchot understood, publish (the review page's edits: web.admin_review_edits)."""

from __future__ import annotations

import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from config.errors import UserError
from ingest.revisions import delete_plan, revision_row
from models import Agency, AuditLog, Plan, PlanRevision, PlanStatus, RevisionState, Unit
from models.revisions import own_plans as own_plan_rows
from web.admin_revisions import revision_context
from web.audit import record, snapshot
from web.deps import DB, Form, FormError, now, require_admin
from web.form_state import FORM_ERROR_STATUS, NOTHING_FAILED, FailedForm
from web.importing import check_upload, import_file
from web.pages import page
from web.queries import plan_with_everything
from web.recurrence_form import (
    PERIODS,
)
from web.review_summary import KINDS, recurrence_view, review_summary, shown_tasks
from web.views import explanation

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])
NO_FILE = "Vui lòng chọn một tệp kế hoạch."
PLAN_ACTIONS = "plan-actions"  # the plan's buttons (publish, delete, undo …): a refusal is said at the page's top
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
    return page(request, "upload.html", {"replaceable": own_plans(session), "failed": NOTHING_FAILED})


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
        return page(request, "upload.html", {"failed": FailedForm("upload", str(e), field, typed),
                                             "replaceable": own_plans(session)}, status=FORM_ERROR_STATUS)
    record(session, "admin", "plan.import", "plans", plan.id, None,
           {"source_name": upload_file.filename, "tasks": len(plan.tasks),
            "diff": changes.to_json() if changes else None, "revision_of": revision_of})
    if revision_of is not None:
        return RedirectResponse(f"/plans/{plan.id}/revision", status_code=303)
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


@router.get("/plans/{plan_id}")
def review(request: Request, plan_id: int, session: DB) -> HTMLResponse:
    return review_page(request, session, plan_id)


def agency_choices(session: Session) -> list[tuple[int, str]]:
    """(id, label) of every agency for the "Đổi cơ quan" lists, by name; a name two units share (each commune has
    its "Công an xã") is told apart by its unit."""
    rows = session.execute(select(Agency.id, Agency.name, Unit.name).outerjoin(Unit, Agency.unit_id == Unit.id)
                           .order_by(Agency.name, Unit.name)).all()
    shared = {name for name, count in Counter(name for _, name, _ in rows).items() if count > 1}
    return [(ident, f"{name} · {unit}" if name in shared and unit else name) for ident, name, unit in rows]


def _folded(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def agency_named(session: Session, typed: str) -> Agency:
    """The agency whose label in the "Đổi cơ quan" list (``agency_choices``) is ``typed``, case and spacing aside: how
    a browser without JavaScript, which never gets the list, names the agency. A name two units share needs its unit."""
    wanted, choices = _folded(typed), agency_choices(session)
    found = [ident for ident, label in choices if _folded(label) == wanted]
    if not found:
        shared = [label for _, label in choices if _folded(label).startswith(wanted + " · ")]
        if shared:
            raise FormError(f"Có {len(shared)} cơ quan tên «{typed}»: gõ kèm đơn vị, ví dụ «{shared[0]}».",
                            field="agency_name")
        raise FormError(f"Không có cơ quan tên «{typed}»: gõ đúng tên như ở trang Cơ quan, hoặc thêm cơ quan đó "
                        "trước.", field="agency_name")
    return session.get(Agency, found[0])


def review_page(request: Request, session: Session, plan_id: int, failed: FailedForm | None = None) -> HTMLResponse:
    """The review page; with ``failed``, the refused form is open again with its message and typed values."""
    plan = plan_with_everything(session, plan_id)
    if plan is None:
        raise HTTPException(404)
    last_import = session.scalar(select(AuditLog).where(AuditLog.entity == "plans", AuditLog.entity_id == plan.id,
                                                        AuditLog.action == "plan.import")
                                 .order_by(AuditLog.id.desc()).limit(1))
    agencies = agency_choices(session)
    summary = review_summary(plan)
    only_flagged = (failed.value("only_flagged") if failed else request.query_params.get("can_kiem_tra")) == "1"
    kind = (failed.value("loai") if failed else request.query_params.get("loai")) if only_flagged else None
    kind = kind if kind in KINDS else None
    shown = shown_tasks(plan, summary["checks"], only_flagged, kind)
    return page(request, "review.html", {
        **revision_context(session, plan.id), **summary, "shown": shown, "only_flagged": only_flagged,
        "kind_filter": kind,
        "plan": plan, "explain": explanation, "agencies": agencies, "agency_label": dict(agencies),
        "failed": failed or NOTHING_FAILED,
        "recur": recurrence_view, "periods": PERIODS,
        "diff": (last_import.after or {}).get("diff") if last_import else None,
        "unknown": sorted({a.agency.name for t in plan.tasks for a in t.assignments if a.agency.needs_review})},
        status=FORM_ERROR_STATUS if failed else 200)


def refused(request: Request, session: Session, plan_id: int, form_id: str, error: FormError,
             form: FormData) -> HTMLResponse:
    """Nothing of the refused edit is kept; the review page comes back with the form as typed."""
    session.rollback()
    return review_page(request, session, plan_id, FailedForm.of(form_id, error, form))


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
def delete_draft(request: Request, plan_id: int, form: Form, session: DB) -> Response:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise HTTPException(404)
    if plan.status == PlanStatus.PUBLISHED:
        return refused(request, session, plan_id, PLAN_ACTIONS, FormError("Không thể xóa kế hoạch đã ban hành."), form)
    revision = revision_row(session, plan_id)
    record(session, "admin", "plan.delete", "plans", plan.id, snapshot(plan, ("number", "title", "source_name")), None)
    delete_plan(session, plan)
    if revision is not None:  # a discarded revision: back to the plan it would have changed
        return RedirectResponse(f"/plans/{revision.live_plan_id}", status_code=303)
    return RedirectResponse("/plans", status_code=303)
