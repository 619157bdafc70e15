"""The search page: `/search?q=` with filters as a plain GET form, ranked hits with their
snippets, each a deep link to its second. Whatever a person types or edits into the URL is
answered with a page (200): unknown filters are dropped with a word, never an error page."""

import re
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse

from app.db import Session
from app.deps import SessionDep
from app.errors import NotFound
from app.http.auth import Anyone
from app.http.paging import Paging, paging
from app.http.routing import router as make_router
from app.http.templating import render
from app.i18n import _, lazy
from app.models import SearchKind, User
from app.pagination import Key
from app.schemas import SearchHit
from app.services import search as service

router = make_router(include_in_schema=False, default_response_class=HTMLResponse)
PAGE_SIZE = 20
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){0,40}")
_KINDS = {k.value for k in SearchKind}
Raw = Annotated[str, Query()]  # no length limits: a long value is a notice, not a 422 page
PageOfHits = Annotated[Paging, Depends(paging(PAGE_SIZE, PAGE_SIZE, lenient=True))]
_CAPPED = lazy(
    "Many texts hold these words: the hits shown are the best among the newest of them. "
    "Add a word, a phrase or a filter to narrow the search."
)
_NO_SUCH = {
    "event": lazy("There is no event “%(value)s”; searching all of them."),
    "recording": lazy("There is no recording “%(value)s”; searching all of them."),
    "speaker": lazy("There is no speaker “%(value)s”; searching all of them."),
}


@dataclass
class SearchForm:
    q: str = ""
    event: str = ""
    recording: str = ""
    speaker: str = ""
    kind: str = ""

    def query(self, **extra: str) -> dict[str, str]:
        """The form as query parameters (for pagination links), empty ones left out."""
        return {k: v for k, v in (asdict(self) | extra).items() if v}


def _checked(form: SearchForm) -> list[str]:
    """Drop filter values that cannot name anything, before they reach the database."""
    notices = []
    for name in ("event", "recording", "speaker"):
        value = getattr(form, name)
        if value and not (len(value) <= 80 and _SLUG.fullmatch(value)):
            notices.append(str(_NO_SUCH[name]) % {"value": value[:40]})
            setattr(form, name, "")
    if form.kind and form.kind not in _KINDS:
        message = _("“%(kind)s” is not a kind of result; showing every kind.")
        notices.append(message % {"kind": form.kind[:40]})
        form.kind = ""
    return notices


def results(
    session: Session, form: SearchForm, key: Key | None, viewer: User | None
) -> tuple[list[SearchHit], Key | None, list[str]]:
    """The page of hits, the next page's key, and notices about filters that were dropped."""
    notices = _checked(form)
    while True:
        try:
            hits, next_key, capped = service.search(
                session,
                q=form.q,
                event=form.event or None,
                recording=form.recording or None,
                speaker=form.speaker or None,
                kind=SearchKind(form.kind) if form.kind else None,
                limit=PAGE_SIZE,
                key=key,
                viewer=viewer,
            )
        except NotFound as exc:  # a filter naming nothing stored: search without it
            name = exc.field or ""
            if name not in ("event", "recording", "speaker"):
                raise
            notices.append(str(_NO_SUCH[name]) % {"value": getattr(form, name)})
            setattr(form, name, "")
        else:
            if capped:
                notices.append(str(_CAPPED))
            return hits, next_key, notices


@router.get("/search")
def search_page(
    request: Request,
    session: SessionDep,
    user: Anyone,
    paged: PageOfHits,
    q: Raw = "",
    event: Raw = "",
    recording: Raw = "",
    speaker: Raw = "",
    kind: Raw = "",
) -> HTMLResponse:
    form = SearchForm(q[: service.MAX_QUERY_CHARS], event, recording, speaker, kind)
    hits, next_key, notices = (
        results(session, form, paged.key, user) if form.q.strip() else ([], None, [])
    )
    ctx = {
        "form": form,
        "search_q": form.q,
        "hits": hits,
        "later_page": paged.key is not None,
        "next_cursor": paged.cursor(next_key),
        "notices": notices + ([paged.notice] if paged.notice else []),
        "searchable": bool(service.parse_query(form.q)),
        "kinds": sorted(_KINDS),
        **service.filter_choices(session, viewer=user),
    }
    return render(request, "search.html", ctx)
