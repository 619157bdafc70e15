from typing import Annotated

from fastapi import Query, status

from app.api.params import Seconds
from app.deps import SessionDep
from app.http.auth import Anyone, Editors
from app.http.routing import router as make_router
from app.schemas import Page, SegmentCreate, SegmentPublic, SegmentUpdate
from app.services import recordings
from app.services import segments as service

router = make_router(prefix="/recordings/{recording}/segments", tags=["segments"])


@router.get("")
def list_segments(session: SessionDep, user: Anyone, recording: str) -> Page[SegmentPublic]:
    """Every segment in time order (a recording has tens; one page)."""
    rec = recordings.get(session, slug=recording, viewer=user)
    rows = service.list_all(session, recording=rec)
    return Page(items=[service.to_public(session, rec, s) for s in rows], next=None)


@router.get("/at")
def segment_at(
    session: SessionDep, user: Anyone, recording: str, t: Annotated[Seconds, Query()]
) -> SegmentPublic:
    """The innermost segment playing at `t`; 404 in a break."""
    rec = recordings.get(session, slug=recording, viewer=user)
    return service.to_public(session, rec, service.playing_at(session, recording=rec, t=t))


@router.post("", status_code=status.HTTP_201_CREATED)
def create_segment(
    session: SessionDep, user: Editors, recording: str, data: SegmentCreate
) -> SegmentPublic:
    rec = recordings.get(session, slug=recording, viewer=user)
    return service.to_public(session, rec, service.create(session, recording=rec, data=data))


@router.get("/{segment}")
def get_segment(session: SessionDep, user: Anyone, recording: str, segment: str) -> SegmentPublic:
    rec = recordings.get(session, slug=recording, viewer=user)
    return service.to_public(session, rec, service.get(session, recording=rec, slug=segment))


@router.patch("/{segment}")
def update_segment(
    session: SessionDep, user: Editors, recording: str, segment: str, data: SegmentUpdate
) -> SegmentPublic:
    rec = recordings.get(session, slug=recording, viewer=user)
    row = service.get(session, recording=rec, slug=segment)
    return service.to_public(
        session, rec, service.update(session, recording=rec, segment=row, data=data)
    )


@router.delete("/{segment}", status_code=status.HTTP_204_NO_CONTENT)
def delete_segment(session: SessionDep, user: Editors, recording: str, segment: str) -> None:
    rec = recordings.get(session, slug=recording, viewer=user)
    service.delete_segment(session, segment=service.get(session, recording=rec, slug=segment))
