"""Imports that turn documents into a recording's structure: programme and write-up.

Every import reads its text the same way (`TextBody`): a form with a file in the field
"file" or the text in "text", a JSON body {"text": ...}, or the text itself as the body.
"""

import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request, Response, status

from app.deps import SessionDep
from app.errors import Invalid
from app.http.auth import Editors
from app.http.routing import router as make_router
from app.i18n import _
from app.schemas import ProgrammePreview, WriteupApplied, WriteupApply, WriteupProposals
from app.services import programme, recordings, writeup
from app.sizes import MAX_IMPORT_BODY_BYTES, MAX_TEXT_BYTES
from app.textfiles import checked, decode

router = make_router(
    prefix="/recordings/{recording}", tags=["imports"], max_body_size=MAX_IMPORT_BODY_BYTES
)


@dataclass(frozen=True)
class UploadedText:
    text: str
    field: str  # where errors point: body, text or file


async def read_text(request: Request) -> UploadedText:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        async with request.form(max_files=1, max_fields=10) as form:  # closes the upload
            upload, text = form.get("file"), form.get("text")
            if upload is not None and not isinstance(upload, str) and upload.filename:
                data = await upload.read(MAX_TEXT_BYTES + 1)
                return UploadedText(decode(data, field="file"), "file")
        if isinstance(text, str):
            return UploadedText(checked(text, field="text"), "text")
        raise Invalid(_("send a file in the form field 'file' or text in 'text'"), field="file")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_TEXT_BYTES:
            break
    if content_type == "application/json":
        try:
            payload = json.loads(decode(bytes(body), field="body"))
        except ValueError as exc:
            message = _("the body is not valid JSON (%(error)s)") % {"error": exc}
            raise Invalid(message, field="body") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise Invalid(_("text is required (a string)"), field="text")
        return UploadedText(checked(payload["text"], field="text"), "text")
    return UploadedText(decode(bytes(body), field="body"), "body")


TextBody = Annotated[UploadedText, Depends(read_text)]
TEXT_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}},
                    "required": ["text"],
                }
            },
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "properties": {"text": {"type": "string"}}}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "text": {"type": "string"},
                    },
                }
            },
        },
    }
}


@router.post("/programme", openapi_extra=TEXT_BODY_DOC)
def import_programme(
    session: SessionDep,
    user: Editors,
    response: Response,
    recording: str,
    body: TextBody,
    dry_run: Annotated[bool, Query(description="only preview; store nothing")] = False,
    replace: Annotated[
        bool, Query(description="replace the stored sessions the lines overlap (see `removed`)")
    ] = False,
) -> ProgrammePreview:
    """Segments from programme lines (`2:20:00 to 04:03:55 - the round table "…";`), a
    YouTube chapter list (`00:00 Intro`) or a WebVTT chapters track (`chapters.vtt`): all
    of them, or none when any line is wrong. A
    line naming a stored session (its title, or its start) corrects it; stored sessions the
    lines overlap are replaced only with `replace=true`."""
    rec = recordings.get(session, slug=recording, viewer=user)
    preview = programme.preview(session, recording=rec, text=body.text, replace=replace)
    if dry_run:
        return preview
    response.status_code = status.HTTP_201_CREATED
    return programme.apply(session, recording=rec, preview=preview, field=body.field)


@router.post("/writeup/proposals", openapi_extra=TEXT_BODY_DOC)
def writeup_proposals(
    session: SessionDep, user: Editors, recording: str, body: TextBody
) -> WriteupProposals:
    """Speakers (name, role, organisation) and their direct quotes found in an article:
    drafts for an editor to confirm; nothing is stored."""
    recordings.get(session, slug=recording, viewer=user)
    return writeup.propose(session, text=body.text, field=body.field)


@router.post("/writeup/apply", status_code=status.HTTP_201_CREATED)
def writeup_apply(
    session: SessionDep, user: Editors, recording: str, data: WriteupApply
) -> WriteupApplied:
    """Store the confirmed proposals: speakers (matched by name or created) and their quotes
    as unplaced quotes in the given sessions, to be placed on their second later."""
    rec = recordings.get(session, slug=recording, viewer=user)
    return writeup.apply(session, recording=rec, data=data, actor=user)
