"""POST /api/v1/recordings/upload: a recording from a streamed file upload or from a link."""

from functools import partial

from fastapi import Request, status

from app.db import Session
from app.http.auth import Uploaders
from app.http.multipart import receive, upload_allowance
from app.http.routing import router as make_router
from app.http.transaction import run_unit_of_work
from app.schemas import RecordingPublic
from app.services import recordings as service
from app.services import uploads
from app.sizes import STREAMED

router = make_router(prefix="/recordings", tags=["recordings"])

_FORM = {
    "type": "object",
    "required": ["event", "title"],
    "properties": {
        "event": {"type": "string", "description": "slug of the event"},
        "title": {"type": "string"},
        "slug": {"type": "string", "description": "derived from the title when omitted"},
        "language": {"type": "string", "default": "en"},
        uploads.FILE_FIELD: {
            "type": "string",
            "format": "binary",
            "description": f"video or audio ({uploads.ACCEPTED}); streamed to disk",
        },
        uploads.LINK_FIELD: {
            "type": "string",
            "description": "instead of a file: an MP4/WebM/HLS URL or a YouTube link or id",
        },
    },
}


@router.post(
    "/upload",
    status_code=status.HTTP_201_CREATED,
    summary="Create a recording from an uploaded file or a link",
    openapi_extra={
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _FORM}}}
    },
    max_body_size=STREAMED,
)
async def upload_recording(request: Request, user: Uploaders) -> RecordingPublic:
    """The file is streamed to disk as it arrives (up to SESSIONNAV_MAX_UPLOAD_BYTES, or what
    is left of the uploader's quota), then probed; the recording is made in one unit of
    work. Uploads are for editors (or members, when SESSIONNAV_UPLOADS_FOR_MEMBERS is on)."""
    settings = request.app.state.settings
    allowed = await run_unit_of_work(request, partial(upload_allowance, settings, user))
    upload = await receive(request, media_dir=settings.media_dir, allowance=allowed)

    def create(session: Session) -> RecordingPublic:
        row = uploads.create_from_upload(
            session, upload=upload, media_dir=settings.media_dir, actor=user
        )
        return service.to_public(session, row)

    try:
        return await run_unit_of_work(request, create)
    finally:
        upload.discard()
