from fastapi import APIRouter, Query, status

from app.deps import DEFAULT_PAGE, CursorQuery, LimitQuery, SessionDep, SettingsDep
from app.schemas import Page, RecordingCreate, RecordingPublic, RecordingUpdate
from app.services import recordings as service

router = APIRouter(prefix="/recordings", tags=["recordings"])


@router.get("")
def list_recordings(
    session: SessionDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE,
    event: str | None = Query(None, max_length=80, description="only this event's"),
) -> Page[RecordingPublic]:
    rows, nxt = service.list_page(session, cursor=cursor, limit=limit, event=event)
    return Page(items=[service.to_public(session, r) for r in rows], next=nxt)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_recording(
    session: SessionDep, settings: SettingsDep, data: RecordingCreate
) -> RecordingPublic:
    row = service.create(session, data=data, media_dir=settings.media_dir)
    return service.to_public(session, row)


@router.get("/{recording}")
def get_recording(session: SessionDep, recording: str) -> RecordingPublic:
    return service.to_public(session, service.get(session, slug=recording))


@router.patch("/{recording}")
def update_recording(session: SessionDep, recording: str, data: RecordingUpdate) -> RecordingPublic:
    row = service.update(session, recording=service.get(session, slug=recording), data=data)
    return service.to_public(session, row)


@router.delete("/{recording}", status_code=status.HTTP_204_NO_CONTENT)
def delete_recording(session: SessionDep, recording: str) -> None:
    service.delete(session, recording=service.get(session, slug=recording))
