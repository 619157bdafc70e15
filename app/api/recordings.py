from typing import Annotated

from fastapi import Query, status

from app.deps import PagingDep, SessionDep, SettingsDep
from app.http.auth import Anyone, Editors
from app.http.routing import router as make_router
from app.schemas import Page, RecordingCreate, RecordingPublic, RecordingUpdate
from app.services import recordings as service

router = make_router(prefix="/recordings", tags=["recordings"])


@router.get("")
def list_recordings(
    session: SessionDep,
    user: Anyone,
    paging: PagingDep,
    event: Annotated[str | None, Query(max_length=80, description="only this event's")] = None,
) -> Page[RecordingPublic]:
    rows, after = service.list_page(
        session, key=paging.key, limit=paging.limit, viewer=user, event=event
    )
    return paging.page([service.to_public(session, r) for r in rows], after)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_recording(
    session: SessionDep, user: Editors, settings: SettingsDep, data: RecordingCreate
) -> RecordingPublic:
    row = service.create(session, data=data, media_dir=settings.media_dir)
    return service.to_public(session, row)


@router.get("/{recording}")
def get_recording(session: SessionDep, user: Anyone, recording: str) -> RecordingPublic:
    return service.to_public(session, service.get(session, slug=recording, viewer=user))


@router.patch("/{recording}")
def update_recording(
    session: SessionDep, user: Editors, recording: str, data: RecordingUpdate
) -> RecordingPublic:
    row = service.update(
        session, recording=service.get(session, slug=recording, viewer=user), data=data
    )
    return service.to_public(session, row)


@router.delete("/{recording}", status_code=status.HTTP_204_NO_CONTENT)
def delete_recording(
    session: SessionDep, user: Editors, settings: SettingsDep, recording: str
) -> None:
    row = service.get(session, slug=recording, viewer=user)
    service.delete(session, recording=row, media_dir=settings.media_dir)
