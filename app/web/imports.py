"""The editor's import page, `/r/{recording}/import`: programme text (preview, then confirm),
a WebVTT/SRT transcript file, a machine transcript made in the background (with its progress),
and a write-up whose proposals are corrected in a form.

Plain forms that work without JavaScript: a success answers 303 to the navigator, a refusal
shows the page again with the message and the input kept (4xx), after the request's unit of
work has rolled back. The transcript form also answers JSON (`Accept: application/json`) for
the progress-bar script. Every import is checked whole before anything is stored.
"""

import time
from typing import Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from app import jobs, links
from app.db import Session
from app.deps import SessionDep
from app.errors import DomainError, Invalid
from app.http.auth import Editors
from app.http.errors import FormRefused
from app.http.routing import router as make_router
from app.http.templating import render
from app.i18n import _
from app.models import JobState, Recording
from app.services import programme, transcription, transcripts, writeup
from app.services import recordings as recording_service
from app.services import segments as segment_service
from app.sizes import MAX_IMPORT_BODY_BYTES, MAX_TEXT_BYTES, human_size
from app.textfiles import decode
from app.web.writeup_form import confirmed, rows_from_form, rows_from_proposals

router = make_router(include_in_schema=False, max_body_size=MAX_IMPORT_BODY_BYTES)
Article = Annotated[str, Form(max_length=writeup.MAX_ARTICLE_CHARS)]
MAX_FORM_FIELDS = 20_000  # a long write-up's proposals: a handful of fields per row


def _page(
    request: Request,
    session: Session,
    slug: str,
    *,
    status_code: int = 200,
    **sections: Any,
) -> HTMLResponse:
    """The import page; `sections` carry one form's input, preview or refusal."""
    recording = recording_service.get(session, slug=slug, viewer=request.state.user)
    ctx = {
        "recording": recording,
        "segments": segment_service.list_all(session, recording=recording),
        "cue_count": transcripts.count(session, recording=recording),
        "max_size": human_size(MAX_TEXT_BYTES),
        "max_bytes": MAX_TEXT_BYTES,
        **_machine(request, session, recording),
        **sections,
    }
    return render(request, "import.html", ctx, status_code=status_code)


def _machine(request: Request, session: Session, recording: Recording) -> dict[str, Any]:
    """The machine transcript section: the model (or why there is none), who made the stored
    transcript, the latest job, and once it is done, where the unplaced quotes may be."""
    job = transcription.current(session, recording=recording)
    done = job is not None and job.state is JobState.done
    return {
        # The Refresh link's own query, new on every page, so following it always reloads:
        # a link that differs from the page's address by its #fragment alone only scrolls.
        "shown": time.time_ns() // 1_000_000,
        "recogniser": transcription.recogniser(request.app.state.settings),
        "made_by": transcripts.made_by(session, recording=recording, language=recording.language),
        "job": transcription.status(session, job) if job else None,
        "proposals": transcription.proposals(
            session, recording=recording, viewer=request.state.user
        )
        if done
        else [],
    }


def _refused(request: Request, slug: str, error: DomainError, **sections: Any) -> FormRefused:
    status = error.status_code if 400 <= error.status_code < 500 else 422
    return FormRefused(
        error, lambda session: _page(request, session, slug, status_code=status, **sections)
    )


def _to_navigator(slug: str, fragment: str) -> RedirectResponse:
    return RedirectResponse(f"{links.recording_url(slug)}#{fragment}", status_code=303)


@router.get("/r/{recording}/import", response_class=HTMLResponse)
def import_page(
    request: Request, session: SessionDep, user: Editors, recording: str
) -> HTMLResponse:
    return _page(request, session, recording)


@router.post("/r/{recording}/import/programme", response_class=HTMLResponse)
def import_programme(
    request: Request,
    session: SessionDep,
    user: Editors,
    recording: str,
    text: Article = "",
    action: Annotated[str, Form(max_length=10)] = "preview",
) -> Response:
    """`preview` shows what would be created, corrected and replaced, and what is wrong;
    `store` (the preview's button, so the editor has seen what goes) stores all or none."""
    rec = recording_service.get(session, slug=recording, viewer=user)
    preview = programme.preview(session, recording=rec, text=text, replace=True)
    if action != "store":
        return _page(request, session, rec.slug, programme_text=text, preview=preview)
    try:
        programme.apply(session, recording=rec, preview=preview, field="text")
    except DomainError as exc:
        raise _refused(
            request,
            rec.slug,
            exc,
            programme_text=text,
            preview=preview,
            programme_error=exc.message,
        ) from None
    return _to_navigator(rec.slug, "chapters-h")


@router.post("/r/{recording}/import/transcript", response_class=HTMLResponse)
def import_transcript(
    request: Request,
    session: SessionDep,
    user: Editors,
    recording: str,
    file: Annotated[UploadFile | None, File()] = None,
    language: Annotated[str, Form(max_length=35)] = "",
) -> Response:
    """A WebVTT or SRT file replaces the transcript in its language, or is refused naming
    the line; the progress-bar script asks for JSON and gets it."""
    wants_json = "application/json" in request.headers.get("accept", "")
    rec = recording_service.get(session, slug=recording, viewer=user)
    try:
        if file is None or not file.filename:
            raise Invalid(_("choose a WebVTT (.vtt) or SRT (.srt) file"), field="file")
        text = decode(file.file.read(MAX_TEXT_BYTES + 1), field="file")
        result = transcripts.import_transcript(
            session, recording=rec, text=text, language=language.strip() or None, field="file"
        )
    except DomainError as exc:
        if wants_json:
            raise  # the error path answers JSON with the field named
        raise _refused(
            request, rec.slug, exc, transcript_error=exc.message, language=language
        ) from None
    if wants_json:
        navigator = f"{links.recording_url(rec.slug)}#transcript"
        return JSONResponse(vars(result) | {"navigator": navigator}, status_code=201)
    return _to_navigator(rec.slug, "transcript")


@router.post("/r/{recording}/import/transcription", response_class=HTMLResponse)
def start_transcription(
    request: Request,
    session: SessionDep,
    user: Editors,
    recording: str,
    language: Annotated[str, Form(max_length=35)] = "",
) -> Response:
    """Queue a machine transcript; the page then shows its progress."""
    rec = recording_service.get(session, slug=recording, viewer=user)
    settings = request.app.state.settings
    try:
        transcription.start(
            session,
            recording=rec,
            language=language,
            settings=settings,
            user=user,
            enqueue=jobs.enqueuer(settings),
        )
    except DomainError as exc:
        raise _refused(
            request, rec.slug, exc, machine_error=exc.message, machine_language=language
        ) from None
    return _to_job(rec.slug)


@router.post("/r/{recording}/import/transcription/cancel", response_class=HTMLResponse)
def cancel_transcription(
    request: Request, session: SessionDep, user: Editors, recording: str
) -> Response:
    rec = recording_service.get(session, slug=recording, viewer=user)
    try:
        transcription.cancel(session, recording=rec)
    except DomainError as exc:
        raise _refused(request, rec.slug, exc, machine_error=exc.message) from None
    return _to_job(rec.slug)


def _to_job(slug: str) -> RedirectResponse:
    return RedirectResponse(f"{links.import_url(slug)}#machine-h", status_code=303)


@router.post("/r/{recording}/import/writeup", response_class=HTMLResponse)
def propose_writeup(
    request: Request, session: SessionDep, user: Editors, recording: str, text: Article = ""
) -> HTMLResponse:
    """Speakers and quotes found in the article, as a form to correct; nothing is stored."""
    rec = recording_service.get(session, slug=recording, viewer=user)
    speakers, quotes = rows_from_proposals(writeup.propose(session, text=text, field="text"))
    return _page(
        request,
        session,
        rec.slug,
        writeup_text=text,
        speakers=speakers,
        quotes=quotes,
        proposed=True,
    )


async def _long_form(request: Request) -> FormData:
    """The posted proposals: more fields than a form is usually allowed."""
    return await request.form(max_fields=MAX_FORM_FIELDS)


@router.post("/r/{recording}/import/writeup/apply", response_class=HTMLResponse)
def apply_writeup(
    request: Request,
    session: SessionDep,
    user: Editors,
    recording: str,
    form: Annotated[FormData, Depends(_long_form)],
) -> Response:
    """Store what the editor ticked: speakers matched or created, quotes as unplaced quotes."""
    rec = recording_service.get(session, slug=recording, viewer=user)
    speakers, quotes = rows_from_form(form)
    try:
        writeup.apply(session, recording=rec, data=confirmed(speakers, quotes), actor=user)
    except DomainError as exc:
        raise _refused(
            request,
            rec.slug,
            exc,
            speakers=speakers,
            quotes=quotes,
            proposed=True,
            writeup_error=exc.message,
        ) from None
    return _to_navigator(rec.slug, "annotations-h")
