"""The audit log: every edit, newest first, with what changed."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from models import AuditLog
from web.audit_text import audit_lines
from web.deps import DB, require_admin
from web.pages import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])
PAGE_SIZE = 100


@router.get("/audit")
def audit(request: Request, session: DB, page_number: int = 1) -> HTMLResponse:
    page_number = max(1, min(page_number, 100_000))
    rows = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())
                           .offset((page_number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    total = session.scalar(select(func.count()).select_from(AuditLog)) or 0
    return page(request, "audit.html", {"lines": audit_lines(session, list(rows)), "page_number": page_number,
                                        "more": total > page_number * PAGE_SIZE})
