"""The ASGI application: `app.main:app`, built by `create_app` so tests can pass settings."""

from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

from app import api, web
from app.api import transcripts as transcript_api
from app.config import Settings, get_settings
from app.errors import DomainError
from app.web.errors import error_page, wants_html

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _error(status: int, detail: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "field": field}, status_code=status)


def _validation_message(error: dict) -> tuple[str, str]:
    """One readable sentence for pydantic's first complaint, and where it was."""
    field = ".".join(str(part) for part in error["loc"])
    if error["type"] == "json_invalid":
        return f"the body is not valid JSON ({error['ctx']['error']})", "body"
    if error["type"] == "missing":
        return f"{field} is required", field
    if error["type"] == "extra_forbidden":
        return f"{field} is not a field this endpoint takes", field
    return f"{field}: {error['msg']}", field


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if wants_html(request):
            return error_page(request, exc.status_code, exc.message)
        return _error(exc.status_code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        message, field = _validation_message(exc.errors()[0])
        if wants_html(request):
            return error_page(request, 422, message)
        return _error(422, message, field)

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, _exc: IntegrityError) -> Response:
        # The domain checks come first; this only answers a race between two writers.
        message = "that change conflicts with data stored meanwhile; try again"
        if wants_html(request):
            return error_page(request, 409, message)
        return _error(409, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if wants_html(request):
            return error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse(
            {"detail": exc.detail, "field": None}, status_code=exc.status_code, headers=exc.headers
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # Swagger UI and ReDoc assets come from the package, not a CDN: /docs works offline.
    app = FastAPIOffline(
        title="Session Navigator",
        version="1",
        description="Navigate, annotate and cite long event recordings.",
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(transcript_api.files_router)  # /r/{recording}/transcript.vtt|srt
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
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
