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
    child = subprocess.Popen([sys.executable, "-m", "hanchot", "scheduler"]) if with_scheduler else None
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=10)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
