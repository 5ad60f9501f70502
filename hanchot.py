"""The ``hanchot`` command line: one typer app, each package adds its own subcommands.

Subcommand modules import their heavy dependencies inside the command functions so that
``hanchot --help`` and ``hanchot parse`` start fast.
"""

from __future__ import annotations

import logging
import sys

import typer

from config.errors import UserError

app = typer.Typer(
    name="hanchot",
    help="hanchot (hạn chót): turns the deadlines of Vietnamese plans into dates, calendar feeds and reminders.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_state = {"debug": False}


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks and debug logs.")) -> None:
    _state["debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _register() -> None:
    """Attach every package's commands; a package whose CLI does not exist yet is simply absent."""
    import importlib

    for module_name in ("ingest.parse_command", "models.cli", "ingest.cli", "web.cli", "scheduler.cli",
                        "calendars.cli"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name == module_name:
                continue
            raise
        module.register(app)


def main() -> None:
    """Entry point: run the app; print a UserError as one line and exit 2 (a traceback with --debug)."""
    _register()
    try:
        app(prog_name="hanchot")
    except UserError as e:
        if _state["debug"]:
            raise
        print(f"hanchot: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
