"""``hanchot zalo …``: authorize the Official Account once, then inspect and refresh its tokens."""

from __future__ import annotations

import typer

zalo_app = typer.Typer(help="Zalo OA tokens (OAuth v4): authorize, store, refresh, show.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(zalo_app, name="zalo")


@zalo_app.command("authorize-url")
def authorize_url_command(redirect_uri: str = typer.Option(..., help="The callback registered for the app.")) -> None:
    """Print the consent URL for an OA admin and the PKCE verifier to keep for `hanchot zalo exchange`."""
    import base64
    import hashlib
    import secrets
    from urllib.parse import urlencode

    from config.settings import get_settings

    settings = _configured(get_settings())
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode({"app_id": settings.zalo_app_id, "redirect_uri": redirect_uri,
                       "code_challenge": challenge, "state": secrets.token_urlsafe(8)})
    typer.echo(f"{settings.zalo_oauth_base.rstrip('/')}/v4/oa/permission?{query}")
    typer.echo(f"code_verifier: {verifier}")


@zalo_app.command("exchange")
def exchange_command(code: str, verifier: str = typer.Option(..., help="The code_verifier printed with the URL.")):
    """Trade the authorization code (valid 10 minutes) for the first token pair and store it."""
    import asyncio

    async def run(settings, store, now):
        from notifiers.http_client import shared_http
        from notifiers.zalo_tokens import ZaloOAuth

        oauth = ZaloOAuth(shared_http(), oauth_base=settings.zalo_oauth_base, app_id=settings.zalo_app_id,
                          secret_key=settings.zalo_secret_key)
        await store.put(await oauth.exchange_code(code, verifier, now), now)

    _with_store(lambda settings, store, now: asyncio.run(run(settings, store, now)))
    typer.echo("Zalo OA tokens stored")


@zalo_app.command("set-tokens")
def set_tokens_command(access_token: str = typer.Option(...), refresh_token: str = typer.Option(...),
                       expires_in: int = typer.Option(90000, help="Seconds the access token stays valid.")) -> None:
    """Store a pair obtained elsewhere (e.g. the Zalo API Explorer)."""
    import asyncio

    from notifiers.zalo_tokens import fresh_tokens_from

    _with_store(lambda _s, store, now: asyncio.run(
        store.put(fresh_tokens_from(access_token, refresh_token, now, expires_in), now)))
    typer.echo("Zalo OA tokens stored")


@zalo_app.command("refresh")
def refresh_command(force: bool = typer.Option(False, "--force", help="Refresh even if not close to expiry.")):
    """Refresh the access token if it expires within 3 hours (what the scheduler job does)."""
    import asyncio
    from datetime import timedelta

    from notifiers.zalo_tokens import tokens_from_settings

    def run(settings, store, now) -> bool:
        tokens = tokens_from_settings(settings, store=store)
        within = timedelta(days=365) if force else timedelta(hours=3)
        return asyncio.run(tokens.refresh_if_expiring(now, within=within))

    refreshed = _with_store(run)
    typer.echo("Zalo OA token refreshed" if refreshed else "Zalo OA token still valid, nothing to do")


@zalo_app.command("status")
def status_command() -> None:
    """Show when the stored tokens expire."""
    import asyncio

    state = _with_store(lambda _s, store, _now: asyncio.run(store.load()))
    if state is None:
        typer.echo("no Zalo OA token stored: run `hanchot zalo authorize-url` then `hanchot zalo exchange`")
        raise typer.Exit(1)
    typer.echo(f"access token expires {state.access_expires_at.isoformat()}; refresh token expires "
               f"{state.refresh_expires_at.isoformat() if state.refresh_expires_at else 'unknown'}; "
               f"version {state.version}")


def _configured(settings):
    from config.errors import UserError

    if not settings.zalo_configured:
        raise UserError("HANCHOT_ZALO_APP_ID and HANCHOT_ZALO_SECRET_KEY must be set")
    return settings


def _with_store(action):
    from datetime import UTC, datetime

    from config.errors import UserError
    from config.settings import get_settings
    from models.db import make_engine, session_factory
    from notifiers.base import NotifierError
    from notifiers.zalo_token_store import SqlTokenStore

    settings = _configured(get_settings())
    engine = make_engine()
    try:
        return action(settings, SqlTokenStore(session_factory(engine), settings.zalo_app_id), datetime.now(UTC))
    except NotifierError as e:
        raise UserError(f"Zalo: {e}") from e
    finally:
        engine.dispose()
