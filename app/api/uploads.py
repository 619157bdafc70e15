"""POST /api/v1/recordings/upload: a recording from a streamed file upload or from a link."""

from fastapi import Request, status

from app.http.multipart import receive
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
            "description": "MP4, WebM, Ogg, MP3, WAV, FLAC or AAC; streamed to disk",
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
async def upload_recording(request: Request) -> RecordingPublic:
    """The file is streamed to disk as it arrives (its size limit is
    SESSIONNAV_MAX_UPLOAD_BYTES), then probed; the recording is made in one unit of work."""
    settings = request.app.state.settings
    upload = await receive(
        request, media_dir=settings.media_dir, max_bytes=settings.max_upload_bytes
    )

    def create(session) -> RecordingPublic:
        row = uploads.create_from_upload(session, upload=upload, media_dir=settings.media_dir)
        return service.to_public(session, row)

    try:
        return await run_unit_of_work(request, create)
    finally:
        upload.discard()
