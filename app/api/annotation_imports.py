"""Importing annotations from W3C Web Annotation documents (Hypothesis-like tools, or this
site's own `/r/{recording}/annotations.jsonld`)."""

from typing import Annotated, Any

from fastapi import Body, status
from pydantic import BaseModel, Field

from app.deps import SessionDep
from app.http.auth import Members
from app.http.routing import router as make_router
from app.services import recordings
from app.services.exports import webannotation
from app.sizes import MAX_IMPORT_BODY_BYTES

router = make_router(tags=["imports"], max_body_size=MAX_IMPORT_BODY_BYTES)


class AnnotationsImported(BaseModel):
    created: int = Field(description="annotations created, replies included")
    replies: int
    ids: dict[str, int] = Field(description="each imported annotation's id -> its new id here")


Document = Annotated[
    dict[str, Any] | list[Any],
    Body(
        description="an AnnotationCollection (first page embedded), an AnnotationPage, one "
        "Annotation, or a list of annotations and pages"
    ),
]


@router.post("/recordings/{recording}/annotations/import", status_code=status.HTTP_201_CREATED)
def import_annotations(
    session: SessionDep, user: Members, recording: str, document: Document
) -> AnnotationsImported:
    """Create the document's annotations, owned by the importer: times from each target's
    FragmentSelector (`t=START,END`), text from TextualBody commenting/replying bodies, tags
    from tagging bodies, replies by their target's id, a quote's speaker from its identifying
    body (speaker page or name; quotes need an editor, as everywhere). All or nothing: a
    problem is refused naming where it is (e.g. `first.items.3.target`)."""
    rec = recordings.get(session, slug=recording, viewer=user)
    summary = webannotation.import_collection(session, recording=rec, actor=user, document=document)
    return AnnotationsImported(**vars(summary))
