from fastapi import status

from app.deps import PagingDep, SessionDep
from app.http.auth import Anyone, Editors
from app.http.routing import router as make_router
from app.schemas import Page, SpeakerCreate, SpeakerPublic, SpeakerUpdate
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


@router.delete("/{speaker}", status_code=status.HTTP_204_NO_CONTENT)
def delete_speaker(session: SessionDep, user: Editors, speaker: str) -> None:
    service.delete(session, speaker=service.get(session, slug=speaker))
