from fastapi import status

from app.deps import PagingDep, SessionDep
from app.http.auth import Anyone, Editors
from app.http.routing import router as make_router
from app.schemas import Page, SpeakerCreate, SpeakerMerge, SpeakerPublic, SpeakerUpdate
from app.services import speakers as service

router = make_router(prefix="/speakers", tags=["speakers"])


@router.get("")
def list_speakers(session: SessionDep, user: Anyone, paging: PagingDep) -> Page[SpeakerPublic]:
    rows, after = service.list_page(session, key=paging.key, limit=paging.limit)
    return paging.page([service.to_public(s) for s in rows], after)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_speaker(session: SessionDep, user: Editors, data: SpeakerCreate) -> SpeakerPublic:
    return service.to_public(service.create(session, data=data))


@router.get("/{speaker}")
def get_speaker(session: SessionDep, user: Anyone, speaker: str) -> SpeakerPublic:
    return service.to_public(service.get(session, slug=speaker))


@router.patch("/{speaker}")
def update_speaker(
    session: SessionDep, user: Editors, speaker: str, data: SpeakerUpdate
) -> SpeakerPublic:
    row = service.update(session, speaker=service.get(session, slug=speaker), data=data)
    return service.to_public(row)


@router.post("/{speaker}/merge")
def merge_speakers(
    session: SessionDep, user: Editors, speaker: str, data: SpeakerMerge
) -> SpeakerPublic:
    """`other` is the same person recorded twice: it is merged into this speaker (its
    sessions, quotes, transcript lines and turns move here, its name becomes an alias) and
    deleted."""
    keep = service.get(session, slug=speaker)
    other = service.get(session, slug=data.other, field="other")
    return service.to_public(service.merge(session, keep=keep, other=other, actor=user))


@router.delete("/{speaker}", status_code=status.HTTP_204_NO_CONTENT)
def delete_speaker(session: SessionDep, user: Editors, speaker: str) -> None:
    service.delete(session, speaker=service.get(session, slug=speaker))
