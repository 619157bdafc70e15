"""The ASGI application: `app.main:app`, built by `create_app` so tests can pass settings."""

from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

from app import api
from app.config import Settings, get_settings
from app.errors import DomainError

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
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return _error(exc.status_code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        message, field = _validation_message(exc.errors()[0])
        return _error(422, message, field)

    @app.exception_handler(IntegrityError)
    async def integrity_error(_request: Request, _exc: IntegrityError) -> JSONResponse:
        # The domain checks come first; this only answers a race between two writers.
        return _error(409, "that change conflicts with data stored meanwhile; try again")

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail, "field": None}, status_code=exc.status_code, headers=exc.headers
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Session Navigator",
        version="1",
        description="Navigate, annotate and cite long event recordings.",
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(api.router)
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
