"""The upload page: GET /upload shows a file form and a link form, POST /upload takes either.

Without JavaScript a success redirects (303) to the new recording's navigator and a refusal
shows the page again with the message. static/js/progress.js posts the same form with
`Accept: application/json` to show upload progress, and gets JSON back instead.
"""

from dataclasses import dataclass, field
from functools import partial

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from app import links
from app.db import Session
from app.deps import SessionDep
from app.errors import DomainError
from app.http.auth import Uploaders
from app.http.errors import FormRefused, wants_html
from app.http.multipart import receive, upload_allowance
from app.http.routing import router as make_router
from app.http.templating import render
from app.http.transaction import run_unit_of_work
from app.services import events, uploads
from app.services import recordings as service
from app.services.uploads import Upload
from app.sizes import STREAMED, human_size

router = make_router(include_in_schema=False)


@dataclass
class UploadForm:
    """What the page shows back after a refusal: which form, the input, and why."""

    kind: str = ""  # "file" or "link": the form the message belongs to
    values: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    error_field: str | None = None  # the form field's name, e.g. "title"


def _page(request: Request, session: Session, form: UploadForm, status_code: int = 200):
    settings = request.app.state.settings
    context = {
        "events": events.by_title(session),
        "chosen_event": request.query_params.get("event", ""),  # from an event page's link
        "form": form,
        "max_bytes": settings.max_upload_bytes,
        "max_size": human_size(settings.max_upload_bytes),
        "accepted": uploads.ACCEPTED,
    }
    return render(request, "upload.html", context, status_code=status_code)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, session: SessionDep, user: Uploaders) -> HTMLResponse:
    return _page(request, session, UploadForm())


@router.post("/upload", name="upload", response_class=HTMLResponse, max_body_size=STREAMED)
async def upload(request: Request, user: Uploaders) -> Response:
    settings = request.app.state.settings
    received = Upload()
    try:
        allowed = await run_unit_of_work(request, partial(upload_allowance, settings, user))
        received = await receive(request, media_dir=settings.media_dir, allowance=allowed)
        row = await run_unit_of_work(
            request,
            lambda session: uploads.create_from_upload(
                session, upload=received, media_dir=settings.media_dir, actor=user
            ),
        )
    except DomainError as exc:
        received.discard()
        if not wants_html(request):
            raise
        kind = "link" if uploads.LINK_FIELD in received.fields else "file"
        name = (exc.field or "").split(".")[-1]
        form, status = UploadForm(kind, received.fields, exc.message, name), exc.status_code
        raise FormRefused(exc, lambda session: _page(request, session, form, status)) from None
    if not wants_html(request):
        public = await run_unit_of_work(request, lambda s: service.to_public(s, row), write=False)
        return JSONResponse(public.model_dump(mode="json"), status_code=201)
    return RedirectResponse(links.recording_url(row.slug), status_code=303)
