"""Jinja2 set-up shared by every HTML route: autoescaped templates, time filters, and
`render`, which also hands out the CSRF token the page's forms carry."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from app import links
from app.timecodes import format_time
from app.web import csrf

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["tc"] = lambda seconds: "" if seconds is None else format_time(seconds)
_env.globals["links"] = links
templates = Jinja2Templates(env=_env)


def absolute(request: Request, path: str) -> str:
    """An absolute link for use outside the site (shares, citations, Open Graph, oEmbed)."""
    return request.app.state.settings.base_url.rstrip("/") + path


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    context = {
        **context,
        "csrf_field": csrf.FIELD,
        "csrf_token": csrf.token(request),
        "absolute": lambda path: absolute(request, path),
    }
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    csrf.set_cookie(request, response)
    return response
