"""Every deadline in one paged list (``/deadlines``): overdue newest first by default, filtered by plan, agency
and status. The dashboard shows the first overdue ones and links here for the rest."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from models import Agency, Assignment, Plan, Role, Task
from models.live import LIVE_TASK
from models.revisions import own_plans
from web.deps import DB, now, permissions
from web.pages import PUBLISHED_PLAN, page
from web.queries import Item, items, local_today, newest_overdue

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
STATUSES = {"overdue": "Quá hạn", "open": "Chưa hoàn thành", "done": "Đã hoàn thành", "all": "Tất cả"}
LARGEST_ID = 2**31 - 1


def choose(found: list[Item], status: str, today: date) -> list[Item]:
    """The items of one status, in the order a reader wants them: overdue and done newest first, open soonest."""
    if status == "overdue":
        return newest_overdue(found, today)
    if status == "open":
        return [i for i in found if not i.done]
    if status == "done":
        return sorted((i for i in found if i.done), key=lambda i: i.day, reverse=True)
    return found


@router.get("/deadlines")
def deadline_list(request: Request, session: DB, status: str = "overdue", plan: int | None = None,
                  agency: int | None = None, trang: int = 1) -> HTMLResponse:
    status = status if status in STATUSES else "overdue"
    plan = plan if plan is not None and 0 < plan <= LARGEST_ID else None
    agency = agency if agency is not None and 0 < agency <= LARGEST_ID else None
    today = local_today(now(request), request.app.state.settings.timezone)
    within = permissions(request, session).visible_agencies()
    found = items(session, agency_id=agency, within=within)
    if plan is not None:
        found = [i for i in found if i.task.plan_id == plan]
    chosen = choose(found, status, today)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    trang = min(max(trang, 1), pages)
    return page(request, "deadlines.html", {
        "today": today, "rows": chosen[(trang - 1) * PAGE_SIZE: trang * PAGE_SIZE], "total": len(chosen),
        "trang": trang, "pages": pages, "statuses": STATUSES, "status": status, "plan": plan, "agency": agency,
        "plans": session.scalars(select(Plan).where(own_plans(), PUBLISHED_PLAN)
                                .order_by(Plan.plan_year.desc(), Plan.id)).all(),
        "agencies": session.scalars(select(Agency).where(Agency.id.in_(
            select(Assignment.agency_id).join(Task).join(Plan).where(*LIVE_TASK, Assignment.role == Role.LEAD))
            ).order_by(Agency.name)).all()})
