"""``hanchot db upgrade`` / ``hanchot db current``: migrate the database of HANCHOT_DATABASE_URL."""

from __future__ import annotations

import typer

db_app = typer.Typer(help="Create or migrate the database (HANCHOT_DATABASE_URL).", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(revision: str = typer.Argument("head", help="Target revision; 'head' is the newest.")) -> None:
    """Apply the Alembic migrations up to REVISION and say what changed."""
    from models.db import make_engine, mask
    from models.migrate import upgrade

    engine = make_engine()
    try:
        before, after = upgrade(engine, revision)
    finally:
        engine.dispose()
    where = mask(engine.url)
    if before == after:
        typer.echo(f"{where}: already at revision {after}, nothing to do")
    else:
        typer.echo(f"{where}: upgraded from {before or 'an empty database'} to revision {after}")


@db_app.command("current")
def current_command() -> None:
    """Print the revision the database is at, and whether it is the newest."""
    from models.db import make_engine, mask
    from models.migrate import current_revision, head_revision

    engine = make_engine()
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    state = "up to date" if current == head else f"behind: run `hanchot db upgrade` to reach {head}"
    typer.echo(f"{mask(engine.url)}: revision {current or 'none (empty database)'} ({state})")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
