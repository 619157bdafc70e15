from fastapi import APIRouter, status

from app.deps import DEFAULT_PAGE, CursorQuery, LimitQuery, SessionDep
from app.schemas import Page, SpeakerCreate, SpeakerPublic, SpeakerUpdate
from app.services import speakers as service

router = APIRouter(prefix="/speakers", tags=["speakers"])


@router.get("")
def list_speakers(
    session: SessionDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_PAGE
) -> Page[SpeakerPublic]:
    rows, nxt = service.list_page(session, cursor=cursor, limit=limit)
    return Page(items=[service.to_public(s) for s in rows], next=nxt)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_speaker(session: SessionDep, data: SpeakerCreate) -> SpeakerPublic:
    return service.to_public(service.create(session, data=data))


@router.get("/{speaker}")
def get_speaker(session: SessionDep, speaker: str) -> SpeakerPublic:
    return service.to_public(service.get(session, slug=speaker))


@router.patch("/{speaker}")
def update_speaker(session: SessionDep, speaker: str, data: SpeakerUpdate) -> SpeakerPublic:
    row = service.update(session, speaker=service.get(session, slug=speaker), data=data)
    return service.to_public(row)


@router.delete("/{speaker}", status_code=status.HTTP_204_NO_CONTENT)
def delete_speaker(session: SessionDep, speaker: str) -> None:
    service.delete(session, speaker=service.get(session, slug=speaker))
