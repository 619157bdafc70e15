from typing import Annotated

from fastapi import Depends, Query

from app.api.params import SlugQuery
from app.deps import SessionDep
from app.http.auth import Anyone
from app.http.paging import Paging, paging
from app.http.routing import router as make_router
from app.models import SearchKind
from app.schemas import Page, SearchHit
from app.services import search as service

router = make_router(tags=["search"])


@router.get("/search")
def search(
    session: SessionDep,
    user: Anyone,
    paging: Annotated[Paging, Depends(paging(default=20, maximum=100))],
    q: Annotated[
        str,
        Query(
            description='words, "a phrase", or a prefix*; all must occur (the first 500 '
            "characters are read)"
        ),
    ],
    event: SlugQuery = None,
    recording: SlugQuery = None,
    speaker: SlugQuery = None,
    kind: SearchKind | None = None,
) -> Page[SearchHit]:
    """Segments, speakers, annotations and quotes the requester may see, and transcript cues,
    best first,
    each with a snippet (hits in <mark>) and a deep link to its moment. Any text is a
    valid query: what is not a word or a quoted phrase is ignored. A query matching more than
    500 texts of a kind is ranked among the 500 newest of them; the pages of one search
    stay the same while content is added."""
    hits, after, _capped = service.search(
        session,
        q=q,
        event=event,
        recording=recording,
        speaker=speaker,
        kind=kind,
        limit=paging.limit,
        key=paging.key,
        viewer=user,
    )
    return paging.page(hits, after)
