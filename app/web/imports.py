"""The editor's import page, `/r/{recording}/import`: programme text (preview, then confirm),
a WebVTT/SRT transcript file, and a write-up whose proposals are corrected in a form.

Plain CSRF-protected forms that work without JavaScript: a success answers 303 to the
navigator, a refusal re-renders the page with the message and the input kept (4xx). The
transcript form also answers JSON (`Accept: application/json`) for the progress-bar script.
Every import is checked whole before anything is stored, in the request's one transaction.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session, func, select
from starlette.datastructures import FormData

from app import links, programme, transcripts, writeup
from app.deps import SessionDep
from app.errors import DomainError, Invalid
from app.models import Recording, TranscriptCue
from app.services import recordings as recording_service
from app.services import segments as segment_service
from app.textfiles import MAX_TEXT_BYTES, decode
from app.uploads import human_size
from app.web import csrf
from app.web.templating import render
from app.web.writeup_form import confirmed, rows_from_form, rows_from_proposals

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Form(alias=csrf.FIELD, max_length=200)]
Article = Annotated[str, Form(max_length=writeup.MAX_ARTICLE_CHARS)]
MAX_FORM_FIELDS = 20_000  # a long write-up's proposals: a handful of fields per row


def _page(
    request: Request,
    session: Session,
    recording: Recording,
    *,
    status_code: int = 200,
    **sections: Any,
) -> HTMLResponse:
    """The import page; `sections` carry one form's input, preview or refusal."""
    cues = session.exec(
        select(func.count()).where(
            TranscriptCue.recording_id == recording.id,
            TranscriptCue.language == recording.language,
        )
    ).one()
    ctx = {
        "recording": recording,
        "segments": segment_service.list_all(session, recording=recording),
        "cue_count": cues,
        "max_size": human_size(MAX_TEXT_BYTES),
        "max_bytes": MAX_TEXT_BYTES,
        **sections,
    }
    return render(request, "import.html", ctx, status_code=status_code)


def _to_navigator(recording: Recording, fragment: str) -> RedirectResponse:
    return RedirectResponse(f"{links.recording_url(recording.slug)}#{fragment}", status_code=303)


def _status(exc: DomainError) -> int:
    return exc.status_code if 400 <= exc.status_code < 500 else 422


@router.get("/r/{recording}/import", response_class=HTMLResponse)
def import_page(request: Request, session: SessionDep, recording: str) -> HTMLResponse:
    rec = recording_service.get(session, slug=recording)
    return _page(request, session, rec)


@router.post("/r/{recording}/import/programme", response_class=HTMLResponse)
def import_programme(
    request: Request,
    session: SessionDep,
    recording: str,
    token: Token = "",
    text: Article = "",
    action: Annotated[str, Form(max_length=10)] = "preview",
) -> Response:
    """`preview` shows what would be stored and what is wrong; `store` stores all or none."""
    csrf.check(request, token)
    rec = recording_service.get(session, slug=recording)
    preview = programme.preview(session, recording=rec, text=text)
    if action != "store":
        return _page(request, session, rec, programme_text=text, preview=preview)
    try:
        programme.apply(session, recording=rec, preview=preview, field="form.text")
    except DomainError as exc:
        session.rollback()
        return _page(
            request,
            session,
            rec,
            status_code=_status(exc),
            programme_text=text,
            preview=preview,
            programme_error=exc.message,
        )
    return _to_navigator(rec, "chapters-h")


@router.post("/r/{recording}/import/transcript", response_class=HTMLResponse)
def import_transcript(
    request: Request,
    session: SessionDep,
    recording: str,
    token: Token = "",
    file: Annotated[UploadFile | None, File()] = None,
    language: Annotated[str, Form(max_length=35)] = "",
) -> Response:
    """A WebVTT or SRT file replaces the transcript in its language, or is refused naming
    the line; the progress-bar script asks for JSON and gets it."""
    wants_json = "application/json" in request.headers.get("accept", "")
    rec = recording_service.get(session, slug=recording)
    try:
        csrf.check(request, token)
        if file is None or not file.filename:
            raise Invalid("choose a WebVTT (.vtt) or SRT (.srt) file", field="form.file")
        text = decode(file.file.read(MAX_TEXT_BYTES + 1), field="form.file")
        result = transcripts.import_transcript(
            session, recording=rec, text=text, language=language.strip() or None, field="form.file"
        )
    except DomainError as exc:
        session.rollback()
        if wants_json:
            body = {"detail": exc.message, "field": exc.field}
            return JSONResponse(body, status_code=_status(exc))
        return _page(
            request,
            session,
            rec,
            status_code=_status(exc),
            transcript_error=exc.message,
            language=language,
        )
    if wants_json:
        navigator = f"{links.recording_url(rec.slug)}#transcript"
        return JSONResponse(vars(result) | {"navigator": navigator}, status_code=201)
    return _to_navigator(rec, "transcript")


@router.post("/r/{recording}/import/writeup", response_class=HTMLResponse)
def propose_writeup(
    request: Request, session: SessionDep, recording: str, token: Token = "", text: Article = ""
) -> HTMLResponse:
    """Speakers and quotes found in the article, as a form to correct; nothing is stored."""
    csrf.check(request, token)
    rec = recording_service.get(session, slug=recording)
    speakers, quotes = rows_from_proposals(writeup.propose(session, text=text, field="form.text"))
    return _page(
        request, session, rec, writeup_text=text, speakers=speakers, quotes=quotes, proposed=True
    )


async def _long_form(request: Request) -> FormData:
    """The posted proposals: more fields than a form is usually allowed."""
    return await request.form(max_fields=MAX_FORM_FIELDS)


@router.post("/r/{recording}/import/writeup/apply", response_class=HTMLResponse)
def apply_writeup(
    request: Request,
    session: SessionDep,
    recording: str,
    form: Annotated[FormData, Depends(_long_form)],
) -> Response:
    """Store what the editor ticked: speakers matched or created, quotes as unplaced quotes."""
    csrf.check(request, str(form.get(csrf.FIELD, "")))
    rec = recording_service.get(session, slug=recording)
    speakers, quotes = rows_from_form(form)
    try:
        writeup.apply(session, recording=rec, data=confirmed(speakers, quotes))
    except DomainError as exc:
        session.rollback()
        return _page(
            request,
            session,
            rec,
            status_code=_status(exc),
            speakers=speakers,
            quotes=quotes,
            proposed=True,
            writeup_error=exc.message,
        )
    return _to_navigator(rec, "annotations-h")
