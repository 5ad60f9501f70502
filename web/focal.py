"""A focal point's home (``/me``): its unit's overdue and upcoming deadlines, what it closed today (to undo),
its progress reports to download (the unit's whole one and its part of each plan), and its own calendar feed to
subscribe to in Google, Outlook or Apple Calendar.

The feed token is made on first use (the button), as a token the server can derive again from its secret
key, so the page shows the same URL on every visit while the database keeps only its hash.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.conditional import subscribe_links
from calendars.tokens import derived_token, hash_token
from models import FeedRole, FeedScope, FeedToken, Role
from models.permissions import Permissions
from web.audit import record
from web.deps import DB, Form, LoginRequired, actor, now, permissions
from web.form_state import FORM_ERROR_STATUS, NOTHING_FAILED, FailedForm
from web.pages import page
from web.queries import Item, items, local_today

router = APIRouter(include_in_schema=False)
UPCOMING_DAYS = 60
OWN_FEED = "Lịch của tôi"
ROLE_NAMES = {Role.LEAD: "Chủ trì", Role.SUPPORT: "Phối hợp", Role.SYNTHESIS: "Tổng hợp"}
MESSAGES = {"done": "Đã đánh dấu hoàn thành. Bạn có thể hủy trong hôm nay nếu nhầm.",
            "undone": "Đã hủy đánh dấu hoàn thành; hạn này lại được nhắc như trước.",
            "feed": "Đã tạo đường dẫn lịch riêng của bạn. Chọn ứng dụng lịch bên dưới để đăng ký.",
            "feed-reset": "Đã đổi đường dẫn lịch; đường dẫn cũ không còn dùng được. Hãy đăng ký lại.",
            "asked": "Đã gửi đề nghị gia hạn; quản trị viên sẽ duyệt."}


def focal_point(request: Request, session: Session) -> Permissions:
    """The signed-in focal point's permissions; anonymous visitors go to the sign-in page, others get 403."""
    perms = permissions(request, session)
    if perms.is_focal_point:
        return perms
    if actor(request) is None:
        raise LoginRequired(request.url.path)
    raise HTTPException(403)


@dataclass(frozen=True)
class Row:
    item: Item
    role: str  # what the focal point's unit does in the task, in Vietnamese


def _rows(perms: Permissions, found: list[Item]) -> list[Row]:
    rows = []
    for item in found:
        mine = [a for a in item.task.assignments if a.agency_id in perms.unit]
        own = [a for a in mine if a.agency_id == perms.agency_id] or mine
        role = ", ".join(dict.fromkeys(ROLE_NAMES.get(a.role, a.role) for a in own))
        via = [a.agency.name for a in own if a.agency_id != perms.agency_id]
        rows.append(Row(item, f"{role} (qua {', '.join(via)})" if via else role))
    return rows


@router.get("/me", response_model=None)
def home(request: Request, session: DB, msg: str = "") -> HTMLResponse | RedirectResponse:
    if permissions(request, session).is_admin:
        return RedirectResponse("/", status_code=303)
    return focal_home(request, session, msg)


def focal_home(request: Request, session: Session, msg: str = "", failed: FailedForm | None = None) -> HTMLResponse:
    """The focal point's home; with ``failed`` (web.form_state), the refused request is open with its message."""
    from workrules.extensions import pending_by_occurrence

    perms = focal_point(request, session)
    moment = now(request)
    today = local_today(moment, request.app.state.settings.timezone)
    unit = perms.unit
    everything = items(session, end=today + timedelta(days=UPCOMING_DAYS), within=unit)
    overdue = [i for i in everything if i.overdue(today)]
    upcoming = [i for i in everything if i.day >= today and not i.done]
    closed_today = [i for i in everything if perms.may_undo(i.occurrence, moment)]
    token = own_feed_token(session, request.app.state.settings.secret_key, perms)
    feed = None
    if token is not None:
        url = f"{request.app.state.settings.base_url.rstrip('/')}/feeds/{token}.ics"
        feed = subscribe_links(url, f"{OWN_FEED} – {perms.contact.name}")  # type: ignore[union-attr]
    return page(request, "me.html", {
        "contact": perms.contact, "agency": perms.contact.agency,  # type: ignore[union-attr]
        "overdue": _rows(perms, overdue), "upcoming": _rows(perms, upcoming),
        "closed_today": _rows(perms, closed_today),
        "waiting": pending_by_occurrence(session, [i.occurrence.id for i in overdue + upcoming]),
        "leading": sum(perms.leads(i.task) for i in overdue + upcoming), "today": today, "feed": feed,
        "horizon": UPCOMING_DAYS, "report_plans": perms.report_plans(),
        "messages": [("ok", MESSAGES[msg])] if msg in MESSAGES else [],
        "failed": failed or NOTHING_FAILED}, status=FORM_ERROR_STATUS if failed else 200)


def _own_rows(session: Session, contact_id: int) -> list[FeedToken]:
    return list(session.scalars(select(FeedToken).where(
        FeedToken.contact_id == contact_id, FeedToken.scope == FeedScope.CONTACT, FeedToken.name == OWN_FEED,
        FeedToken.revoked_at.is_(None)).order_by(FeedToken.id)))


def own_feed_token(session: Session, secret_key: str, perms: Permissions) -> str | None:
    """The plain token of the focal point's own live feed, or None when none was made (or the key changed)."""
    for row in _own_rows(session, perms.contact.id):  # type: ignore[union-attr]
        token = derived_token(secret_key, str(row.id))
        if hash_token(token) == row.token_hash:
            return token
    return None


def _make_feed(session: Session, secret_key: str, perms: Permissions) -> FeedToken:
    row = FeedToken(token_hash=secrets.token_hex(32), name=OWN_FEED, scope=FeedScope.CONTACT, role=FeedRole.ALL,
                    contact_id=perms.contact.id)  # type: ignore[union-attr]
    session.add(row)
    session.flush()  # the id the token is derived from
    row.token_hash = hash_token(derived_token(secret_key, str(row.id)))
    record(session, perms.who, "feed_token.create", "feed_tokens", row.id, None,
           {"contact_id": row.contact_id, "name": OWN_FEED})
    return row


@router.post("/me/feed")
def make_feed(request: Request, form: Form, session: DB) -> Response:
    perms = focal_point(request, session)
    secret = request.app.state.settings.secret_key
    if own_feed_token(session, secret, perms) is None:
        _make_feed(session, secret, perms)
    return RedirectResponse("/me?msg=feed#lich", status_code=303)


@router.post("/me/feed/reset")
def reset_feed(request: Request, form: Form, session: DB) -> Response:
    """A new URL for a leaked or shared one: the old token answers 404 from the next request."""
    perms = focal_point(request, session)
    moment = now(request)
    for row in _own_rows(session, perms.contact.id):  # type: ignore[union-attr]
        row.revoked_at = moment
        record(session, perms.who, "feed_token.revoke", "feed_tokens", row.id, {"revoked_at": None},
               {"revoked_at": moment.isoformat()})
    _make_feed(session, request.app.state.settings.secret_key, perms)
    return RedirectResponse("/me?msg=feed-reset#lich", status_code=303)
