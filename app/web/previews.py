"""Frame previews for the timeline (app.services.thumbnails): the WebVTT file, revalidated by
its ETag, and the sprite it names, whose URL changes with the media file so it is cached for
good."""

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import FileResponse, Response

from app.errors import Invalid, NotFound
from app.http.auth import Anyone
from app.http.routing import router as make_router
from app.http.transaction import run_unit_of_work
from app.i18n import _
from app.models import MediaKind
from app.services import recordings as recording_service
from app.services import thumbnails
from app.services.thumbnails import Thumbnails

router = make_router(include_in_schema=False)
YEAR = 365 * 24 * 3600


async def _made(request: Request, user: Anyone, slug: str) -> tuple[Thumbnails, str]:
    """The recording's previews and who may cache them; 404 while they are not made."""
    rec = await run_unit_of_work(
        request, lambda s: recording_service.get(s, slug=slug, viewer=user)
    )
    if rec.media_kind is not MediaKind.file or rec.media_path is None:
        raise NotFound(_("this recording's media is not stored here, so it has no frame previews"))
    try:
        found = thumbnails.locate(request.app.state.settings, rec.media_path)
    except (Invalid, OSError):
        raise NotFound(_("this recording's video file cannot be read")) from None
    if not found.made:
        raise NotFound(_("this recording's frame previews are not made yet"))
    return found, "public" if rec.published else "private"  # a draft's stay in one browser


@router.get("/r/{recording}/thumbnails.vtt")
async def thumbnails_vtt(request: Request, user: Anyone, recording: str) -> Response:
    """The previews' WebVTT file: each cue names the region of the sprite showing its time.
    Browsers ask again each time and get 304 until the media file changes."""
    found, audience = await _made(request, user, recording)
    headers = {"ETag": f'"{found.key}"', "Cache-Control": f"{audience}, no-cache"}
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(found.vtt.read_bytes(), media_type="text/vtt", headers=headers)


@router.get("/r/{recording}/thumbnails.jpg")
async def thumbnails_sprite(
    request: Request,
    user: Anyone,
    recording: str,
    v: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The sprite, at a URL naming its media file's version (`v`): never asked for twice."""
    found, audience = await _made(request, user, recording)
    if v != found.key:
        raise NotFound(_("these frame previews were replaced: reload the page"), field="v")
    headers = {"Cache-Control": f"{audience}, max-age={YEAR}, immutable"}
    return FileResponse(found.sprite, media_type="image/jpeg", headers=headers)
