"""Revisions of a published plan: the field-by-field diff, publishing the revision, undo and unpublish.

A re-upload of a published plan is stored as a pending revision (ingest.revisions); the admin reviews it on its
own review page (and fixes it there), reads the diff here, then publishes it onto the live plan in one step.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from config.errors import UserError
from ingest.revision_diff import revision_diff
from ingest.revisions import publish_revision, revision_of, revision_row, undo_revision, unpublish
from models import PlanRevision, RevisionState
from web.audit import record
from web.deps import DB, Form, FormError, now, require_admin, work_rules
from web.pages import page
from web.queries import plan_with_everything

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


def revision_context(session: Session, plan_id: int) -> dict:
    """What the review page says about versions: this plan is a revision of another, or has one waiting, or can
    be put back as it was before its last revision."""
    own = revision_row(session, plan_id)
    return {"revision": own,
            "pending_revision": None if own else revision_of(session, plan_id, RevisionState.PENDING),
            "previous_revision": None if own else revision_of(session, plan_id, RevisionState.PREVIOUS)}


def _pending(session: Session, plan_id: int) -> PlanRevision:
    revision = revision_row(session, plan_id) or revision_of(session, plan_id, RevisionState.PENDING)
    if revision is None or revision.state != RevisionState.PENDING.value:
        raise HTTPException(404)
    return revision


def _refused(request: Request, session: Session, plan_id: int, error: UserError, form: FormData) -> HTMLResponse:
    """Nothing kept; the plan's review page says why at its top."""
    from web.admin_plans import PLAN_ACTIONS, refused  # admin_plans imports this module

    return refused(request, session, plan_id, PLAN_ACTIONS, FormError(str(error)), form)


@router.get("/plans/{plan_id}/revision")
def show_revision(request: Request, plan_id: int, session: DB) -> HTMLResponse:
    """The diff of the pending revision ``plan_id`` (or of the one waiting for live plan ``plan_id``)."""
    revision = _pending(session, plan_id)
    live = plan_with_everything(session, revision.live_plan_id)
    draft = plan_with_everything(session, revision.plan_id)
    return page(request, "revision.html", {"diff": revision_diff(live, draft), "revision": revision})


@router.post("/plans/{plan_id}/revision/publish")
def publish(request: Request, plan_id: int, form: Form, session: DB) -> Response:
    revision = _pending(session, plan_id)
    live_id, revision_id = revision.live_plan_id, revision.plan_id
    try:
        result = publish_revision(session, revision_id, now=now(request), rules=work_rules(request))
    except UserError as e:
        return _refused(request, session, plan_id, e, form)
    record(session, "admin", "plan.revision.publish", "plans", live_id, {"revision": revision_id},
           {"tasks_added": result.tasks_added, "tasks_changed": result.tasks_changed,
            "tasks_cancelled": result.tasks_cancelled})
    return RedirectResponse(f"/plans/{live_id}", status_code=303)


@router.post("/plans/{plan_id}/undo")
def undo(request: Request, plan_id: int, form: Form, session: DB) -> Response:
    try:
        undo_revision(session, plan_id, now=now(request), rules=work_rules(request))
    except UserError as e:
        return _refused(request, session, plan_id, e, form)
    record(session, "admin", "plan.revision.undo", "plans", plan_id, None, None)
    return RedirectResponse(f"/plans/{plan_id}", status_code=303)


@router.post("/plans/{plan_id}/unpublish")
def take_back(request: Request, plan_id: int, form: Form, session: DB) -> Response:
    try:
        unpublish(session, plan_id)
    except UserError as e:
        return _refused(request, session, plan_id, e, form)
    record(session, "admin", "plan.unpublish", "plans", plan_id, {"status": "published"}, {"status": "draft"})
    return RedirectResponse(f"/plans/{plan_id}", status_code=303)
