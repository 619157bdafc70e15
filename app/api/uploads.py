"""POST /api/v1/recordings/upload: a recording from a streamed file upload or from a link."""

from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Request, status

from app import uploads
from app.deps import SessionDep, SettingsDep
from app.schemas import ErrorBody, RecordingPublic
from app.services import recordings as service

router = APIRouter(prefix="/recordings", tags=["recordings"])

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
    responses={code: {"model": ErrorBody} for code in (404, 409, 413, 415, 422)},
    openapi_extra={
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _FORM}}}
    },
)
async def upload_recording(
    request: Request, session: SessionDep, settings: SettingsDep
) -> RecordingPublic:
    upload = await uploads.receive(
        request, media_dir=settings.media_dir, max_bytes=settings.max_upload_bytes
    )
    create = partial(uploads.create_from_upload, upload=upload, media_dir=settings.media_dir)
    row = await anyio.to_thread.run_sync(create, session)
    return await anyio.to_thread.run_sync(service.to_public, session, row)
