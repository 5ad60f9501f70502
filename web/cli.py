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
def api_token(name: str = typer.Option("api", help="A name for the token, kept inside it (e.g. the script using it).")
              ) -> None:
    """Print a bearer token for the JSON API (signed with HANCHOT_SECRET_KEY; changing the key revokes all)."""
    from config.settings import get_settings
    from web.api_auth import make_api_token

    typer.echo(make_api_token(get_settings().secret_key, name))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(admin_app, name="admin")
