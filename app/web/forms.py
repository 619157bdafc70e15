"""The annotation forms that work without JavaScript: post, then 303 back to the moment.

A refused form is a `FormRefused`: the request's unit of work rolls back, then the page is
shown again with what was typed and what was wrong (4xx). The CSRF token travels in the
form's action URL and is checked before the body is read (app.http.csrf).
"""

from dataclasses import replace
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from app import links
from app.db import Session
from app.deps import SessionDep
from app.errors import DomainError, Invalid, validated
from app.http.auth import Anyone, Editors, Members
from app.http.errors import FormRefused
from app.http.routing import router as make_router
from app.http.templating import render, site_url
from app.i18n import _
from app.models import Annotation, AnnotationKind, User
from app.schemas import AnnotationCreate, AnnotationUpdate
from app.services import access, placement, transcripts
from app.services import annotation_views as views
from app.services import annotations as annotation_service
from app.services import recordings as recording_service
from app.timecodes import TimecodeError, parse_range, parse_time
from app.web import navigator
from app.web.moments import Moment, resolve
from app.web.pages import navigator_page

router = make_router(include_in_schema=False)


class AnnotationForm(BaseModel):
    """The annotate and edit forms' fields, as typed: time codes in any §4 form, tags by comma."""

    kind: str = Field("note", max_length=100)
    start: str = Field("", max_length=100)
    end: str = Field("", max_length=100)
    text: str = Field("", max_length=20_000)
    tags: str = Field("", max_length=100)
    speaker: str = Field("", max_length=100)
    visibility: str = Field("", max_length=20)
    reply_to: str = Field("", max_length=12)
    source_title: str = Field("", max_length=2000)  # the API shape says how long it may be
    source_url: str = Field("", max_length=4000)
    at: str = Field("", max_length=100)  # where the page was when it was sent (form_moment)

    def seconds(self, name: str) -> float | None:
        typed = getattr(self, name).strip()
        if not typed:
            return None
        try:
            return parse_time(typed)
        except TimecodeError as exc:
            raise Invalid(f"{name}: {exc}", field=name) from None

    def fields(self) -> dict:
        """The API shape's fields: times in seconds, tags as a list, no speaker as None."""
        return {
            "kind": self.kind or "note",
            "start": self.seconds("start"),
            "end": self.seconds("end"),
            "text": self.text.strip(),
            "tags": [t.strip() for t in self.tags.split(",") if t.strip()],
            "speaker": self.speaker or None,
            "source_title": self.source_title.strip() or None,
            "source_url": self.source_url.strip() or None,
            **({"visibility": self.visibility} if self.visibility else {}),
            **({"reply_to": self._id(self.reply_to)} if self.reply_to else {}),
        }

    @staticmethod
    def _id(text: str) -> int:
        if not (text.isascii() and text.isdigit()):
            raise Invalid(_("reply_to: an annotation's number"), field="reply_to")
        return int(text)


class PlaceForm(BaseModel):
    start: str = Field("", max_length=100)
    end: str = Field("", max_length=100)
    at: str = Field("", max_length=100)


def form_moment(values: dict, duration: float | None) -> Moment:
    """Where a form's page opens, refused or not: where the viewer was when sending it (the
    hidden `at`), else at the typed start, else at the beginning. One that cannot be read is
    passed over quietly: a refused form's own message says what was wrong."""
    for typed in (values.get("at"), values.get("start")):
        try:
            parse_range(typed or "", clamp=True)
        except TimecodeError:
            continue
        return replace(resolve(typed, duration=duration), notice=None)
    return Moment(0.0)


def _back(session: Session, annotation: Annotation, user: User) -> RedirectResponse:
    recording = recording_service.get_by_id(session, annotation.recording_id, viewer=user)
    url = links.recording_url(recording.slug, annotation.start, annotation.end)
    return RedirectResponse(f"{url}#annotation-{annotation.id}", status_code=303)


def _form_status(error: DomainError) -> int:
    return error.status_code if 400 <= error.status_code < 500 else 422


def _refused_on_navigator(
    request: Request, slug: str, values: dict, error: DomainError
) -> FormRefused:
    """The navigator again where the viewer was, the annotate form keeping what was typed."""

    def page(session: Session) -> HTMLResponse:
        recording = recording_service.get(session, slug=slug, viewer=request.state.user)
        moment = form_moment(values, recording.duration)
        form = navigator.AnnotateForm(values, error.message, (error.field or "").split(".")[0])
        return navigator_page(
            request, session, recording, moment, form=form, status_code=_form_status(error)
        )

    return FormRefused(error, page)


@router.post("/r/{recording}/annotations")
def create_annotation(
    request: Request,
    session: SessionDep,
    user: Members,
    recording: str,
    form: Annotated[AnnotationForm, Form()],
) -> RedirectResponse:
    rec = recording_service.get(session, slug=recording, viewer=user)
    try:
        data = validated(AnnotationCreate, form.fields())
        row = annotation_service.create(session, recording=rec, data=data, actor=user)
    except DomainError as exc:
        raise _refused_on_navigator(request, rec.slug, form.model_dump(), exc) from None
    return _back(session, row, user)


def _edit_page(
    request: Request, session: Session, annotation_id: int, values: dict, error=None
) -> HTMLResponse:
    user = request.state.user
    row = annotation_service.get(session, annotation_id=annotation_id, viewer=user)
    access.check_change(user, row)
    rec = recording_service.get_by_id(session, row.recording_id, viewer=user)
    ctx = {
        "annotation": row,
        "recording": rec,
        "values": values,
        "kinds": [k.value for k in AnnotationKind],
        "speakers": navigator.speaker_options(session, recording=rec),
        "error": error.message if error else None,
        "error_field": (error.field or "").split(".")[0] if error else None,
    }
    status = _form_status(error) if error else 200
    return render(request, "edit.html", ctx, status_code=status)


@router.get("/a/{annotation:int}/edit")
def edit_form(
    request: Request, session: SessionDep, user: Members, annotation: int
) -> HTMLResponse:
    row = annotation_service.get(session, annotation_id=annotation, viewer=user)
    public = views.to_public(session, row, site=site_url(request), viewer=user)
    values = {
        "kind": public.kind.value,
        "start": public.start_tc or "",
        "end": public.end_tc or "",
        "text": public.text,
        "tags": ", ".join(public.tags),
        "speaker": public.speaker.slug if public.speaker else "",
        "visibility": public.visibility.value,
        "source_title": public.source_title or "",
        "source_url": public.source_url or "",
    }
    return _edit_page(request, session, annotation, values)


@router.post("/a/{annotation:int}/edit")
def edit_annotation(
    request: Request,
    session: SessionDep,
    user: Members,
    annotation: int,
    form: Annotated[AnnotationForm, Form()],
) -> RedirectResponse:
    row = annotation_service.get(session, annotation_id=annotation, viewer=user)
    try:
        fields = form.fields()
        if fields["start"] is None and row.start is not None:
            raise Invalid(_("start: a placed annotation keeps a time"), field="start")
        if fields["start"] is None:
            del fields["start"], fields["end"]
        data = validated(AnnotationUpdate, fields)
        annotation_service.update(session, annotation=row, data=data, actor=user)
    except DomainError as exc:
        values, error = form.model_dump(), exc  # `exc` is unbound after the except block
        raise FormRefused(
            error, lambda s: _edit_page(request, s, annotation, values, error)
        ) from None
    return _back(session, row, user)


@router.post("/a/{annotation:int}/delete")
def delete_annotation(session: SessionDep, user: Members, annotation: int) -> RedirectResponse:
    row = annotation_service.get(session, annotation_id=annotation, viewer=user)
    recording = recording_service.get_by_id(session, row.recording_id, viewer=user)
    annotation_service.delete_annotation(session, annotation=row, actor=user)
    return RedirectResponse(links.recording_url(recording.slug, row.start), status_code=303)


@router.post("/a/{annotation:int}/place")
def place_annotation(
    request: Request,
    session: SessionDep,
    user: Editors,
    annotation: int,
    form: Annotated[PlaceForm, Form()],
) -> RedirectResponse:
    """Pins an unplaced quote to the second the viewer names (the page's time by default),
    or to the range a transcript proposal found (`end` too)."""
    row = annotation_service.get(session, annotation_id=annotation, viewer=user)
    rec = recording_service.get_by_id(session, row.recording_id, viewer=user)
    typed = AnnotationForm(start=form.start, end=form.end)
    try:
        start = typed.seconds("start")
        if start is None:
            raise Invalid(_("start: say when it was said, e.g. 2:32:30"), field="start")
        fields = {"start": start} | ({"end": typed.seconds("end")} if form.end.strip() else {})
        data = validated(AnnotationUpdate, fields)
        annotation_service.update(session, annotation=row, data=data, actor=user)
    except DomainError as exc:
        raise _refused_on_navigator(request, rec.slug, form.model_dump(), exc) from None
    return _back(session, row, user)


@router.get("/a/{annotation:int}/placement")
def placement_page(
    request: Request, session: SessionDep, user: Anyone, annotation: int
) -> HTMLResponse:
    """Where the transcript says a quote was said, with the button that accepts it."""
    row = annotation_service.get(session, annotation_id=annotation, viewer=user)
    public = views.to_public(session, row, site=site_url(request), viewer=user)
    ctx = {
        "a": public,
        "recording": recording_service.get_by_id(session, row.recording_id, viewer=user),
    }
    try:
        proposal = placement.propose(session, annotation=row)
    except DomainError as exc:
        return render(request, "placement.html", {**ctx, "error": exc.message}, status_code=404)
    cues = transcripts.by_ids(session, proposal.cues)
    return render(request, "placement.html", {**ctx, "proposal": proposal, "cues": cues})
