from typing import Annotated

from fastapi import APIRouter, Query

from app import search as service
from app.deps import CursorQuery, SessionDep
from app.models import SearchKind
from app.schemas import Page, SearchHit

router = APIRouter(tags=["search"])
SlugQuery = Annotated[str | None, Query(max_length=80)]


@router.get("/search")
def search(
    session: SessionDep,
    q: Annotated[str, Query(description='words, "a phrase", or a prefix*; all must occur')],
    event: SlugQuery = None,
    recording: SlugQuery = None,
    speaker: SlugQuery = None,
    kind: SearchKind | None = None,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[SearchHit]:
    """Segments, speakers, public annotations and quotes, and transcript cues, best first,
    each with a snippet (hits in <mark>) and a deep link to its moment. Any text is a
    valid query: what is not a word or a quoted phrase is ignored."""
    items, nxt = service.search(
        session,
        q=q,
        event=event,
        recording=recording,
        speaker=speaker,
        kind=kind,
        limit=limit,
        cursor=cursor,
    )
    return Page(items=items, next=nxt)
