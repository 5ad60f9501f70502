"""The admin's part of access control: ending every session of a contact (a lost phone, a person who left)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from models import Contact
from web.audit import record
from web.deps import DB, Form, now, require_admin
from web.sessions import end_sessions

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


@router.post("/contacts/{contact_id}/sessions/end")
def end_contact_sessions(request: Request, contact_id: int, form: Form, session: DB) -> RedirectResponse:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise HTTPException(404)
    ended = end_sessions(session, contact.id, now(request))
    record(session, "admin", "contact.sessions_end", "contacts", contact.id, None, {"ended_sessions": ended})
    return RedirectResponse(f"/agencies/{contact.agency_id}" if contact.agency_id else "/agencies", status_code=303)
