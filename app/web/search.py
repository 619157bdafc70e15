"""The search page: `/search?q=` with filters as a plain GET form, ranked hits with their
snippets, each a deep link to its second. Whatever a person types or edits into the URL is
answered with a page (200): unknown filters are dropped with a word, never an error page."""

import re
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from app import search as service
from app.deps import SessionDep
from app.errors import Invalid, NotFound
from app.models import Event, Recording, SearchKind, Speaker
from app.schemas import SearchHit
from app.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PAGE_SIZE = 20
MAX_CHOICES = 500  # speakers offered in the filter; a bigger site would type a name instead
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){0,40}")
_KINDS = {k.value for k in SearchKind}
Raw = Annotated[str, Query()]  # no length limits: a long value is a notice, not a 422 page


@dataclass
class SearchForm:
    q: str = ""
    event: str = ""
    recording: str = ""
    speaker: str = ""
    kind: str = ""
    cursor: str = ""

    def query(self, **overrides: str) -> dict[str, str]:
        """The form as query parameters (for pagination links), empty ones left out."""
        return {k: v for k, v in (asdict(self) | overrides).items() if v}


def _checked(form: SearchForm) -> list[str]:
    """Drop filter values that cannot name anything, before they reach the database."""
    notices = []
    for name in ("event", "recording", "speaker"):
        value = getattr(form, name)
        if value and not (len(value) <= 80 and _SLUG.fullmatch(value)):
            notices.append(f"There is no {name} “{value[:40]}”; searching all of them.")
            setattr(form, name, "")
    if form.kind and form.kind not in _KINDS:
        notices.append(f"“{form.kind[:40]}” is not a kind of result; showing every kind.")
        form.kind = ""
    return notices


def results(session: Session, form: SearchForm) -> tuple[list[SearchHit], str | None, list[str]]:
    """The page of hits, the next cursor, and notices about filters that were dropped."""
    notices = _checked(form)
    while True:
        try:
            hits, next_cursor = service.search(
                session,
                q=form.q,
                event=form.event or None,
                recording=form.recording or None,
                speaker=form.speaker or None,
                kind=SearchKind(form.kind) if form.kind else None,
                limit=PAGE_SIZE,
                cursor=form.cursor or None,
            )
        except NotFound as exc:  # a filter naming nothing stored: search without it
            name = (exc.field or "").removeprefix("query.")
            if name not in ("event", "recording", "speaker"):
                raise
            notices.append(f"There is no {name} “{getattr(form, name)}”; searching all of them.")
            setattr(form, name, "")
        except Invalid:  # a cursor this site did not give out
            notices.append("That page of results is gone; here is the first one.")
            form.cursor = ""
        else:
            return hits, next_cursor, notices


@router.get("/search")
def search_page(
    request: Request,
    session: SessionDep,
    q: Raw = "",
    event: Raw = "",
    recording: Raw = "",
    speaker: Raw = "",
    kind: Raw = "",
    cursor: Raw = "",
) -> HTMLResponse:
    form = SearchForm(q[: service.MAX_QUERY_CHARS], event, recording, speaker, kind, cursor[:200])
    hits, next_cursor, notices = results(session, form) if form.q.strip() else ([], None, [])
    titles = dict(
        session.exec(
            select(Recording.slug, Recording.title).where(
                col(Recording.slug).in_({h.recording for h in hits if h.recording})
            )
        ).all()
    )
    ctx = {
        "form": form,
        "search_q": form.q,
        "hits": hits,
        "titles": titles,
        "next_cursor": next_cursor,
        "notices": notices,
        "searchable": bool(service.parse_query(form.q)),
        "kinds": sorted(_KINDS),
        "events": session.exec(select(Event).order_by(Event.title)).all(),
        "recordings": session.exec(select(Recording).order_by(Recording.title)).all(),
        "speakers": session.exec(select(Speaker).order_by(Speaker.name).limit(MAX_CHOICES)).all(),
    }
    return render(request, "search.html", ctx)
