"""The annotation forms that work without JavaScript: post, then 303 back to the moment.
Bad input re-renders the page with the message (4xx); a post without a valid CSRF token is
refused before anything is read or stored."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session

from app import links, placement
from app.deps import SessionDep, SettingsDep
from app.errors import DomainError, Invalid
from app.models import Annotation, Recording, TranscriptCue
from app.schemas import AnnotationCreate, AnnotationUpdate
from app.services import annotations as annotation_service
from app.services import recordings as recording_service
from app.timecodes import TimecodeError, parse_time
from app.web import csrf, navigator
from app.web.moments import Moment
from app.web.pages import annotation_id, navigator_page
from app.web.templating import render

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=100)]
Token = Annotated[str, Form(alias=csrf.FIELD, max_length=200)]


def _seconds(text: str, name: str) -> float | None:
    if not text.strip():
        return None
    try:
        return parse_time(text)
    except TimecodeError as exc:
        raise Invalid(f"{name}: {exc}", field=f"form.{name}") from None


def _fields(*, kind: str, start: str, end: str, text: str, tags: str, speaker: str) -> dict:
    """Form strings as the API shape's fields: time codes in any §4 form, comma-separated tags."""
    return {
        "kind": kind or "note",
        "start": _seconds(start, "start"),
        "end": _seconds(end, "end"),
        "text": text.strip(),
        "tags": [t.strip() for t in tags.split(",") if t.strip()],
        "speaker": speaker or None,
    }


def _validated(model, data: dict):
    """The schema's own checks, with its first complaint as a sentence for the form."""
    try:
        return model(**data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise Invalid(f"{where}: {error['msg']}", field=f"form.{error['loc'][0]}") from None


def _back(recording: Recording, annotation: Annotation) -> RedirectResponse:
    url = links.recording_url(recording.slug, annotation.start, annotation.end)
    return RedirectResponse(f"{url}#annotation-{annotation.id}", status_code=303)


def _refused(
    request: Request,
    session: Session,
    settings,
    recording: Recording,
    values: dict,
    exc: DomainError,
) -> HTMLResponse:
    """The navigator again, the form keeping what was typed and saying what was wrong."""
    session.rollback()
    try:
        start = parse_time(values.get("start") or "0")
    except TimecodeError:
        start = 0.0
    if recording.duration is not None:
        start = min(start, recording.duration)
    form = navigator.AnnotateForm(values, exc.message, (exc.field or "").rpartition(".")[2])
    status = exc.status_code if 400 <= exc.status_code < 500 else 422
    return navigator_page(
        request,
        session,
        settings,
        recording,
        Moment(start),
        navigator.Filters(),
        form=form,
        status_code=status,
    )


class AnnotationForm(BaseModel):
    """The annotate and edit forms' fields, as typed: time codes in any §4 form, tags by comma."""

    csrf_token: str = Field("", max_length=200)
    kind: str = Field("note", max_length=100)
    start: str = Field("", max_length=100)
    end: str = Field("", max_length=100)
    text: str = Field("", max_length=20_000)
    tags: str = Field("", max_length=100)
    speaker: str = Field("", max_length=100)

    def values(self) -> dict:
        return self.model_dump(exclude={"csrf_token"})


FormDep = Annotated[AnnotationForm, Form()]


@router.post("/r/{recording}/annotations")
def create_annotation(
    request: Request, session: SessionDep, settings: SettingsDep, recording: str, form: FormDep
):
    csrf.check(request, form.csrf_token)
    rec = recording_service.get(session, slug=recording)
    values = form.values()
    try:
        data = _validated(AnnotationCreate, _fields(**values))
        row = annotation_service.create(session, recording=rec, data=data)
    except DomainError as exc:
        return _refused(request, session, settings, rec, values, exc)
    return _back(rec, row)


@router.get("/a/{annotation}/edit")
def edit_form(request: Request, session: SessionDep, annotation: str) -> HTMLResponse:
    row = annotation_service.get(session, annotation_id=annotation_id(annotation))
    [public] = annotation_service.to_public_many(session, [row])
    values = {
        "kind": public.kind.value,
        "start": public.start_tc or "",
        "end": public.end_tc or "",
        "text": public.text,
        "tags": ", ".join(public.tags),
        "speaker": public.speaker.slug if public.speaker else "",
    }
    return _edit_page(request, session, row, values)


def _edit_page(request, session, row, values, error: DomainError | None = None) -> HTMLResponse:
    rec = session.get(Recording, row.recording_id)
    ctx = {
        "annotation": row,
        "recording": rec,
        "values": values,
        "kinds": [k.value for k in type(row.kind)],
        "speakers": navigator.speaker_options(session, recording=rec),
        "error": error.message if error else None,
        "error_field": (error.field or "").rpartition(".")[2] if error else None,
    }
    return render(request, "edit.html", ctx, status_code=error.status_code if error else 200)


@router.post("/a/{annotation}/edit")
def edit_annotation(request: Request, session: SessionDep, annotation: str, form: FormDep):
    csrf.check(request, form.csrf_token)
    row = annotation_service.get(session, annotation_id=annotation_id(annotation))
    values = form.values()
    try:
        fields = _fields(**values)
        if fields["start"] is None and row.start is not None:
            raise Invalid("start: a placed annotation keeps a time", field="form.start")
        if fields["start"] is None:
            del fields["start"], fields["end"]
        data = _validated(AnnotationUpdate, fields)
        annotation_service.update(session, annotation=row, data=data)
    except DomainError as exc:
        session.rollback()
        row = annotation_service.get(session, annotation_id=row.id)
        return _edit_page(request, session, row, values, exc)
    return _back(session.get(Recording, row.recording_id), row)


@router.post("/a/{annotation}/delete")
def delete_annotation(
    request: Request, session: SessionDep, annotation: str, token: Token = ""
) -> RedirectResponse:
    csrf.check(request, token)
    row = annotation_service.get(session, annotation_id=annotation_id(annotation))
    rec = session.get(Recording, row.recording_id)
    annotation_service.delete_annotation(session, annotation=row)
    return RedirectResponse(links.recording_url(rec.slug, row.start), status_code=303)


@router.post("/a/{annotation}/place")
def place_annotation(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    annotation: str,
    token: Token = "",
    start: Short = "",
    end: Short = "",
):
    """Pins an unplaced quote to the second the viewer names (the page's time by default),
    or to the range a transcript proposal found (`end` too)."""
    csrf.check(request, token)
    row = annotation_service.get(session, annotation_id=annotation_id(annotation))
    rec = session.get(Recording, row.recording_id)
    try:
        seconds = _seconds(start, "start")
        if seconds is None:
            raise Invalid("start: say when it was said, e.g. 2:32:30", field="form.start")
        fields = {"start": seconds} | ({"end": _seconds(end, "end")} if end.strip() else {})
        data = _validated(AnnotationUpdate, fields)
        annotation_service.update(session, annotation=row, data=data)
    except DomainError as exc:
        return _refused(request, session, settings, rec, {"start": start, "end": end}, exc)
    return _back(rec, row)


@router.get("/a/{annotation}/placement")
def placement_page(request: Request, session: SessionDep, annotation: str) -> HTMLResponse:
    """Where the transcript says a quote was said, with the button that accepts it."""
    row = annotation_service.get(session, annotation_id=annotation_id(annotation))
    [public] = annotation_service.to_public_many(session, [row])
    ctx = {"a": public, "recording": session.get(Recording, row.recording_id)}
    try:
        proposal = placement.propose(session, annotation=row)
    except DomainError as exc:
        return render(request, "placement.html", {**ctx, "error": exc.message}, status_code=404)
    cues = [session.get(TranscriptCue, cue_id) for cue_id in proposal.cues]
    return render(request, "placement.html", {**ctx, "proposal": proposal, "cues": cues})
