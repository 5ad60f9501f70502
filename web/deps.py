"""What routes depend on: the database session, the clock, the working calendar, the login and the CSRF check."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from ingest.errors import TOO_LARGE
from models.db import session_scope
from models.permissions import Permissions
from web.security import CONTROL

if TYPE_CHECKING:
    from workrules.rules import WorkRules

STALE_SESSION = "Phiên làm việc đã hết hạn, vui lòng tải lại trang."
MAX_FORM_FIELDS = 2000
MAX_BODY_BYTES = 21 * 1024 * 1024  # a 20 MB plan plus the multipart envelope


class LoginRequired(Exception):
    """An anonymous visitor asked for a page that needs a login: redirect to /login?next=…"""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfFailed(Exception):
    """A POST without the session's CSRF token: answered 403 with STALE_SESSION, nothing stored."""


def db(request: Request) -> Iterator[Session]:
    """One session per request: committed when the route returns, rolled back when it raises."""
    with session_scope(request.app.state.sessions) as session:
        yield session


def work_rules(request: Request) -> WorkRules:
    """The work rules of the app's config folder (``workrules``), read again when a file changes on disk."""
    from workrules.rules import current_work_rules

    return current_work_rules(request.app.state.settings.config_dir)


def follow_dates(request: Request, session: Session, occurrence_ids: list[int]) -> None:
    """After a date moved by hand (edit, event, extension, adopted date): the old date's pending reminders
    cancelled and the coming days' planned at once for the new one, nobody told the same thing twice a day
    (``workrules.replan``). Commits."""
    from workrules.replan import replan

    replan(session, occurrence_ids, work_rules(request), request.app.state.settings, now(request))


def now(request: Request) -> datetime:
    """The current instant (UTC). Tests may replace ``app.state.clock``."""
    return request.app.state.clock() if hasattr(request.app.state, "clock") else datetime.now(UTC)


def actor(request: Request) -> str | None:
    return getattr(request.state, "actor", None)


def is_admin(request: Request) -> bool:
    return actor(request) == "admin"


def permissions(request: Request, session: Session) -> Permissions:
    """What the visitor may do (models.permissions), worked out once per request."""
    found = getattr(request.state, "permissions", None)
    if found is None or found.session is not session:
        settings = request.app.state.settings
        found = Permissions.of(session, actor(request), tz=settings.timezone, private=settings.require_login)
        request.state.permissions = found
    return found


def require_admin(request: Request) -> str:
    if not is_admin(request):
        if actor(request) is None:
            raise LoginRequired(request.url.path)
        from fastapi import HTTPException

        raise HTTPException(403)
    return "admin"


def require_login(request: Request) -> str:
    who = actor(request)
    if who is None:
        raise LoginRequired(request.url.path)
    return who


async def checked_form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the session's (constant-time) and refusing
    control characters in any value (one place, so no handler meets a NUL the database would reject)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:  # refuse before spooling a huge body to disk
        raise FormError(TOO_LARGE)
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    sent = form.get("csrf_token")
    expected = getattr(request.state, "csrf_token", "")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise CsrfFailed()
    if any(isinstance(value, str) and CONTROL.search(value) for _, value in form.multi_items()):
        raise FormError("Nội dung gửi lên có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL); vui lòng nhập lại.")
    return form


class FormError(Exception):
    """A form value we cannot accept; ``str()`` is the Vietnamese message shown with status 400, beside
    ``field`` (the input's name) when the page re-renders the form (``web.form_state``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def text_field(form: FormData, name: str, label: str, *, required: bool = False, max_length: int = 255) -> str | None:
    """A trimmed text value; None when empty. Raises FormError when required and missing, or too long."""
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise FormError(f"Vui lòng nhập {label}.", field=name)
    if len(text) > max_length:
        raise FormError(f"{label[:1].upper()}{label[1:]} dài quá {max_length} ký tự.", field=name)
    return text or None


def int_field(form: FormData, name: str, label: str, *, required: bool = False) -> int | None:
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise FormError(f"Vui lòng chọn {label}.", field=name)
        return None
    if not text.isdigit() or len(text) > 12:
        raise FormError(f"Giá trị của {label} không hợp lệ.", field=name)
    return int(text)


DB = Annotated[Session, Depends(db, scope="function")]  # commit BEFORE the response (a redirect) leaves
Form = Annotated[FormData, Depends(checked_form)]
