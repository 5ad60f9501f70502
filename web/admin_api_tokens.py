"""The admin's API tokens (``/api-tokens``): make one for a script (shown once), see when each was last used,
revoke one without touching the others. The same service as ``hanchot admin api-token`` (``web.api_auth``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from web import api_auth
from web.deps import DB, Form, FormError, now, require_admin
from web.form_state import FORM_ERROR_STATUS, NOTHING_FAILED, FailedForm
from web.pages import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


def tokens_page(request: Request, session: DB, *, made: str | None = None, failed: FailedForm | None = None,
                status: int = 200) -> HTMLResponse:
    return page(request, "api_tokens.html", {"tokens": api_auth.listed(session), "made": made,
                                             "failed": failed or NOTHING_FAILED}, status=status)


@router.get("/api-tokens")
def api_tokens(request: Request, session: DB) -> HTMLResponse:
    return tokens_page(request, session)


@router.post("/api-tokens")
def make_api_token(request: Request, form: Form, session: DB) -> HTMLResponse:
    """Answered with the page itself, not a redirect: the token is in this one response and nowhere else."""
    try:
        _, token = api_auth.issue(session, str(form.get("name", "")), "admin", now(request))
    except api_auth.ApiTokenError as e:
        session.rollback()
        failed = FailedForm.of("api-token-new", FormError(str(e), field="name"), form)
        return tokens_page(request, session, failed=failed, status=FORM_ERROR_STATUS)
    session.commit()
    return tokens_page(request, session, made=token)


@router.post("/api-tokens/{token_id}/revoke")
def revoke_api_token(request: Request, token_id: int, form: Form, session: DB) -> RedirectResponse:
    if token_id > 2**62:  # beyond any id the database can hold: unknown, like any other
        raise HTTPException(404)
    try:
        api_auth.revoke(session, token_id, "admin", now(request))
    except api_auth.ApiTokenError:
        raise HTTPException(404) from None
    return RedirectResponse("/api-tokens", status_code=303)
