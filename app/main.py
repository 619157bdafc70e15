"""The ASGI application: `app.main:app`, built by `create_app` so tests can pass settings and
a database."""

from collections import OrderedDict
from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import api, web
from app.api import exports as export_api
from app.api import transcription as transcription_api
from app.api import transcripts as transcript_api
from app.config import Settings, get_settings
from app.db import Database
from app.http import errors
from app.http.headers import SecurityHeaders
from app.http.limits import Limits
from app.http.middleware import (
    Compression,
    ConditionalGet,
    CsrfMiddleware,
    ReadersLanguage,
    TooLargeAsOurError,
)
from app.http.page_cache import KeptPages, PageCache
from app.http.static import MOUNT, STATIC_DIR, FingerprintedFiles, manifest
from app.http.transaction import Admission
from app.live import Hub

# Swagger UI's files as fastapi-offline ships them: /docs works without a CDN.
DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.effective_database_url, pool_size=settings.db_pool)
    app = FastAPI(
        title="Session Navigator",
        version="1",
        description="Navigate, annotate and cite long event recordings.",
        docs_url=None,  # app/web/pages.py serves /docs under the site's Content-Security-Policy
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.admission = Admission(
        slots=database.pool_size,
        single_writer=database.dialect == "sqlite",
        wait=settings.queue_seconds,
    )
    app.state.limits = Limits.from_settings(settings)
    app.state.pages = PageCache(stale_seconds=settings.page_stale_seconds)
    app.state.live = Hub(database)  # live updates: one reader of the changes per worker
    app.state.live_rendered = OrderedDict()  # app/web/live.py's events, encoded once
    app.state.live_recordings = {}  # app/web/live.py's recordings readers may follow
    errors.install(app)
    app.add_middleware(KeptPages)  # pages for a crowd, with all the headers added outside
    app.add_middleware(TooLargeAsOurError)
    app.add_middleware(CsrfMiddleware)  # before any body is read
    app.add_middleware(SecurityHeaders, settings=settings)
    app.add_middleware(ReadersLanguage)  # before any answer is made: errors speak it too
    app.add_middleware(ConditionalGet)  # tags the answer with all its headers, before gzip
    app.add_middleware(Compression)  # added last, runs first
    app.include_router(api.router)
    app.include_router(transcription_api.router)  # /api/v1/recordings/{recording}/transcription
    app.include_router(transcript_api.files_router)  # /r/{recording}/transcript.vtt|srt
    app.include_router(export_api.files_router)  # /r/{recording}/chapters.vtt, manifest.json...
    app.include_router(web.router)
    app.mount(MOUNT, FingerprintedFiles(manifest(), STATIC_DIR), name="static")
    app.mount("/static-offline-docs", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    # StaticFiles answers Range requests (206) and refuses paths that leave the folder.
    app.mount("/media", StaticFiles(directory=settings.media_dir), name="media")
    return app


@cache
def _default_app() -> FastAPI:
    return create_app()


def __getattr__(name: str) -> FastAPI:
    """`app.main:app` is built on first use, so importing this module reads no settings."""
    if name == "app":
        return _default_app()
    raise AttributeError(name)
