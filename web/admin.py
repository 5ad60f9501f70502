"""Everything only the provincial admin may do, gathered under one router (each area in its own module)."""

from __future__ import annotations

from fastapi import APIRouter

from web import (
    admin_access,
    admin_agencies,
    admin_api_tokens,
    admin_audit,
    admin_dates,
    admin_delivery,
    admin_plans,
    admin_policy,
    admin_review_edits,
    admin_revisions,
)

router = APIRouter(include_in_schema=False)
for module in (admin_plans, admin_review_edits, admin_revisions, admin_agencies, admin_policy, admin_audit,
               admin_access, admin_dates, admin_delivery, admin_api_tokens):
    router.include_router(module.router)
