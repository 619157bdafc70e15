"""The upload page: GET /upload shows a file form and a link form, POST /upload takes either.

Without JavaScript a success redirects (303) to the new recording's navigator and a refusal
re-renders the page with the message. static/upload.js posts the same form with
`Accept: application/json` to show upload progress, and gets JSON back instead.
"""

from dataclasses import dataclass, field
from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from app import links, uploads
from app.deps import SessionDep, SettingsDep
from app.errors import DomainError
from app.pagination import MAX_LIMIT
from app.services import events
from app.services import recordings as service
from app.web import csrf
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass
class UploadForm:
    """What the page shows back after a refusal: which form, the input, and why."""

    kind: str = ""  # "file" or "link": the form the message belongs to
    values: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    error_field: str | None = None  # the form field's name, e.g. "title"


def _page(request: Request, session: Session, form: UploadForm, status_code: int = 200):
    rows, _ = events.list_page(session, cursor=None, limit=MAX_LIMIT)
    settings = request.app.state.settings
    context = {
        "events": sorted(rows, key=lambda e: e.title.casefold()),
        "form": form,
        "max_bytes": settings.max_upload_bytes,
        "max_size": uploads.human_size(settings.max_upload_bytes),
    }
    return render(request, "upload.html", context, status_code=status_code)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, session: SessionDep) -> HTMLResponse:
    return _page(request, session, UploadForm())


@router.post("/upload", name="upload", response_class=HTMLResponse)
async def upload(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    wants_json = "application/json" in request.headers.get("accept", "")
    upload = uploads.Upload()
    try:
        upload = await uploads.receive(
            request, media_dir=settings.media_dir, max_bytes=settings.max_upload_bytes
        )
        csrf.check(request, upload.fields.pop(csrf.FIELD, None))
        create = partial(uploads.create_from_upload, upload=upload, media_dir=settings.media_dir)
        row = await anyio.to_thread.run_sync(create, session)
    except DomainError as exc:
        upload.discard()
        session.rollback()
        if wants_json:
            body = {"detail": exc.message, "field": exc.field}
            return JSONResponse(body, status_code=exc.status_code)
        kind = "link" if uploads.LINK_FIELD in upload.fields else "file"
        name = (exc.field or "").removeprefix("body.")
        form = UploadForm(kind, upload.fields, exc.message, name)
        return await anyio.to_thread.run_sync(_page, request, session, form, exc.status_code)
    if wants_json:
        public = await anyio.to_thread.run_sync(service.to_public, session, row)
        return JSONResponse(public.model_dump(mode="json"), status_code=201)
    return RedirectResponse(links.recording_url(row.slug), status_code=303)
