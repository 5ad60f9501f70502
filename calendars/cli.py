"""``hanchot feeds …``: secret feed URLs (create, list, revoke) and exporting every agency's feed to files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

feeds_app = typer.Typer(help="Calendar feeds: secret subscription URLs and .ics exports.", no_args_is_help=True)
token_app = typer.Typer(help="Secret feed URLs (tokens): create, list, revoke.", no_args_is_help=True)
feeds_app.add_typer(token_app, name="token")

ROLE_HELP = "lead (chủ trì), support (phối hợp) or all"


@token_app.command("create")
def create_command(
    agency: str = typer.Option(None, "--agency", help="Agency name or alias, e.g. \"Sở Tư pháp\"."),
    plan: int = typer.Option(None, "--plan", help="Plan id: a feed of one plan."),
    contact: int = typer.Option(None, "--contact", help="Contact id: a feed of the contact's agencies."),
    province: bool = typer.Option(False, "--province", help="The whole province (for the admin)."),
    role: str = typer.Option("all", "--role", help=ROLE_HELP),
    name: str = typer.Option("", "--name", help="What the token is for, e.g. \"điện thoại anh An\"."),
) -> None:
    """Create a secret feed URL and print it. It is shown only this once: only its hash is stored."""
    from calendars.access import create_token, find_agency
    from calendars.conditional import subscribe_links
    from config.errors import UserError
    from config.settings import get_settings
    from models import Contact, FeedRole, FeedScope, Plan
    from models.db import session_scope

    if sum([agency is not None, plan is not None, contact is not None, province]) != 1:
        raise UserError("chọn đúng một phạm vi: --agency, --plan, --contact hoặc --province")
    feed_role = _role(role)
    with session_scope() as session:
        ids: dict[str, int] = {}
        if agency is not None:
            found = find_agency(session, agency)
            if found is None:
                raise UserError(f"không tìm thấy cơ quan “{agency}” trong cơ sở dữ liệu")
            scope, ids["agency_id"], label = FeedScope.AGENCY, found.id, found.name
        elif plan is not None:
            if session.get(Plan, plan) is None:
                raise UserError(f"không có kế hoạch mã {plan}")
            scope, ids["plan_id"], label = FeedScope.PLAN, plan, f"Kế hoạch {plan}"
        elif contact is not None:
            person = session.get(Contact, contact)
            if person is None:
                raise UserError(f"không có người nhận mã {contact}")
            scope, ids["contact_id"], label = FeedScope.CONTACT, contact, person.name
        else:
            scope, label = FeedScope.PROVINCE, "Toàn tỉnh"
        token, row = create_token(session, scope=scope, role=FeedRole(feed_role), name=name, **ids)
        token_id = row.id
    url = f"{get_settings().base_url.rstrip('/')}/feeds/{token}.ics"
    typer.echo(url)
    typer.echo(f"Mã {token_id} – {label} ({feed_role}). Địa chỉ này chỉ hiển thị một lần; hãy giữ như mật khẩu.")
    links = subscribe_links(url, label)
    typer.echo(f"Google Lịch: {links['google']}\nApple/Outlook: {links['webcal']}")


@token_app.command("list")
def list_command() -> None:
    """List tokens (never the tokens themselves): id, scope, role, name, created, last used, revoked."""
    from sqlalchemy import select

    from models import FeedToken
    from models.db import session_scope

    with session_scope() as session:
        rows = session.scalars(select(FeedToken).order_by(FeedToken.id)).all()
        for row in rows:
            target = row.agency_id or row.plan_id or row.contact_id or "-"
            used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "chưa dùng"
            state = f"đã thu hồi {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "đang dùng"
            typer.echo(f"{row.id}\t{row.scope}:{target}\t{row.role}\t{row.name or '-'}\t"
                       f"tạo {row.created_at:%Y-%m-%d}\t{used}\t{state}")
        if not rows:
            typer.echo("Chưa có địa chỉ lịch nào.")


@token_app.command("revoke")
def revoke_command(token_id: int = typer.Argument(..., help="The id shown by `hanchot feeds token list`.")) -> None:
    """Revoke one token: its URL answers 404 from now on."""
    from calendars.access import revoke_token
    from config.errors import UserError
    from models import utcnow
    from models.db import session_scope

    with session_scope() as session:
        if revoke_token(session, token_id, utcnow()) is None:
            raise UserError(f"không có địa chỉ lịch mã {token_id}")
    typer.echo(f"Đã thu hồi địa chỉ lịch mã {token_id}.")


@feeds_app.command("export")
def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder for the .ics files (created if missing).")],
    role: str = typer.Option("all", "--role", help=ROLE_HELP),
) -> None:
    """Write one .ics per agency; a file is rewritten only when its bytes change."""
    from calendars.export import export_agency_feeds
    from config.settings import get_settings
    from models import FeedRole
    from models.db import session_scope
    from workrules.rules import current_work_rules

    settings = get_settings()
    reasons = current_work_rules(settings.config_dir).reason
    with session_scope() as session:
        result = export_agency_feeds(session, directory, role=FeedRole(_role(role)), base_url=settings.base_url,
                                     reasons=reasons, timezone=settings.timezone)
    typer.echo(f"{directory}: {len(result.written)} tệp ghi mới, {len(result.unchanged)} tệp không đổi")


def _role(role: str) -> str:
    from config.errors import UserError

    if role not in ("lead", "support", "all"):
        raise UserError(f"vai trò “{role}” không hợp lệ: dùng lead, support hoặc all")
    return role


def report_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="The file to write.")],
    plan: int = typer.Option(None, "--plan", help="Plan id."),
    agency: int = typer.Option(None, "--agency", help="Agency id (its groups' tasks included)."),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx or docx."),
    today: str = typer.Option(None, "--today", help="Judge as of this day (YYYY-MM-DD); default: today, locally."),
) -> None:
    """Write the progress report (báo cáo tiến độ) of a plan and/or an agency as Excel or Word."""
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from calendars.progress import progress_rows, report_title
    from config.atomic_file import write_atomically
    from config.errors import UserError
    from config.settings import get_settings
    from models import Agency, Plan
    from models.db import session_scope

    if fmt not in ("xlsx", "docx"):
        raise UserError(f"định dạng “{fmt}” không có: chọn xlsx hoặc docx")
    if plan is None and agency is None:
        raise UserError("chọn --plan, --agency hoặc cả hai")
    timezone = get_settings().timezone
    try:
        day = date.fromisoformat(today) if today else datetime.now(UTC).astimezone(ZoneInfo(timezone)).date()
    except ValueError:
        raise UserError(f"ngày “{today}” không đúng dạng YYYY-MM-DD") from None
    with session_scope() as session:
        if plan is not None and session.get(Plan, plan) is None:
            raise UserError(f"không có kế hoạch mã {plan}")
        if agency is not None and session.get(Agency, agency) is None:
            raise UserError(f"không có cơ quan mã {agency}")
        rows = progress_rows(session, today=day, timezone=timezone, plan_id=plan, agency_id=agency)
        title = report_title(session, plan_id=plan, agency_id=agency)
    if fmt == "xlsx":
        from calendars.progress_xlsx import progress_xlsx

        body = progress_xlsx(rows, title)
    else:
        from calendars.progress_docx import progress_docx

        body = progress_docx(rows, title)
    if not output.parent.is_dir():
        raise UserError(f"thư mục “{output.parent}” không có")
    write_atomically(output, body)
    typer.echo(f"Đã ghi {output}: {len(rows)} thời hạn.")


def register(app: typer.Typer) -> None:
    app.add_typer(feeds_app, name="feeds")
    app.command("report")(report_command)
