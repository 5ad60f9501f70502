"""The FastAPI application: HTML pages for people, JSON under /api, feeds under /feeds.

``create_app`` builds a fresh app from settings so tests can run several apps with different databases.
Routers live in their own modules and are imported and included here by name: a missing or broken router
module stops the app at start with its error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from calendars.event_store import DatabaseEventStore
from config.settings import Settings, get_settings
from models.db import make_engine, session_factory
from web import admin, api, api_docs, auth, deadline_list, feeds, focal, links, pages, reports
from web.auth import login_for_pending
from web.deps import STALE_SESSION, CsrfFailed, FormError, LoginRequired
from web.feed_cache import FeedCache, TokenProbe
from web.feeds import FeedFastPath
from web.pending import STALE, resume_page
from web.pending import from_request as pending_edit
from web.security import SecurityHeaders
from web.sessions import SessionMiddleware
from web.templating import render

HERE = Path(__file__).resolve().parent
ROUTERS = (pages.router, feeds.router, api.router, api_docs.router, auth.router, admin.router, links.router,
           focal.router, reports.router, deadline_list.router)
log = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    stop = asyncio.Event()
    refresher = asyncio.create_task(_keep_feed_stamp_fresh(app, stop))
    try:
        yield
    finally:
        # Not cancelled: a cancelled await leaves its worker thread running with a database session, which the
        # engine's disposal (or a test's cleanup) then meets half-way. The refresher ends its round and returns.
        stop.set()
        await refresher
        app.state.token_probe.close()


async def _keep_feed_stamp_fresh(app: FastAPI, stop: asyncio.Event) -> None:
    """Ask the database fingerprint twice per time-to-live, in a worker thread, so that feed polls served from
    memory never find it expired and wait for it (that wait made the slowest polls of a busy server)."""
    cache: FeedCache = app.state.feed_cache
    while not stop.is_set():
        try:
            await run_in_threadpool(cache.refresh_stamp, app.state.sessions)
        except Exception as e:  # the database is away: polls fall back to asking it themselves
            log.warning("feed cache: cannot refresh the database fingerprint: %s", e)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), cache.stamp_ttl / 2)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # The schema and its page are served by web.api_docs, to API callers only.
    app = FastAPI(title="hanchot", description="Hạn chót: hạn nhiệm vụ của các kế hoạch", version="0.1.0",
                  openapi_url=None, docs_url=None, redoc_url=None, lifespan=_lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.sessions = session_factory(app.state.engine)
    app.state.feed_cache = FeedCache()
    app.state.token_probe = TokenProbe(app.state.engine)
    app.state.event_store = DatabaseEventStore(app.state.engine)
    https = settings.base_url.startswith("https://")
    app.add_middleware(SessionMiddleware, secure=https)
    app.add_middleware(FeedFastPath)  # outside the session middleware: cached feed polls skip it
    app.add_middleware(SecurityHeaders, https=https)  # outermost: every response, the fast path's too
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        if request.url.path.startswith(("/api/", "/feeds/")):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers) \
                if request.url.path.startswith("/api/") else PlainTextResponse("", status_code=exc.status_code)
        message = {404: "Không tìm thấy trang này.", 403: "Bạn không có quyền xem trang này.",
                   405: "Thao tác không được hỗ trợ."}.get(exc.status_code, str(exc.detail))
        return HTMLResponse(render(request, "error.html", {"status": exc.status_code, "message": message}),
                            status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return await http_error(request, StarletteHTTPException(404))  # /tasks/abc names nothing
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> HTMLResponse | RedirectResponse:
        pending = await pending_edit(request)  # a form posted after the session ended: kept across the sign-in
        if pending is not None:
            return login_for_pending(request, pending)
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> HTMLResponse | JSONResponse:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": STALE_SESSION}, status_code=403)
        pending = await pending_edit(request) if getattr(request.state, "actor", None) else None
        if pending is not None and request.url.path != "/login":
            return resume_page(request, pending, STALE, status=403)
        return HTMLResponse(render(request, "error.html", {"status": 403, "message": STALE_SESSION}), status_code=403)

    @app.exception_handler(FormError)
    async def form_error(request: Request, exc: FormError) -> HTMLResponse | JSONResponse:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        # Every form of the product re-renders its own page with the error beside the field (web.form_state). This
        # last resort is for what is refused before a route reads the form (a control character, an oversized
        # body, web.deps.checked_form): a way back to the form as typed (the browser's history keeps the values).
        log.info("form refused on the generic page: %s %s: %s", request.method, request.url.path, exc)
        referer = urlsplit(request.headers.get("referer", ""))
        back_to = referer.path + (f"?{referer.query}" if referer.query else "") \
            if referer.netloc == request.url.netloc and referer.path.startswith("/") else "/"
        return HTMLResponse(render(request, "error.html", {"status": 400, "message": str(exc), "back": True,
                                                           "back_to": back_to}), status_code=400)

    for line in settings.startup_warnings():
        log.warning(line)
    return app
