"""The editor's speaker-turn forms on the navigator (PRODUCT §6c "who spoke when"): add a
turn, correct one's times, delete one. Plain forms with the CSRF token in their action URL;
a success answers 303 to the navigator at the turn, a refusal shows the navigator again where the
viewer was, the form keeping what was typed, the field at fault marked and the focus on the
message (4xx), after the request's unit of work has rolled back."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from app import links
from app.db import Session
from app.deps import SessionDep
from app.errors import DomainError, Invalid, validated
from app.http.auth import Editors
from app.http.errors import FormRefused
from app.http.routing import router as make_router
from app.i18n import _
from app.models import Recording, SpeakerTurn
from app.schemas import TurnCreate, TurnUpdate
from app.services import recordings as recording_service
from app.services import turns as turn_service
from app.web import navigator
from app.web.forms import AnnotationForm, form_moment
from app.web.pages import navigator_page

router = make_router(include_in_schema=False)


class TurnForm(BaseModel):
    """The fields as typed: time codes in any PRODUCT §4 form; `speaker` only when adding."""

    speaker: str = Field("", max_length=100)
    start: str = Field("", max_length=100)
    end: str = Field("", max_length=100)
    at: str = Field("", max_length=100)  # where the page was when it was sent

    def times(self) -> dict[str, float]:
        typed = AnnotationForm(start=self.start, end=self.end)  # the one reading of form times
        found: dict[str, float] = {}
        for name in ("start", "end"):
            seconds = typed.seconds(name)
            if seconds is None:
                message = _("%(field)s: a time code such as 2:20:00 is required")
                raise Invalid(message % {"field": name}, field=name)
            found[name] = seconds
        return found


def _at_turn(recording: Recording, turn: SpeakerTurn) -> RedirectResponse:
    url = links.recording_url(recording.slug, turn.start)
    return RedirectResponse(f"{url}#turns", status_code=303)


def _refused(request: Request, slug: str, values: dict, error: DomainError) -> FormRefused:
    """The navigator again where the viewer was (else at the typed start), the refused form
    kept."""

    def page(session: Session) -> HTMLResponse:
        recording = recording_service.get(session, slug=slug, viewer=request.state.user)
        moment = form_moment(values, recording.duration)
        form = navigator.AnnotateForm(values, error.message, (error.field or "").split(".")[0])
        status = error.status_code if 400 <= error.status_code < 500 else 422
        return navigator_page(
            request, session, recording, moment, turn_form=form, status_code=status
        )

    return FormRefused(error, page)


@router.post("/r/{recording}/turns")
def create_turn(
    request: Request,
    session: SessionDep,
    user: Editors,
    recording: str,
    form: Annotated[TurnForm, Form()],
) -> RedirectResponse:
    rec = recording_service.get(session, slug=recording, viewer=user)
    try:
        if not form.speaker:
            raise Invalid(_("speaker: choose who spoke"), field="speaker")
        data = validated(TurnCreate, {"speaker": form.speaker, **form.times()})
        turn = turn_service.create(session, recording=rec, data=data)
    except DomainError as exc:
        raise _refused(request, rec.slug, form.model_dump(), exc) from None
    return _at_turn(rec, turn)


@router.post("/turns/{turn:int}/edit")
def edit_turn(
    request: Request,
    session: SessionDep,
    user: Editors,
    turn: int,
    form: Annotated[TurnForm, Form()],
) -> RedirectResponse:
    row = turn_service.get(session, turn_id=turn, viewer=user)
    rec = recording_service.get_by_id(session, row.recording_id, viewer=user)
    try:
        turn_service.update(session, turn=row, data=validated(TurnUpdate, form.times()))
    except DomainError as exc:
        values = form.model_dump(exclude={"speaker"}) | {"turn": str(turn)}
        raise _refused(request, rec.slug, values, exc) from None
    return _at_turn(rec, row)


@router.post("/turns/{turn:int}/delete")
def delete_turn(session: SessionDep, user: Editors, turn: int) -> RedirectResponse:
    row = turn_service.get(session, turn_id=turn, viewer=user)
    back = _at_turn(recording_service.get_by_id(session, row.recording_id, viewer=user), row)
    turn_service.delete_turn(session, turn=row)
    return back
