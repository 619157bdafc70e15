"""The speakers pages: `/speakers`, everyone by name; and for editors a speaker's edit form
(aliases one per line) and the merge of another record of the same person into this one.

Plain forms that work without JavaScript: a success answers 303 to the speaker's page, a
refusal shows the edit page again with the message and what was typed (4xx), after the
request's unit of work has rolled back.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from app import links
from app.db import Session
from app.deps import SessionDep
from app.errors import DomainError, Invalid, validated
from app.http.auth import Anyone, Editors
from app.http.errors import FormRefused
from app.http.paging import Paging, paging
from app.http.routing import router as make_router
from app.http.templating import render
from app.i18n import _
from app.schemas import SpeakerUpdate
from app.services import speakers as service

router = make_router(include_in_schema=False, default_response_class=HTMLResponse)
Page = Annotated[Paging, Depends(paging(100, 500, lenient=True))]


class SpeakerForm(BaseModel):
    """The edit form's fields as typed; limits well above the rules', which SpeakerUpdate
    checks with the field named."""

    name: str = Field("", max_length=1000)
    slug: str = Field("", max_length=200)
    role: str = Field("", max_length=1000)
    organisation: str = Field("", max_length=1000)
    country: str = Field("", max_length=1000)
    bio: str = Field("", max_length=40_000)
    link: str = Field("", max_length=4000)
    aliases: str = Field("", max_length=20_000, description="one per line")

    def update(self) -> SpeakerUpdate:
        fields = self.model_dump(exclude={"slug", "link", "aliases"})
        fields |= {"slug": self.slug.strip() or None, "link": self.link.strip() or None}
        fields["aliases"] = [a.strip() for a in self.aliases.splitlines() if a.strip()]
        return validated(SpeakerUpdate, fields)


class MergeForm(BaseModel):
    other: str = Field("", max_length=200)


def _values(session: Session, slug: str) -> dict[str, str]:
    speaker = service.get(session, slug=slug)
    public = service.to_public(speaker)
    return public.model_dump(exclude={"link", "aliases"}) | {
        "link": public.link or "",
        "aliases": "\n".join(public.aliases),
    }


def _where(error: DomainError) -> tuple[str, str]:
    """The form field at fault, and the message in the form's words: the textarea's third
    alias is "alias 3", not the API's "aliases.2"."""
    field, _dot, index = (error.field or "").partition(".")
    if field == "aliases" and index.isdigit():
        alias = _("alias %(number)s") % {"number": int(index) + 1}
        return field, error.message.replace(f"{error.field}:", f"{alias}:", 1)
    return field, error.message


def _edit_page(
    request: Request,
    session: Session,
    slug: str,
    values: dict[str, str] | None = None,
    error: DomainError | None = None,
) -> HTMLResponse:
    """The edit and merge forms; `error` goes to the form whose field it names."""
    speaker = service.get(session, slug=slug)
    field, message = _where(error) if error else (None, None)
    ctx = {
        "speaker": speaker,
        "values": values or _values(session, slug),
        "others": [s for s in service.everyone(session) if s.id != speaker.id],
        "error": message if field != "other" else None,
        "error_field": field,
        "merge_error": message if field == "other" else None,
    }
    status = (error.status_code if 400 <= error.status_code < 500 else 422) if error else 200
    return render(request, "speaker_edit.html", ctx, status_code=status)


@router.get("/speakers")
def speakers_index(
    request: Request, session: SessionDep, user: Anyone, paged: Page
) -> HTMLResponse:
    rows, after = service.list_page(session, key=paged.key, limit=paged.limit)
    ctx = {
        "speakers": [service.to_public(s) for s in rows],
        "next_cursor": paged.cursor(after),
        "notice": paged.notice,
    }
    return render(request, "speakers.html", ctx)


@router.get("/speakers/{speaker}/edit")
def edit_form(request: Request, session: SessionDep, user: Editors, speaker: str) -> HTMLResponse:
    return _edit_page(request, session, speaker)


@router.post("/speakers/{speaker}/edit")
def edit_speaker(
    request: Request,
    session: SessionDep,
    user: Editors,
    speaker: str,
    form: Annotated[SpeakerForm, Form()],
) -> RedirectResponse:
    row = service.get(session, slug=speaker)
    try:
        service.update(session, speaker=row, data=form.update())
    except DomainError as exc:
        values, error = form.model_dump(), exc  # `exc` is unbound after the except block
        raise FormRefused(error, lambda s: _edit_page(request, s, speaker, values, error)) from None
    return RedirectResponse(links.speaker_url(row.slug), status_code=303)


@router.post("/speakers/{speaker}/merge")
def merge_speaker(
    request: Request,
    session: SessionDep,
    user: Editors,
    speaker: str,
    form: Annotated[MergeForm, Form()],
) -> RedirectResponse:
    """Back on the kept speaker's page, which says what was merged into it."""
    keep = service.get(session, slug=speaker)
    try:
        if not form.other.strip():
            raise Invalid(_("choose the other record of this person"), field="other")
        other = service.get(session, slug=form.other.strip(), field="other")
        merged_name = other.name
        service.merge(session, keep=keep, other=other, actor=user)
    except DomainError as exc:
        error = exc
        raise FormRefused(error, lambda s: _edit_page(request, s, speaker, error=error)) from None
    query = urlencode({"merged": merged_name})
    return RedirectResponse(f"{links.speaker_url(keep.slug)}?{query}", status_code=303)
