"""The organiser's workspace (PRODUCT §6c): the public event page and the editors' forms for
events, recordings and sessions.

Each form is plain HTML that works without JavaScript; what is typed goes through the JSON
API's schemas and the same services, so a form and the API refuse the same input with the
same message. A refused form is shown again (4xx) with what was typed and the field named;
nothing is stored. static/js/set_time.js adds "set to the current time" buttons.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from app import links
from app.db import Session
from app.deps import SessionDep
from app.errors import DomainError, Invalid, validated
from app.http.auth import Anyone, Editors
from app.http.errors import FormRefused
from app.http.routing import router as make_router
from app.http.templating import render
from app.i18n import _
from app.models import Recording, Segment, SegmentKind, SpeakerRole
from app.schemas import (
    EventCreate,
    EventUpdate,
    RecordingUpdate,
    SegmentCreate,
    SegmentUpdate,
)
from app.services import events as event_service
from app.services import recordings as recording_service
from app.services import segments as segment_service
from app.services import speakers as speaker_service
from app.services.exports import event_json
from app.sizes import MAX_IMPORT_BODY_BYTES
from app.textfiles import decode
from app.timecodes import TimecodeError, format_time, parse_time
from app.web.forms import form_moment

router = make_router(include_in_schema=False, default_response_class=HTMLResponse)
SPEAKER_ROWS = 8  # speaker lines a session form offers (more through the API)


def _seconds(name: str, typed: str) -> float | None:
    """A typed time code (any PRODUCT §4 form) in seconds; empty is None."""
    if not typed.strip():
        return None
    try:
        return parse_time(typed.strip())
    except TimecodeError as exc:
        raise Invalid(f"{name}: {exc}", field=name) from None


def _given(values: dict[str, str]) -> dict[str, str]:
    return {k: v.strip() for k, v in values.items() if v.strip()}


def _refused(
    request: Request, error: DomainError, page: Callable[[Session, dict], HTMLResponse]
) -> FormRefused:
    """The form again with what was typed and why (the status is the error's, 4xx)."""

    def again(session: Session) -> HTMLResponse:
        return page(session, {"error": error, "status_code": error.status_code})

    return FormRefused(error, again)


def _form(request: Request, template: str, ctx: dict[str, Any], extra: dict) -> HTMLResponse:
    error = extra.get("error")
    ctx |= {
        "youtube_api_url": request.app.state.settings.youtube_api_url,
        "error": error.message if error else None,
        "error_field": (error.field or "").split(".")[-1] if error else None,
    }
    return render(request, template, ctx, status_code=extra.get("status_code", 200))


# Events


class EventForm(BaseModel):
    title: str = Field("", max_length=400)
    slug: str = Field("", max_length=100)
    place: str = Field("", max_length=300)
    start_date: str = Field("", max_length=20)
    end_date: str = Field("", max_length=20)
    organisers: str = Field("", max_length=2100)
    description: str = Field("", max_length=100_000)


def _event_form(request: Request, values: dict, heading: str, action: str, extra: dict):
    ctx = {"values": values, "heading": heading, "action": action}
    return _form(request, "event_form.html", ctx, extra)


@router.get("/e/{event}")
def event_page(request: Request, session: SessionDep, user: Anyone, event: str) -> HTMLResponse:
    row = event_service.get(session, slug=event)
    ctx = {"event": row, **event_service.contents(session, event=row, viewer=user)}
    return render(request, "event.html", ctx)


@router.get("/events/new")
def new_event_page(request: Request, user: Editors) -> HTMLResponse:
    return _event_form(request, {}, _("New event"), "/events/new", {})


@router.post("/events/new")
def create_event(
    request: Request, session: SessionDep, user: Editors, form: Annotated[EventForm, Form()]
) -> RedirectResponse:
    values = form.model_dump()
    try:
        row = event_service.create(session, data=validated(EventCreate, _given(values)))
    except DomainError as exc:
        page = lambda s, extra: _event_form(request, values, _("New event"), "/events/new", extra)  # noqa: E731
        raise _refused(request, exc, page) from None
    return RedirectResponse(links.event_url(row.slug), status_code=303)


@router.post("/events/import", max_body_size=MAX_IMPORT_BODY_BYTES)
def import_event(
    request: Request,
    session: SessionDep,
    user: Editors,
    file: Annotated[UploadFile | None, File()] = None,
) -> RedirectResponse:
    """A whole event from the product's own JSON export (as /e/{event}/export.json gives it),
    all or nothing; the refusal says where the file is wrong."""
    try:
        if file is None or not file.filename:
            raise Invalid(_("choose an event export (.json) file"), field="file")
        text = decode(file.file.read(MAX_IMPORT_BODY_BYTES + 1), field="file")
        summary = event_json.import_event(session, document=event_json.parse(text), actor=user)
    except DomainError as exc:
        where = f"{exc.field}: " if exc.field not in (None, "file", "body") else ""
        problem = {"problem": where + exc.message}
        error = type(exc)(_("the event file: %(problem)s") % problem, field="file")
        page = lambda s, extra: _event_form(request, {}, _("New event"), "/events/new", extra)  # noqa: E731
        raise _refused(request, error, page) from None
    return RedirectResponse(links.event_url(summary.event), status_code=303)


def _event_values(row) -> dict[str, str]:
    values = row.model_dump(include=set(EventForm.model_fields))
    return {k: "" if v is None else str(v) for k, v in values.items()}


@router.get("/e/{event}/edit")
def edit_event_page(
    request: Request, session: SessionDep, user: Editors, event: str
) -> HTMLResponse:
    row = event_service.get(session, slug=event)
    action = f"/e/{row.slug}/edit"
    heading = _("Edit %(title)s") % {"title": row.title}
    return _event_form(request, _event_values(row), heading, action, {})


@router.post("/e/{event}/edit")
def update_event(
    request: Request,
    session: SessionDep,
    user: Editors,
    event: str,
    form: Annotated[EventForm, Form()],
) -> RedirectResponse:
    row = event_service.get(session, slug=event)
    values = form.model_dump()
    try:
        # Emptied optional fields are cleared; the title and slug keep their value if emptied.
        changes = {k: v.strip() or None for k, v in values.items()}
        changes |= {k: changes[k] or "" for k in ("place", "organisers", "description")}
        row = event_service.update(session, event=row, data=validated(EventUpdate, changes))
    except DomainError as exc:
        page = lambda s, extra: _event_form(  # noqa: E731
            request, values, _("Edit event"), f"/e/{event}/edit", extra
        )
        raise _refused(request, exc, page) from None
    return RedirectResponse(links.event_url(row.slug), status_code=303)


# Recordings


class RecordingForm(BaseModel):
    title: str = Field("", max_length=400)
    slug: str = Field("", max_length=100)
    duration: str = Field("", max_length=100)
    language: str = Field("", max_length=40)
    published: str = Field("", max_length=10)
    at: str = Field("", max_length=100)  # where the player was when it was sent (form_moment)


def _recording_form(request: Request, recording: Recording, values: dict, extra: dict):
    ctx = {
        "recording": recording,
        "values": values,
        "media_src": links.media_src(recording),
        "moment": form_moment(values, recording.duration),
    }
    return _form(request, "recording_form.html", ctx, extra)


@router.get("/r/{recording}/edit")
def edit_recording_page(
    request: Request, session: SessionDep, user: Editors, recording: str
) -> HTMLResponse:
    row = recording_service.get(session, slug=recording, viewer=user)
    values = {
        "title": row.title,
        "slug": row.slug,
        "duration": format_time(row.duration) if row.duration else "",
        "language": row.language,
        "published": "true" if row.published else "false",
    }
    return _recording_form(request, row, values, {})


@router.post("/r/{recording}/edit")
def update_recording(
    request: Request,
    session: SessionDep,
    user: Editors,
    recording: str,
    form: Annotated[RecordingForm, Form()],
) -> RedirectResponse:
    row = recording_service.get(session, slug=recording, viewer=user)
    values = form.model_dump()
    try:
        if form.published not in ("true", "false"):
            raise Invalid(_("published: choose published or draft"), field="published")
        changes = _given(form.model_dump(exclude={"at"})) | {
            "duration": _seconds("duration", form.duration),
            "published": form.published == "true",
        }
        row = recording_service.update(
            session, recording=row, data=validated(RecordingUpdate, changes)
        )
    except DomainError as exc:
        slug = row.slug
        page = lambda s, extra: _recording_form(  # noqa: E731
            request, recording_service.get(s, slug=slug, viewer=user), values, extra
        )
        raise _refused(request, exc, page) from None
    return RedirectResponse(links.recording_url(row.slug), status_code=303)


# Sessions


class SessionForm(BaseModel):
    """A session's fields as typed; speakers come as parallel lists speaker/role."""

    title: str = Field("", max_length=400)
    slug: str = Field("", max_length=100)
    kind: str = Field("other", max_length=20)
    start: str = Field("", max_length=100)
    end: str = Field("", max_length=100)
    parent: str = Field("", max_length=100)
    description: str = Field("", max_length=100_000)
    speaker: list[str] = Field(default_factory=list, max_length=SPEAKER_ROWS)
    role: list[str] = Field(default_factory=list, max_length=SPEAKER_ROWS)
    at: str = Field("", max_length=100)  # where the player was when it was sent (form_moment)

    def fields(self) -> dict[str, Any]:
        if len(self.role) != len(self.speaker):
            raise Invalid(_("each speaker line needs a role"), field="role")
        speakers = [
            {"speaker": s.strip(), "role": r or SpeakerRole.speaker.value}
            for s, r in zip(self.speaker, self.role, strict=True)
            if s.strip()
        ]
        return {
            "title": self.title.strip(),
            "kind": self.kind,
            "start": _seconds("start", self.start),
            "end": _seconds("end", self.end),
            "description": self.description.strip(),
            "parent": self.parent or None,
            "speakers": speakers,
            **({"slug": self.slug.strip()} if self.slug.strip() else {}),
        }


def _session_form(
    request: Request,
    session: Session,
    recording: Recording,
    segment: Segment | None,
    values: dict,
    extra: dict,
) -> HTMLResponse:
    rows = list(zip(values.get("speaker", []), values.get("role", []), strict=False))
    rows += [("", "")] * (SPEAKER_ROWS - len(rows))
    ctx = {
        "recording": recording,
        "segment": segment,
        "values": values,
        "speaker_rows": rows,
        "speakers": speaker_service.everyone(session),
        "roles": [r.value for r in SpeakerRole],
        "kinds": [k.value for k in SegmentKind],
        "parents": [
            s
            for s in segment_service.list_all(session, recording=recording)
            if s.parent_id is None and (segment is None or s.id != segment.id)
        ],
        "media_src": links.media_src(recording),
        "moment": form_moment(values, recording.duration),
    }
    return _form(request, "session_form.html", ctx, extra)


def _session_values(session: Session, recording: Recording, segment: Segment) -> dict:
    public = segment_service.to_public(session, recording, segment)
    return {
        "title": public.title,
        "slug": public.slug,
        "kind": public.kind.value,
        "start": public.start_tc,
        "end": public.end_tc,
        "parent": public.parent or "",
        "description": public.description,
        "speaker": [s.speaker for s in public.speakers],
        "role": [s.role.value for s in public.speakers],
    }


@router.get("/r/{recording}/sessions/new")
def new_session_page(
    request: Request, session: SessionDep, user: Editors, recording: str, t: str = ""
) -> HTMLResponse:
    row = recording_service.get(session, slug=recording, viewer=user)
    values = {"start": t[:100]} if t else {}
    return _session_form(request, session, row, None, values, {})


@router.post("/r/{recording}/sessions/new")
def create_session(
    request: Request,
    session: SessionDep,
    user: Editors,
    recording: str,
    form: Annotated[SessionForm, Form()],
) -> RedirectResponse:
    rec = recording_service.get(session, slug=recording, viewer=user)
    try:
        data = validated(SegmentCreate, form.fields())
        row = segment_service.create(session, recording=rec, data=data)
    except DomainError as exc:
        values = form.model_dump()
        page = lambda s, extra: _session_form(  # noqa: E731
            request, s, recording_service.get(s, slug=recording, viewer=user), None, values, extra
        )
        raise _refused(request, exc, page) from None
    return RedirectResponse(links.segment_url(rec.slug, row.slug), status_code=303)


@router.get("/r/{recording}/s/{segment}/edit")
def edit_session_page(
    request: Request, session: SessionDep, user: Editors, recording: str, segment: str
) -> HTMLResponse:
    rec = recording_service.get(session, slug=recording, viewer=user)
    row = segment_service.get(session, recording=rec, slug=segment)
    return _session_form(request, session, rec, row, _session_values(session, rec, row), {})


@router.post("/r/{recording}/s/{segment}/edit")
def update_session(
    request: Request,
    session: SessionDep,
    user: Editors,
    recording: str,
    segment: str,
    form: Annotated[SessionForm, Form()],
) -> RedirectResponse:
    rec = recording_service.get(session, slug=recording, viewer=user)
    row = segment_service.get(session, recording=rec, slug=segment)
    try:
        fields = form.fields()
        if not fields.get("slug"):
            fields.pop("slug", None)
        data = validated(SegmentUpdate, fields)
        row = segment_service.update(session, recording=rec, segment=row, data=data)
    except DomainError as exc:
        values = form.model_dump()

        def page(s: Session, extra: dict) -> HTMLResponse:
            again = recording_service.get(s, slug=recording, viewer=user)
            current = segment_service.get(s, recording=again, slug=segment)
            return _session_form(request, s, again, current, values, extra)

        raise _refused(request, exc, page) from None
    return RedirectResponse(links.segment_url(rec.slug, row.slug), status_code=303)


@router.post("/r/{recording}/s/{segment}/delete")
def delete_session(
    session: SessionDep, user: Editors, recording: str, segment: str
) -> RedirectResponse:
    rec = recording_service.get(session, slug=recording, viewer=user)
    row = segment_service.get(session, recording=rec, slug=segment)
    segment_service.delete_segment(session, segment=row)
    return RedirectResponse(links.recording_url(rec.slug, row.start), status_code=303)
