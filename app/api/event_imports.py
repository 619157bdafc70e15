"""`POST /api/v1/events/import`: a whole event from the product's own JSON export (PRODUCT §6),
all of it or nothing. The body is the document itself, larger than the API's usual 1 MiB:
an event of 10,000 annotations and a day of transcript is a few MB, so it takes the limit
of the other imports (MAX_IMPORT_BODY_BYTES)."""

from typing import Annotated, Any

from fastapi import Depends, Request, status
from pydantic import BaseModel

from app.deps import SessionDep
from app.http.auth import Editors
from app.http.routing import router as make_router
from app.services.exports import event_json
from app.sizes import MAX_IMPORT_BODY_BYTES
from app.textfiles import decode

router = make_router(prefix="/events", tags=["imports"], max_body_size=MAX_IMPORT_BODY_BYTES)


class EventImported(BaseModel):
    """What an import stored, and what it had to decide (speakers matched, owners unknown)."""

    event: str
    recordings: int
    segments: int
    annotations: int
    cues: int
    turns: int
    speakers_created: list[str]
    speakers_matched: list[str]
    unknown_owners: list[str]


async def read_document(request: Request) -> dict[str, Any]:
    return event_json.parse(decode(await request.body(), field="body"))


DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "an event export (format sessionnav-event, version 1), "
                    "as GET /e/{event}/export.json gives it",
                }
            }
        },
    }
}


@router.post("/import", status_code=status.HTTP_201_CREATED, openapi_extra=DOCUMENT_BODY)
def import_event(
    session: SessionDep,
    user: Editors,
    document: Annotated[dict[str, Any], Depends(read_document)],
) -> EventImported:
    """A new event with its recordings, segments, speakers, annotations (owners matched by
    username; unknown ones become the importer's), transcripts and speaker turns. A document
    that breaks its schema is refused naming the place; an event slug in use is a 409."""
    summary = event_json.import_event(session, document=document, actor=user)
    return EventImported(**vars(summary))
