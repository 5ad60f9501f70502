"""``/r/<signed>``: the "Đã hoàn thành" and "Nhắc lại sau" links of reminders, usable without login.

GET only shows what the link will do and a button; POST acts (mail scanners and link previews fetch
GETs, which must change nothing). The link itself is the credential, so these forms carry no CSRF token:
a forged POST needs the signed token, which is exactly what the link grants.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from models import Occurrence
from scheduler.links import LinkError, verify_token
from web.deps import DB, now, work_rules
from web.pages import page

router = APIRouter(include_in_schema=False)
ACTION_LABELS = {"done": "Xác nhận đã hoàn thành", "snooze": "Nhắc lại sau 2 ngày làm việc"}


@router.get("/r/{token}")
def confirm(request: Request, token: str, session: DB) -> HTMLResponse:
    try:
        link = verify_token(request.app.state.settings.secret_key, token, now(request))
    except LinkError as e:
        return page(request, "link_result.html", {"message": str(e), "ok": False}, status=400)
    occurrence = session.get(Occurrence, link.occurrence_id)
    if occurrence is None:
        return page(request, "link_result.html", {"message": "Không tìm thấy hạn chót này.", "ok": False}, status=404)
    return page(request, "link_confirm.html", {"token": token, "link": link, "occurrence": occurrence,
                                                "label": ACTION_LABELS[link.action]})


@router.post("/r/{token}")
def act(request: Request, token: str, session: DB) -> HTMLResponse:
    from scheduler.actions import perform
    settings = request.app.state.settings
    try:
        result = perform(session, settings.secret_key, token, now(request), work_rules(request).calendar.is_working_day,
                         tz=settings.timezone)
    except LinkError as e:
        return page(request, "link_result.html", {"message": str(e), "ok": False}, status=400)
    return page(request, "link_result.html", {"message": result.message, "ok": True})
