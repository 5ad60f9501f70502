"""Log in and out: the admin by password (argon2 hash from settings), focal points by an emailed link.

Failed password attempts are throttled per (IP, user name). A sign-in link is signed with the secret key,
valid for SIGNIN_VALIDITY_S, and only acts on POST (mail scanners open GETs).
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from models import Contact
from web.deps import DB, Form, now
from web.sessions import login, logout
from web.templating import render

router = APIRouter(include_in_schema=False)
ADMIN_USER = "admin"
SIGNIN_SALT = "hanchot.signin.v1"
SIGNIN_VALIDITY_S = 24 * 3600
TOO_MANY = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 15 phút."
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LINK_SENT = "Nếu địa chỉ này có trong danh bạ, một liên kết đăng nhập vừa được gửi tới hộp thư."
BAD_LINK = "Liên kết đăng nhập không hợp lệ hoặc đã hết hạn."


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect to another site would make phishing easy."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash or not password:
        return False
    try:
        return PasswordHasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _page(request: Request, messages: list[tuple[str, str]] | None = None, status: int = 200,
          username: str = "") -> HTMLResponse:
    return HTMLResponse(render(request, "login.html", {"messages": messages or [], "username": username,
                                                        "next": safe_next(request.query_params.get("next"))}),
                        status_code=status)


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _page(request)


@router.post("/login")
def login_submit(request: Request, form: Form) -> Response:
    username = str(form.get("username", "")).strip()[:100]
    password = str(form.get("password", ""))[:1000]
    ip = request.client.host if request.client else "?"
    throttle = request.app.state.throttle
    moment = now(request)
    if throttle.blocked(ip, username, moment):
        return _page(request, [("error", TOO_MANY)], 429, username)
    settings = request.app.state.settings
    if username != ADMIN_USER or not verify_password(settings.admin_password_hash, password):
        throttle.fail(ip, username, moment)
        message = TOO_MANY if throttle.blocked(ip, username, moment) else WRONG
        return _page(request, [("error", message)], 401, username)
    throttle.succeed(ip, username)
    login(request, "admin", "Quản trị viên")
    return RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)


@router.post("/logout")
def logout_submit(request: Request, form: Form) -> RedirectResponse:
    logout(request)
    return RedirectResponse("/", status_code=303)


def _signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.secret_key, salt=SIGNIN_SALT)


@router.post("/login/email")
async def email_link(request: Request, form: Form,
                     session: DB) -> HTMLResponse:
    address = str(form.get("email", "")).strip().lower()[:255]
    contact = session.scalar(select(Contact).where(func.lower(Contact.email) == address, Contact.active.is_(True))
                             .limit(1)) if "@" in address else None
    if contact is not None:
        await _send_link(request, contact)
    return _page(request, [("ok", LINK_SENT)])


async def _send_link(request: Request, contact: Contact) -> None:
    from notifiers import Message, Recipient, load_notifier

    settings = request.app.state.settings
    token = _signer(request).dumps({"c": contact.id, "n": secrets.token_hex(4)})
    url = f"{settings.base_url.rstrip('/')}/login/link/{quote(token)}"
    text = (f"Kính gửi {contact.name},\n\nĐể đăng nhập hanchot và xem các hạn chót của cơ quan, mở liên kết sau "
            f"(có hiệu lực 24 giờ):\n{url}\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này.")
    message = Message(idempotency_key=f"signin-{contact.id}-{token[-16:]}",
                      recipient=Recipient(name=contact.name, email=contact.email),
                      subject="[hanchot] Liên kết đăng nhập", text=text)
    notifier = load_notifier("email" if settings.smtp_url else "eml", settings)
    await notifier.send(message)


@router.get("/login/link/{token}")
def link_confirm(request: Request, token: str) -> HTMLResponse:
    return HTMLResponse(render(request, "login_link.html", {"token": token}))


@router.post("/login/link/{token}")
def link_login(request: Request, token: str, form: Form,
               session: DB) -> Response:
    try:
        data = _signer(request).loads(token, max_age=SIGNIN_VALIDITY_S)
        contact = session.get(Contact, int(data["c"]))
    except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError):
        contact = None
    if contact is None or not contact.active:
        return _page(request, [("error", BAD_LINK)], 400)
    login(request, f"contact:{contact.id}", contact.name)
    return RedirectResponse(f"/agencies/{contact.agency_id}" if contact.agency_id else "/", status_code=303)
