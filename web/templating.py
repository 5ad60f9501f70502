"""Jinja2 templates with autoescaping on: plan text may contain HTML or script, always shown as text."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request

from web.control_names import deadline_name, task_place

TEMPLATES = Path(__file__).resolve().parent / "templates"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)


def vn_date(value: date | datetime | None, timezone: str | None = None) -> str:
    """31/03/2025 — dates as Vietnamese officials write them; datetimes (stored in UTC) shown in ``timezone``
    (HANCHOT_TIMEZONE)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(timezone or _settings_zone())).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@pass_context
def _vn_date_filter(context: Context, value: date | datetime | None) -> str:
    request = context.get("request")
    settings = getattr(getattr(getattr(request, "app", None), "state", None), "settings", None)
    return vn_date(value, getattr(settings, "timezone", None))


def _settings_zone() -> str:
    from config.settings import get_settings

    return get_settings().timezone


env.filters["vn_date"] = _vn_date_filter
env.globals.update(deadline_name=deadline_name, task_place=task_place)


def render(request: Request, name: str, context: dict[str, Any] | None = None) -> str:
    """Render a template with the request, the current user and the CSRF token (when sessions exist)."""
    scope_state = getattr(request, "state", None)
    base = {"request": request, "user": getattr(scope_state, "user", None),
            "csrf_token": getattr(scope_state, "csrf_token", "")}
    return env.get_template(name).render({**base, **(context or {})})
