"""The ``hanchot`` command line: one typer app, each package adds its own subcommands.

Subcommand modules import their heavy dependencies inside the command functions so that every command
answers fast (bench/cli_bench.py measures it; tests/test_cli_startup.py guards it): nothing here may import
SQLAlchemy, FastAPI or the readers at load time.
"""

from __future__ import annotations

import logging
import os
import sys

# Plain help text: typer's rich formatting alone costs more start-up time than the rest of the command line
# (TYPER_USE_RICH is typer's own switch; set it to 1 to have the boxes back).
os.environ.setdefault("TYPER_USE_RICH", "0")

import typer

from calendars import cli as calendars_cli
from config.errors import UserError
from ingest import cli as ingest_cli
from ingest import parse_command
from models import cli as models_cli
from notifiers import cli as notifiers_cli
from scheduler import cli as scheduler_cli
from web import cli as web_cli
from workrules import cli as workrules_cli

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
    """Attach every package's commands. The command modules import only typer at load time (their work imports
    what it needs), so registering them all costs almost nothing; a broken one fails here, with its error."""
    for register in (parse_command.register, models_cli.register, ingest_cli.register, web_cli.register,
                     scheduler_cli.register, calendars_cli.register, notifiers_cli.register, workrules_cli.register):
        register(app)


def _database_url() -> str | None:
    try:
        from config.settings import get_settings

        return get_settings().database_url
    except Exception:  # the settings themselves are wrong: the line names no database
        return None


def main() -> None:
    """Entry point: run the app; print a UserError as one line and exit 2 (a traceback with --debug).

    Usage errors (unknown command or option) are one line too, instead of click's usage box.
    """
    try:  # typer >= 0.20 carries its own copy of click
        from typer._click import exceptions as click_errors
    except ImportError:
        from click import exceptions as click_errors

    _register()
    try:
        code = app(prog_name="hanchot", standalone_mode=False)
    except click_errors.NoArgsIsHelpError as e:
        e.show()
        sys.exit(e.exit_code)
    except click_errors.ClickException as e:
        print(f"hanchot: {e.format_message()} (see hanchot --help)", file=sys.stderr)
        sys.exit(e.exit_code)
    except typer.Abort:
        print("hanchot: aborted", file=sys.stderr)
        sys.exit(1)
    except UserError as e:
        if _state["debug"]:
            raise
        print(f"hanchot: {e}", file=sys.stderr)
        sys.exit(2)
    except Exception as e:  # a database that is not one, or not migrated: the same line from every command
        from models.db import not_ready

        line = None if _state["debug"] else not_ready(e, _database_url())
        if line is None:
            raise
        print(f"hanchot: {line}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
