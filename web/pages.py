"""Pages everybody may read (dashboard, month calendar, agencies, tasks), and closing or reopening a deadline.

Published plans are public documents, so reading needs no login (unless HANCHOT_REQUIRE_LOGIN; then a focal
point reads only its unit). Who may close and reopen which deadline is decided by models.permissions.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from starlette.datastructures import FormData

from config.settings import Settings
from models import Agency, AgencyGroupMember, FeedToken, Occurrence, Plan, PlanStatus, Task, Unit, UnitKind
from models.live import LIVE_TASK
from models.revisions import own_plans
from web.deps import DB, Form, FormError, is_admin, now, permissions, text_field
from web.form_state import FORM_ERROR_STATUS, NOTHING_FAILED, FailedForm, back_path
from web.queries import items, local_today, on_time_rates, overdue
from web.templating import render
from web.views import KIND_LABELS, explanation, month_grid, rate_chart, shift_month

router = APIRouter(include_in_schema=False)
PUBLISHED_PLAN = LIVE_TASK[0]  # models.live's "the plan is published" clause
HORIZON_DAYS = 30
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    return HTMLResponse(render(request, name, {"is_admin": is_admin(request), "kinds": KIND_LABELS,
                                               "perms": getattr(request.state, "permissions", None),
                                               "now": now(request), **context}),
                        status_code=status)


@router.get("/")
def dashboard(request: Request, session: DB) -> HTMLResponse:
    today = local_today(now(request), request.app.state.settings.timezone)
    perms = permissions(request, session)
    within = perms.visible_agencies()
    upcoming = items(session, start=today, end=today + timedelta(days=HORIZON_DAYS), within=within)
    by_agency: dict[str, list] = {}
    for item in upcoming:
        for agency in item.leads() or [None]:
            by_agency.setdefault(agency.name if agency else "(chưa giao)", []).append(item)
    rates = on_time_rates(session, today.year, today, request.app.state.settings.timezone) if within is None else []
    recent = select(Plan).where(own_plans()).order_by(Plan.created_at.desc()).limit(10)
    if not perms.is_admin:  # drafts are the admin's work in progress, never shown to anyone else
        recent = recent.where(PUBLISHED_PLAN)
    plans = session.scalars(recent).all()
    counts = {"published": sum(1 for p in plans if p.status == PlanStatus.PUBLISHED), "all": len(plans)}
    return page(request, "dashboard.html", {
        "delivery_alerts": delivery_alerts(session, now(request), request.app.state.settings)
        if perms.is_admin else [],
        "today": today, "by_agency": sorted(by_agency.items()),
        "overdue": overdue(session, today, within),
        "chart": Markup(rate_chart(rates)) if rates else None, "plans": plans, "counts": counts,
        "upcoming_count": len(upcoming)})


def delivery_alerts(session: Session, at: datetime, settings: Settings) -> list[str]:
    """The admin's banner lines: a channel down longer than the alert threshold, a broken Zalo credential.
    Times in the officials' zone (HANCHOT_TIMEZONE)."""
    from zoneinfo import ZoneInfo

    from scheduler.attention import broken_credentials
    from scheduler.outages import open_outages
    from scheduler.runtime import dispatch_config

    zone = ZoneInfo(settings.timezone)
    lines = [f"Kênh {o.label} đang gián đoạn từ {o.started_at.astimezone(zone):%H:%M %d/%m/%Y}: nhắc việc sẽ tự "
             f"gửi lại khi kênh hoạt động. Lỗi: {o.last_error or 'không rõ'}"
             for o in open_outages(session, at, dispatch_config(settings).outage_alert_after)]
    lines += [f"Thông tin xác thực Zalo của ứng dụng {c.app_id} đã hỏng ({c.broken_reason}); nhắc việc Zalo đang được "
              "gửi qua kênh khác. Cần cấp quyền lại cho OA." for c in broken_credentials(session)]
    return lines


@router.get("/calendar")
def month_view(request: Request, session: DB, month: str | None = None) -> HTMLResponse:
    today = local_today(now(request), request.app.state.settings.timezone)
    matched = MONTH.match(month or "")
    year, number = (int(matched[1]), int(matched[2])) \
        if matched and 1 <= int(matched[2]) <= 12 and 1900 < int(matched[1]) < 9999 else (today.year, today.month)
    first = date(year, number, 1)
    last = date(*shift_month(year, number, 1), 1) - timedelta(days=1)
    within = permissions(request, session).visible_agencies()
    grid = month_grid(year, number, items(session, start=first, end=last, within=within))
    return page(request, "calendar.html", {
        "grid": grid, "first": first, "today": today,
        "previous": _month_text(*shift_month(year, number, -1)), "next": _month_text(*shift_month(year, number, 1))})


def _month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


@router.get("/agencies")
def agencies(request: Request, session: DB, q: str = "") -> HTMLResponse:
    return agencies_view(request, session, q)


def agencies_view(request: Request, session: Session, q: str = "", failed: FailedForm | None = None) -> HTMLResponse:
    """The directory; with ``failed``, the refused "Thêm cơ quan" form is open with its message and values."""
    query = select(Agency).options(selectinload(Agency.children), selectinload(Agency.members),
                                   selectinload(Agency.contacts), selectinload(Agency.unit)).order_by(Agency.name)
    if q.strip():
        query = query.where(func.lower(Agency.name).contains(q.strip().lower()))
    visible = permissions(request, session).visible_agencies()
    found = [a for a in session.scalars(query).all() if visible is None or a.id in visible]
    return page(request, "agencies.html", {"agencies": found, "q": q, "units": _units(session, request),
                                           "needs_review": [a for a in found if a.needs_review],
                                           "failed": failed or NOTHING_FAILED},
                status=FORM_ERROR_STATUS if failed else 200)


def _units(session: Session, request: Request) -> list[Unit]:
    """The units an admin can put an agency in, the province first."""
    if not is_admin(request):
        return []
    return list(session.scalars(select(Unit).order_by(Unit.kind != UnitKind.PROVINCE, Unit.name)))


@router.get("/agencies/{agency_id}")
def agency_page(request: Request, agency_id: int, session: DB) -> HTMLResponse:
    return agency_view(request, session, agency_id)


def agency_view(request: Request, session: Session, agency_id: int, failed: FailedForm | None = None) -> HTMLResponse:
    """The agency page; with ``failed`` (web.form_state), the refused form is open with its message and values."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise HTTPException(404)
    if not permissions(request, session).may_see_agency(agency_id):
        raise HTTPException(403)
    today = local_today(now(request), request.app.state.settings.timezone)
    found = items(session, agency_id=agency_id)
    groups = session.scalars(select(Agency).join(AgencyGroupMember, AgencyGroupMember.group_id == Agency.id)
                             .where(AgencyGroupMember.member_id == agency_id)).all()
    tokens = session.scalars(select(FeedToken).where(FeedToken.agency_id == agency_id)
                             .order_by(FeedToken.created_at)).all() if is_admin(request) else []
    others = session.scalars(select(Agency).where(Agency.id != agency_id).options(selectinload(Agency.unit))
                             .order_by(Agency.name)).all() if is_admin(request) else []
    return page(request, "agency.html", {
        "agency": agency, "items": found, "today": today, "groups": groups, "tokens": tokens, "others": others,
        "units": _units(session, request), "overdue_count": sum(i.overdue(today) for i in found),
        "open_count": sum(not i.done for i in found), "failed": failed or NOTHING_FAILED},
        status=FORM_ERROR_STATUS if failed else 200)


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: int, session: DB) -> HTMLResponse:
    return task_view(request, session, task_id)


def task_view(request: Request, session: Session, task_id: int, failed: FailedForm | None = None) -> HTMLResponse:
    """The task page; with ``failed`` (web.form_state), the refused date form is open with its message and values."""
    from workrules.extensions import pending_by_occurrence
    from workrules.links import matching_tasks

    task = session.get(Task, task_id)
    perms = permissions(request, session)
    if task is None or (task.plan.status != PlanStatus.PUBLISHED and not perms.is_admin):
        raise HTTPException(404)
    if not perms.may_see_task(task):
        raise HTTPException(403)
    cited = {m.id: matching_tasks(session, m) for m in task.milestones
             if m.linked_plan is not None and (m.linked_plan.status == PlanStatus.PUBLISHED or perms.is_admin)}
    waiting = pending_by_occurrence(session, [o.id for m in task.milestones for o in m.occurrences])
    return page(request, "task.html", {
        "task": task, "explain": explanation, "today": local_today(now(request), request.app.state.settings.timezone),
        "cited": cited, "waiting": waiting, "failed": failed or NOTHING_FAILED},
        status=FORM_ERROR_STATUS if failed else 200)


def _occurrence(session: Session, occurrence_id: int) -> Occurrence:
    occurrence = session.get(Occurrence, occurrence_id)
    if occurrence is None:
        raise HTTPException(404)
    return occurrence


def _back(form: FormData, fallback: str) -> RedirectResponse:
    return RedirectResponse(back_path(form) or fallback, status_code=303)


@router.post("/occurrences/{occurrence_id}/done")
def mark_done(request: Request, occurrence_id: int, form: Form, session: DB) -> RedirectResponse:
    from scheduler.actions import mark_done as perform_done

    occurrence = _occurrence(session, occurrence_id)
    perms = permissions(request, session)
    if not perms.may_close(occurrence):
        raise HTTPException(403)
    perform_done(session, occurrence_id, perms.contact.id if perms.contact else None, now(request), actor=perms.who)
    return _back(form, f"/tasks/{occurrence.milestone.task_id}")


@router.post("/occurrences/{occurrence_id}/undo")
def undo_done(request: Request, occurrence_id: int, form: Form, session: DB) -> RedirectResponse:
    from scheduler.actions import undo_done as perform_undo

    occurrence = _occurrence(session, occurrence_id)
    perms = permissions(request, session)
    if not perms.may_undo(occurrence, now(request)):
        raise HTTPException(403)
    perform_undo(session, occurrence_id, now(request), actor=perms.who)
    return _back(form, f"/tasks/{occurrence.milestone.task_id}")


@router.post("/occurrences/{occurrence_id}/extension-request")
def request_extension_page(request: Request, occurrence_id: int, form: Form, session: DB) -> Response:
    """A focal point whose agency leads the task asks for more time; the admin approves or rejects it under
    "Gia hạn" (``workrules.extensions``, audited with who and from where). A refused request comes back on the
    page it was sent from: the task page, or the focal point's home (``back`` = /me…)."""
    from web.editing import parse_day
    from workrules.extensions import ExtensionRefused, request_extension

    occurrence = _occurrence(session, occurrence_id)
    task_id = occurrence.milestone.task_id
    perms = permissions(request, session)
    if not perms.may_request_extension(occurrence):
        raise HTTPException(403)
    try:
        new_due = parse_day(str(form.get("new_due", "")), "Ngày đề nghị gia hạn", "new_due")
        if new_due is None:
            raise FormError("Vui lòng nhập ngày đề nghị gia hạn.", field="new_due")
        try:
            request_extension(session, occurrence_id, new_due,
                              text_field(form, "reason", "lý do", max_length=1000) or "",
                              requested_by=perms.who, now=now(request))
        except ExtensionRefused as e:
            raise FormError(str(e), field=e.field) from None
    except FormError as e:
        session.rollback()
        failed = FailedForm.of(f"extension-request-{occurrence_id}", e, form)
        if (back_path(form) or "").startswith("/me"):
            from web.focal import focal_home

            return focal_home(request, session, failed=failed)
        return task_view(request, session, task_id, failed)
    return _back(form, f"/tasks/{task_id}#occurrence-{occurrence_id}")
