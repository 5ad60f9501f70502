"""Jinja2 templates with autoescaping on: plan text may contain HTML or script, always shown as text."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)


def vn_date(value: date | datetime | None) -> str:
    """31/03/2025 — dates as Vietnamese officials write them; datetimes shown in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


env.filters["vn_date"] = vn_date


def render(request: Request, name: str, context: dict[str, Any] | None = None) -> str:
    """Render a template with the request, the current user and the CSRF token (when sessions exist)."""
    scope_state = getattr(request, "state", None)
    base = {"request": request, "user": getattr(scope_state, "user", None),
            "csrf_token": getattr(scope_state, "csrf_token", "")}
    return env.get_template(name).render({**base, **(context or {})})
