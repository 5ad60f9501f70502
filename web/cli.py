"""``hanchot serve``: the web app (pages, JSON API, feeds), optionally with the scheduler beside it."""

from __future__ import annotations

import subprocess
import sys

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    with_scheduler: bool = typer.Option(
        False, "--with-scheduler", help="Also start the reminder scheduler as a child process (what `make run` does)."),
) -> None:
    """Start the web app: admin pages, agency pages, calendar feeds and the JSON API."""
    import uvicorn

    from config.settings import get_settings
    from web.app import create_app

    app = create_app(get_settings())
    from models.db import default_engine
    from models.migrate import require_migrated

    require_migrated(default_engine())  # not a database, or not migrated: one line now, not a traceback per page
    child = subprocess.Popen([sys.executable, "-m", "hanchot", "scheduler"]) if with_scheduler else None
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=10)



admin_app = typer.Typer(help="Administration helpers for the web app.", no_args_is_help=True)


@admin_app.command("hash-password")
def hash_password(
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="The admin password (asked when omitted)."),
) -> None:
    """Print the argon2 hash to put in HANCHOT_ADMIN_PASSWORD_HASH."""
    from argon2 import PasswordHasher

    from config.errors import UserError

    if len(password) < 8:
        raise UserError("the password must have at least 8 characters")
    typer.echo(PasswordHasher().hash(password))


@admin_app.command("api-token")
def api_token(name: str = typer.Option(..., "--name", help="Who uses the token (e.g. the reporting script); shown in "
                                       "the list and the audit log.")) -> None:
    """Make a bearer token for the JSON API and print it once (only its SHA-256 is kept)."""
    from config.errors import UserError
    from models import utcnow
    from models.db import session_scope
    from web.api_auth import ApiTokenError, issue

    try:
        with session_scope() as session:
            row, token = issue(session, name, "admin", utcnow())
            ident = row.id
    except ApiTokenError as e:
        raise UserError(str(e)) from None
    typer.echo(token)
    typer.echo(f"Khóa API số {ident}. Khóa này chỉ hiển thị một lần; hãy giữ như mật khẩu.", err=True)


@admin_app.command("api-tokens")
def api_tokens() -> None:
    """List the API tokens: id, name, made, last used, revoked (never the tokens themselves)."""
    from models.db import session_scope
    from web.api_auth import listed

    with session_scope() as session:
        rows = listed(session)
        for row in rows:
            used = f"{row.last_used_at:%Y-%m-%d %H:%M} UTC" if row.last_used_at else "chưa dùng"
            state = f"đã thu hồi {row.revoked_at:%Y-%m-%d %H:%M} UTC" if row.revoked_at else "đang dùng"
            typer.echo(f"{row.id}\t{row.name}\ttạo {row.created_at:%Y-%m-%d %H:%M} UTC\t{used}\t{state}")
        if not rows:
            typer.echo("Chưa có khóa API nào.")


@admin_app.command("api-token-revoke")
def api_token_revoke(token_id: int = typer.Argument(..., help="The id shown by `hanchot admin api-tokens`.")) -> None:
    """Revoke one API token: its next request is refused."""
    from config.errors import UserError
    from models import utcnow
    from models.db import session_scope
    from web.api_auth import ApiTokenError, revoke

    try:
        with session_scope() as session:
            revoke(session, token_id, "admin", utcnow())
    except ApiTokenError as e:
        raise UserError(str(e)) from None
    typer.echo(f"Đã thu hồi khóa API số {token_id}.")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(admin_app, name="admin")
