from fastapi import status

from app.deps import PagingDep, SessionDep, SettingsDep
from app.http.auth import Anyone, Editors
from app.http.routing import router as make_router
from app.schemas import EventCreate, EventPublic, EventUpdate, Page
from app.services import events as service

router = make_router(prefix="/events", tags=["events"])


@router.get("")
def list_events(session: SessionDep, user: Anyone, paging: PagingDep) -> Page[EventPublic]:
    rows, after = service.list_page(session, key=paging.key, limit=paging.limit)
    return paging.page([service.to_public(session, e, viewer=user) for e in rows], after)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_event(session: SessionDep, user: Editors, data: EventCreate) -> EventPublic:
    return service.to_public(session, service.create(session, data=data), viewer=user)


@router.get("/{event}")
def get_event(session: SessionDep, user: Anyone, event: str) -> EventPublic:
    return service.to_public(session, service.get(session, slug=event), viewer=user)


@router.patch("/{event}")
def update_event(session: SessionDep, user: Editors, event: str, data: EventUpdate) -> EventPublic:
    row = service.update(session, event=service.get(session, slug=event), data=data)
    return service.to_public(session, row, viewer=user)


@router.delete("/{event}", status_code=status.HTTP_204_NO_CONTENT)
def delete_event(session: SessionDep, user: Editors, settings: SettingsDep, event: str) -> None:
    service.delete(session, event=service.get(session, slug=event), media_dir=settings.media_dir)
