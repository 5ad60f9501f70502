"""Edit the TOML files of config/ (reminder policy, holiday overrides, report day rules) from the browser.

The admin edits the file text itself, so comments and layout survive exactly (the files are documented
inline). Before saving, the text is validated with the same pydantic schema the services load it with;
an error is shown in Vietnamese with its line and nothing is written. Saving is atomic (temporary file in
the same folder, fsync, rename) so the scheduler never reads half a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from config.atomic_file import write_atomically
from config.errors import ConfigError
from config.holidays import parse_holiday_overrides
from web.audit import record
from web.deps import DB, Form, now, require_admin
from web.pages import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])
MAX_TEXT = 200_000
ERROR = re.compile(r"^(?P<name>[^:]+):(?P<line>\d+): (?P<detail>.*)$", re.S)


def validate_policy(text: str, name: str) -> Any:
    from config.files import parse_toml
    from config.policy import Policy

    return parse_toml(text, Policy, name=name)


def validate_day_rules(text: str, name: str) -> Any:
    from config.day_rules import DayRulesFile
    from config.files import parse_toml

    return parse_toml(text, DayRulesFile, name=name)


# file name → (title, validator): a validator takes (text, name=…) and raises ConfigError.
FILES: dict[str, tuple[str, Callable[..., Any]]] = {
    "policy.toml": ("Chính sách nhắc việc", validate_policy),
    "holidays.toml": ("Ngày nghỉ, ngày làm bù", parse_holiday_overrides),
    "day_rules.toml": ("Quy tắc ngày nộp báo cáo", validate_day_rules),
}


def vietnamese(error: ConfigError) -> str:
    matched = ERROR.match(str(error))
    if matched and error.reason:
        return f"Lỗi ở dòng {error.line or matched['line']} của {Path(matched['name']).name}: {error.reason}."
    if not matched:
        return f"Tệp cấu hình không hợp lệ: {error}"
    return f"Lỗi ở dòng {matched['line']} của {Path(matched['name']).name}: {matched['detail']}"


def _files(request: Request) -> list[dict[str, Any]]:
    folder = Path(request.app.state.settings.config_dir)
    return [{"name": name, "title": title, "exists": (folder / name).exists(),
             "text": (folder / name).read_text(encoding="utf-8") if (folder / name).exists() else ""}
            for name, (title, _) in FILES.items()]


@router.get("/policy")
def policy(request: Request) -> HTMLResponse:
    return page(request, "policy.html", {"files": _files(request)})


@router.post("/policy/{name}")
def save(request: Request, name: str, form: Form,
         session: DB) -> Response:
    if name not in FILES:
        raise HTTPException(404)
    text = str(form.get("text", "")).replace("\r\n", "\n")
    files = _files(request)
    try:
        if len(text) > MAX_TEXT:
            raise ConfigError(f"{name}:1: the file is too long")
        FILES[name][1](text, name=name)
    except (ConfigError, StopIteration, ModuleNotFoundError) as e:
        message = vietnamese(e) if isinstance(e, ConfigError) else "Chưa hỗ trợ kiểm tra tệp này."
        for f in files:
            if f["name"] == name:
                f["text"], f["error"] = text, message
        return page(request, "policy.html", {"files": files, "messages": [("error", message)]}, status=400)
    path = Path(request.app.state.settings.config_dir) / name
    before = path.read_text(encoding="utf-8") if path.exists() else None
    write_atomically(path, text)
    record(session, "admin", "config.update", "config", None, {"file": name, "text": before},
           {"file": name, "text": text})
    changed = _recompute(request, session)
    return RedirectResponse(f"/policy?saved={name}&changed={changed}#{name}", status_code=303)


def _recompute(request: Request, session: Any) -> int:
    """Every open deadline computed again from the files just saved (all three hold work rules); the reminders
    of the moved ones planned again. Returns how many occurrences changed."""
    from workrules.recompute import recompute
    from workrules.replan import replan
    from workrules.rules import load_work_rules

    settings = request.app.state.settings
    rules = load_work_rules(settings.config_dir)
    report = recompute(session, rules, actor="admin", now=now(request))
    replan(session, report.occurrence_ids, rules, settings, now(request))
    return len(report.changes)
