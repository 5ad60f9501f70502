"""An edit sent after the session ended is kept across the sign-in instead of being lost.

When a form is posted without a valid sign-in (the session expired, or the browser was signed out), the sign-in
page is rendered at once with that form's fields carried in hidden ``pending.*`` inputs and its action in
``pending_action``. Nothing is stored on the server and nothing is applied: after a successful sign-in the admin
sees the pending edit and sends it with one button, under the new session's CSRF token (``resume.html``). A file
cannot travel this way; the page says to choose it again. A post whose CSRF token no longer matches (the session
changed in another tab) gets the same page with its fields, so the edit can be sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse

PREFIX = "pending."
ACTION = "pending_action"
MAX_PENDING_CHARS = 512 * 1024  # a policy file is the largest form; more is not an edit to carry
_NOT_CARRIED = ("csrf_token", "password", "username", "next")
EXPIRED = "Phiên đăng nhập đã hết hạn. Chưa có gì được lưu: đăng nhập lại để gửi tiếp thay đổi đang dở."
STALE = "Phiên làm việc đã thay đổi nên thay đổi này chưa được lưu. Kiểm tra lại rồi bấm «Gửi lại»."


@dataclass(frozen=True)
class Pending:
    action: str
    fields: list[tuple[str, str]]
    had_file: bool = False


def _same_site(request: Request) -> bool:
    """Only an edit the app's own page sent is offered again: a post from another site could otherwise put words
    in the admin's mouth. Browsers say where a post came from in Sec-Fetch-Site; without it, the Origin or Referer
    must be this site (the app's no-referrer policy makes a browser send "Origin: null", never trusted)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    sender = request.headers.get("origin") or request.headers.get("referer") or ""
    ours = {request.url.netloc, urlsplit(request.app.state.settings.base_url).netloc}
    return sender != "null" and urlsplit(sender).netloc in ours


def _local(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//") and "\\" not in path and not path.startswith("/login")


async def from_request(request: Request) -> Pending | None:
    """The posted form of ``request`` as a pending edit, or None (not a form post, too large, unreadable)."""
    if request.method != "POST" or request.url.path.startswith("/api/") or not _local(request.url.path) \
            or not _same_site(request):
        return None
    try:
        form = await request.form(max_fields=2000)
    except Exception:  # a malformed or oversized body: nothing worth carrying
        return None
    fields, had_file, size = [], False, 0
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            had_file = had_file or bool(value.filename)
            continue
        if name in _NOT_CARRIED:
            continue
        size += len(name) + len(value)
        fields.append((name, value))
    if size > MAX_PENDING_CHARS:
        return None
    return Pending(request.url.path, fields, had_file)


def from_login_form(form) -> Pending | None:  # type: ignore[no-untyped-def]
    """The pending edit the sign-in form carried, or None."""
    action = str(form.get(ACTION, ""))
    if not _local(action):
        return None
    fields = [(name[len(PREFIX):], value) for name, value in form.multi_items()
              if name.startswith(PREFIX) and isinstance(value, str)]
    return Pending(action, fields, form.get("pending_file") == "1")


def resume_page(request: Request, pending: Pending, message: str, status: int = 200) -> HTMLResponse:
    from web.templating import render

    return HTMLResponse(render(request, "resume.html", {"pending": pending, "messages": [("info", message)]}),
                        status_code=status)
