"""Errors on pages people open are pages too; the API and oEmbed keep their JSON."""

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.web.templating import render

_JSON_PREFIXES = ("/api/", "/oembed", "/openapi.json", "/docs", "/redoc", "/media/", "/static/")
_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    422: "Cannot use that",
    501: "Not offered",
}


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith(_JSON_PREFIXES)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    title = _TITLES.get(status, "Something went wrong")
    context = {"status": status, "title": title, "message": message}
    return render(request, "error.html", context, status_code=status)
