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
                        "calendars.cli", "notifiers.cli", "workrules.cli"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name == module_name:
                continue
            raise
        module.register(app)


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
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
