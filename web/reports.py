"""Progress reports to download: ``/plans/{id}/report.xlsx|docx`` (the admin; a focal
point gets its own unit's tasks of a published plan) and ``/agencies/{id}/report.xlsx|docx``
(the admin, and a focal point for an agency of its own unit). The rows and the files come from
``calendars.progress``; the day that is "today" is the local day in HANCHOT_TIMEZONE."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from calendars.progress import progress_rows, report_title
from models import Agency, Plan
from web.deps import DB, LoginRequired, actor, now, permissions
from web.queries import local_today

router = APIRouter(include_in_schema=False)
TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@router.get("/plans/{plan_id}/report.{fmt}")
def plan_report(request: Request, plan_id: int, fmt: str, session: DB) -> Response:
    _signed_in(request)
    plan = session.get(Plan, plan_id) if fmt in TYPES else None
    if plan is None:
        raise HTTPException(404)
    try:
        agency_id = permissions(request, session).plan_report_agency(plan)
    except PermissionError:
        raise HTTPException(403) from None
    stem = f"bao-cao-tien-do-ke-hoach-{plan.id}" + (f"-co-quan-{agency_id}" if agency_id is not None else "")
    return _report(request, session, fmt, stem, plan_id=plan.id, agency_id=agency_id)


@router.get("/agencies/{agency_id}/report.{fmt}")
def agency_report(request: Request, agency_id: int, fmt: str, session: DB) -> Response:
    _signed_in(request)
    agency = session.get(Agency, agency_id) if fmt in TYPES else None
    if agency is None:
        raise HTTPException(404)
    if not permissions(request, session).may_report_on(agency.id):
        raise HTTPException(403)
    return _report(request, session, fmt, f"bao-cao-tien-do-co-quan-{agency.id}", agency_id=agency.id)


def _signed_in(request: Request) -> None:
    """Who marked what done is not for anonymous visitors: they are sent to sign in first."""
    if actor(request) is None:
        raise LoginRequired(request.url.path)


def _report(request: Request, session: DB, fmt: str, stem: str, *, plan_id: int | None = None,
            agency_id: int | None = None) -> Response:
    timezone = request.app.state.settings.timezone
    rows = progress_rows(session, today=local_today(now(request), timezone), timezone=timezone, plan_id=plan_id,
                         agency_id=agency_id)
    title = report_title(session, plan_id=plan_id, agency_id=agency_id)
    if fmt == "xlsx":
        from calendars.progress_xlsx import progress_xlsx

        body = progress_xlsx(rows, title)
    else:
        from calendars.progress_docx import progress_docx

        body = progress_docx(rows, title)
    name = f"{stem}.{fmt}"
    return Response(body, media_type=TYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"})
