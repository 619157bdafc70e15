"""Jinja2 set-up shared by every HTML page: autoescaped templates, time filters, and `render`,
which also hands the page its CSRF token (`post_url` for forms, a meta tag for scripts)."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.ext import Extension
from starlette.datastructures import URL
from starlette.responses import HTMLResponse

from app import i18n, links
from app.http import csrf
from app.http.auth import UPLOADS
from app.http.static import manifest
from app.models import Role
from app.services import citations
from app.services.accounts import at_least
from app.timecodes import format_time

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

_INDENT = re.compile(r"^[ \t]+(?=<)", re.MULTILINE)


class Unindented(Extension):
    """Templates are indented for their readers; pages are sent without the indentation of
    lines that start with a tag (lstrip_blocks does the same for `{% %}` lines). It goes when
    a template is compiled, so no page pays for it; text and `<textarea>` content are left
    alone (no template starts a line of either with `<`)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _INDENT.sub("", source)


_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n", Unindented],
)
# Data for scripts (`|tojson`) without the spaces json.dumps puts after separators by default.
_env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
# New-style gettext: `_("%(n)s cues", n=3)` formats and escapes like any other expression.
_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
_env.filters["tc"] = lambda seconds: "" if seconds is None else format_time(seconds)
_env.filters["sentence"] = lambda text: text[:1].upper() + text[1:]  # messages read as sentences
_env.filters["held"] = citations.held  # "St. Petersburg, 16-17 May 2019" (with a dash)
_env.filters["number"] = i18n.number
_env.filters["language_name"] = i18n.language_name
_env.filters["date_range"] = i18n.date_range
_env.globals["links"] = links
# The words for the values the database stores (kinds, roles, audit actions), in the reader's
# language, for macros/words.html: a table made once, not at each of a page's many calls.
WORDS = {
    "note": i18n.lazy("note"),
    "quote": i18n.lazy("quote"),
    "highlight": i18n.lazy("highlight"),
    "question": i18n.lazy("question"),
    "bookmark": i18n.lazy("bookmark"),
    "annotation": i18n.lazy("annotation"),
    "segment": i18n.lazy("segment"),
    "speaker": i18n.lazy("speaker"),
    "cue": i18n.lazy("cue"),
    "plenary": i18n.lazy("plenary"),
    "round_table": i18n.lazy("round table"),
    "panel": i18n.lazy("panel"),
    "talk": i18n.lazy("talk"),
    "qa": i18n.lazy("Q&A"),
    "break": i18n.lazy("break"),
    "other": i18n.lazy("other"),
    "moderator": i18n.lazy("moderator"),
    "panelist": i18n.lazy("panelist"),
    "member": i18n.lazy("member"),
    "editor": i18n.lazy("editor"),
    "admin": i18n.lazy("admin"),
    "transcript": i18n.lazy("transcript"),
    "created": i18n.lazy("created"),
    "changed": i18n.lazy("changed"),
    "hid": i18n.lazy("hid"),
    "restored": i18n.lazy("restored"),
    "deleted": i18n.lazy("deleted"),
}
_env.globals["word_for"] = lambda value: str(WORDS.get(value, value))


@pass_context
def _url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL | str:
    """Starlette's `url_for`; a static file's is its fingerprinted path, found without
    searching the routes (a page names ten, at ~0.15 ms a search)."""
    if name == "static":
        return manifest().url(path_params["path"])
    return context["request"].url_for(name, **path_params)


_env.globals["url_for"] = _url_for
# `modulepreload(entry)` asks for a page's whole module graph at once (app/http/static.py).
_env.globals["modulepreload"] = manifest().modulepreload
templates = Jinja2Templates(env=_env)


def site_url(request: Request) -> str:
    """The site's address without a trailing slash: SESSIONNAV_BASE_URL when it is set, else
    the address this request reached (so `scripts/run --port 9000` links to port 9000)."""
    return (request.app.state.settings.base_url or str(request.base_url)).rstrip("/")


def absolute(request: Request, path: str) -> str:
    """An absolute link for use outside the site (shares, citations, Open Graph, oEmbed)."""
    return site_url(request) + path


def languages(request: Request) -> list[dict[str, str]]:
    """The language switcher: this very page (deep link and all) in each language."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != i18n.QUERY]
    return [
        {
            "code": code,
            "name": i18n.NAMES[code],
            "href": request.url.path + "?" + urlencode([*query, (i18n.QUERY, code)]),
        }
        for code in i18n.LANGUAGES
    ]


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    user = getattr(request.state, "user", None)  # set by the route's access rule
    context = {
        "user": user,
        "is_editor": at_least(user, Role.editor),
        "is_admin": at_least(user, Role.admin),
        "may_upload": at_least(user, UPLOADS.needed(request.app.state.settings)),
        # Whether the viewer may change an annotation (its public shape names its owner).
        "may_change": lambda a: (
            user is not None and (a.owner == user.username or at_least(user, Role.editor))
        ),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "signup": request.app.state.settings.signup,
        "lang": i18n.current(),
        "languages": languages(request),
        "script_messages": i18n.script_messages(),
        **context,
        "csrf_token": lambda: csrf.token(request),
        "post_url": lambda url: csrf.post_url(request, url),
        "absolute": lambda path: absolute(request, path),
    }
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    csrf.set_cookie(request, response)
    return response
