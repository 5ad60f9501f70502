"""Sign in and out: the admin by password (argon2 hash from settings), focal points by an emailed link.

Failed passwords are throttled in the database (``web.ratelimit``). A sign-in link carries a random token
whose SHA-256 is stored; it is valid for LINK_VALIDITY, works once, and only acts on POST (mail scanners
open GETs). Asking for a link always gets the same page, whether the address is known, unknown or asked
too often, and the email is sent after the answer so the timing tells nothing either.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from models import Contact, SigninLink
from web.deps import DB, Form, now
from web.form_state import local_path
from web.pending import EXPIRED, Pending, from_login_form, resume_page
from web.ratelimit import Throttle
from web.sessions import login, logout
from web.templating import render

router = APIRouter(include_in_schema=False)
ADMIN_USER = "admin"
LINK_VALIDITY = timedelta(minutes=15)
TOO_MANY = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 15 phút."
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LINK_SENT = ("Nếu địa chỉ này có trong danh bạ, một liên kết đăng nhập vừa được gửi tới hộp thư "
             "(có hiệu lực 15 phút, dùng được một lần).")
BAD_LINK = "Liên kết đăng nhập không hợp lệ, đã hết hạn hoặc đã được dùng. Vui lòng yêu cầu liên kết mới."
HOME_OF_FOCAL_POINT = "/me"
RESUME = "Đã đăng nhập lại. Thay đổi đang dở được giữ nguyên bên dưới: bấm «Gửi lại» để lưu."


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect to another site would make phishing easy."""
    return local_path(target) or "/"


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash or not password:
        return False
    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _page(request: Request, messages: list[tuple[str, str]] | None = None, status: int = 200,
          username: str = "", next_path: str | None = None, background: BackgroundTask | None = None,
          pending: Pending | None = None, refused: str | None = None) -> HTMLResponse:
    """The sign-in page; ``refused`` is why the password was not taken, shown beside the password field."""
    target = safe_next(next_path if next_path is not None else request.query_params.get("next"))
    return HTMLResponse(render(request, "login.html", {"messages": messages or [], "username": username,
                                                        "next": target, "pending": pending, "refused": refused}),
                        status_code=status, background=background)


def login_for_pending(request: Request, pending: Pending) -> HTMLResponse:
    """The sign-in page carrying an edit posted after the session ended (``web.pending``)."""
    return _page(request, [("error", EXPIRED)], 401, next_path=pending.action, pending=pending)


def _throttle(request: Request) -> Throttle:
    return Throttle(request.app.state.settings.secret_key)


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _page(request)


@router.post("/login")
def login_submit(request: Request, form: Form, session: DB) -> Response:
    username = str(form.get("username", "")).strip()[:100]
    password = str(form.get("password", ""))[:1000]
    next_path = str(form.get("next", "/"))
    pending = from_login_form(form)
    ip, moment, throttle = request.state.origin, now(request), _throttle(request)
    if throttle.password_blocked(session, username, ip, moment):
        return _page(request, None, 429, username, next_path, pending=pending, refused=TOO_MANY)
    if username != ADMIN_USER or not verify_password(request.app.state.settings.admin_password_hash, password):
        throttle.password_failed(session, username, ip, moment)
        message = TOO_MANY if throttle.password_blocked(session, username, ip, moment) else WRONG
        return _page(request, None, 401, username, next_path, pending=pending, refused=message)
    throttle.password_succeeded(session, username, ip)
    login(request, session, "admin", "Quản trị viên", moment)
    if pending is not None:  # signed in again: the edit is shown to be sent under the new session
        return resume_page(request, pending, RESUME)
    return RedirectResponse(safe_next(next_path), status_code=303)


@router.post("/logout")
def logout_submit(request: Request, form: Form, session: DB) -> RedirectResponse:
    logout(request, session, now(request))
    return RedirectResponse("/", status_code=303)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@router.post("/login/email")
def email_link(request: Request, form: Form, session: DB) -> HTMLResponse:
    address = str(form.get("email", "")).strip().lower()[:255]
    moment = now(request)
    if not _throttle(request).link_allowed(session, address, request.state.origin, moment):
        return _page(request, [("ok", LINK_SENT)])
    contact = session.scalar(select(Contact).where(func.lower(Contact.email) == address, Contact.active.is_(True))
                             .order_by(Contact.id).limit(1)) if "@" in address else None
    if contact is None:
        return _page(request, [("ok", LINK_SENT)])
    token = secrets.token_urlsafe(32)
    session.add(SigninLink(token_hash=_token_hash(token), contact_id=contact.id, ip=request.state.origin,
                           created_at=moment, expires_at=moment + LINK_VALIDITY))
    session.commit()  # the link must exist before its email can be opened
    task = BackgroundTask(_send_link, request.app.state.settings, contact.id, contact.name, contact.email, token)
    return _page(request, [("ok", LINK_SENT)], background=task)


async def _send_link(settings, contact_id: int, name: str, email: str, token: str) -> None:  # type: ignore[no-untyped-def]
    import logging

    from notifiers import Message, Recipient, load_notifier

    url = f"{settings.base_url.rstrip('/')}/login/link/{token}"
    minutes = int(LINK_VALIDITY.total_seconds() // 60)
    text = (f"Kính gửi {name},\n\nĐể đăng nhập hanchot và xem các hạn chót của cơ quan, mở liên kết sau "
            f"(có hiệu lực {minutes} phút, dùng được một lần):\n{url}\n\n"
            "Nếu bạn không yêu cầu, hãy bỏ qua thư này.")
    message = Message(idempotency_key=f"signin-{contact_id}-{token[-16:]}",
                      recipient=Recipient(name=name, email=email),
                      subject="[hanchot] Liên kết đăng nhập", text=text)
    try:
        await load_notifier("email" if settings.smtp_url else "eml", settings).send(message)
    except Exception as e:  # the visitor already has the page; the log says why no email left
        logging.getLogger(__name__).warning("sign-in link for contact %s not sent: %s", contact_id, e)


@router.get("/login/link/{token}")
def link_confirm(request: Request, token: str) -> HTMLResponse:
    return HTMLResponse(render(request, "login_link.html", {"token": token[:100]}))


def consume_link(session: Session, token: str, moment: datetime) -> Contact | None:
    """The contact a valid, unused, unexpired link names, marking it used (atomically: one winner), else None."""
    if len(token) > 100:
        return None
    digest = _token_hash(token)
    claimed = session.execute(update(SigninLink).where(
        SigninLink.token_hash == digest, SigninLink.used_at.is_(None), SigninLink.expires_at > moment)
        .values(used_at=moment))
    if claimed.rowcount != 1:
        return None
    link = session.scalar(select(SigninLink).where(SigninLink.token_hash == digest))
    contact = session.get(Contact, link.contact_id) if link is not None else None
    if contact is None or not contact.active:
        return None
    session.execute(update(SigninLink).where(SigninLink.contact_id == contact.id, SigninLink.used_at.is_(None))
                    .values(used_at=moment))  # signed in: the other links of that inbox are moot
    return contact


@router.post("/login/link/{token}")
def link_login(request: Request, token: str, form: Form, session: DB) -> Response:
    moment = now(request)
    contact = consume_link(session, token, moment)
    if contact is None:
        return _page(request, [("error", BAD_LINK)], 400)
    login(request, session, f"contact:{contact.id}", contact.name, moment, contact_id=contact.id)
    return RedirectResponse(HOME_OF_FOCAL_POINT, status_code=303)
