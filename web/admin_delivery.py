"""Admin view of delivery: reminders stuck or failed (with "Gửi lại"), and turning a bounced channel back on."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from models import Contact
from scheduler.attention import channel_name, enable_channel, send_again, stuck_reminders
from web.deps import DB, Form, now, require_admin
from web.pages import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


@router.get("/deliveries/stuck")
def stuck(request: Request, session: DB) -> HTMLResponse:
    return page(request, "stuck.html", {"rows": stuck_reminders(session), "channel_name": channel_name,
                                        "resent": request.query_params.get("resent")})


@router.post("/reminders/{reminder_id}/send-again")
def resend(request: Request, reminder_id: int, form: Form, session: DB) -> RedirectResponse:
    if reminder_id > 2**62 or send_again(session, reminder_id, now(request), "admin") is None:
        raise HTTPException(404)
    return RedirectResponse(f"/deliveries/stuck?resent={reminder_id}", status_code=303)


@router.post("/contacts/{contact_id}/channels/{channel}/enable")
def enable(request: Request, contact_id: int, channel: str, form: Form, session: DB) -> RedirectResponse:
    contact = session.get(Contact, contact_id) if contact_id <= 2**62 else None
    if contact is None:
        raise HTTPException(404)
    enable_channel(session, contact, channel, now(request), "admin")
    return RedirectResponse(f"/agencies/{contact.agency_id}" if contact.agency_id else "/agencies", status_code=303)
