from fastapi import APIRouter, Query, status

from app.api.params import parse_seconds
from app.deps import SessionDep
from app.errors import Invalid, NotFound
from app.schemas import Page, SegmentCreate, SegmentPublic, SegmentUpdate
from app.services import recordings
from app.services import segments as service
from app.timecodes import format_time

router = APIRouter(prefix="/recordings/{recording}/segments", tags=["segments"])


@router.get("")
def list_segments(session: SessionDep, recording: str) -> Page[SegmentPublic]:
    """Every segment in time order (a recording has tens; one page)."""
    rec = recordings.get(session, slug=recording)
    rows = service.list_all(session, recording=rec)
    return Page(items=[service.to_public(session, rec, s) for s in rows], next=None)


@router.get("/at")
def segment_at(
    session: SessionDep,
    recording: str,
    t: str = Query(..., max_length=40, description="any time-code form, e.g. 2h20m or 8400"),
) -> SegmentPublic:
    """The innermost segment playing at `t`; 404 in a break."""
    rec = recordings.get(session, slug=recording)
    seconds = parse_seconds(t, "query.t")
    if seconds is None:
        raise Invalid("query.t is required: a time code such as 2h20m or 8400", field="query.t")
    segment = service.at_time(session, recording=rec, t=seconds)
    if segment is None:
        raise NotFound(f"no segment at {format_time(seconds)} (a break)", field="query.t")
    return service.to_public(session, rec, segment)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_segment(session: SessionDep, recording: str, data: SegmentCreate) -> SegmentPublic:
    rec = recordings.get(session, slug=recording)
    return service.to_public(session, rec, service.create(session, recording=rec, data=data))


@router.get("/{segment}")
def get_segment(session: SessionDep, recording: str, segment: str) -> SegmentPublic:
    rec = recordings.get(session, slug=recording)
    return service.to_public(session, rec, service.get(session, recording=rec, slug=segment))


@router.patch("/{segment}")
def update_segment(
    session: SessionDep, recording: str, segment: str, data: SegmentUpdate
) -> SegmentPublic:
    rec = recordings.get(session, slug=recording)
    row = service.get(session, recording=rec, slug=segment)
    return service.to_public(
        session, rec, service.update(session, recording=rec, segment=row, data=data)
    )


@router.delete("/{segment}", status_code=status.HTTP_204_NO_CONTENT)
def delete_segment(session: SessionDep, recording: str, segment: str) -> None:
    rec = recordings.get(session, slug=recording)
    service.delete_segment(session, segment=service.get(session, recording=rec, slug=segment))
