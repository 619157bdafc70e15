from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from app.api.params import TimeParam, parse_seconds
from app.deps import DEFAULT_PAGE, CursorQuery, LimitQuery, SessionDep
from app.errors import Invalid
from app.models import AnnotationKind
from app.schemas import AnnotationCreate, AnnotationPublic, AnnotationUpdate, Page
from app.services import annotations as service
from app.services import recordings

router = APIRouter(tags=["annotations"])
AnnotationId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/recordings/{recording}/annotations")
def list_annotations(
    session: SessionDep,
    recording: str,
    from_: Annotated[TimeParam, Query(alias="from")] = None,
    to: TimeParam = None,
    kind: AnnotationKind | None = None,
    speaker: Annotated[str | None, Query(max_length=80)] = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE,
) -> Page[AnnotationPublic]:
    """Public annotations in time order (unplaced quotes last). `from`/`to` keep those that
    start inside the window and leave out the unplaced."""
    start, end = parse_seconds(from_, "query.from"), parse_seconds(to, "query.to")
    if start is not None and end is not None and end < start:
        raise Invalid("'to' must not be before 'from'", field="query.to")
    rec = recordings.get(session, slug=recording)
    rows, nxt = service.list_page(
        session,
        recording=rec,
        start=start,
        end=end,
        kind=kind,
        speaker=speaker,
        tag=tag,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=service.to_public_many(session, rows), next=nxt)


@router.post("/recordings/{recording}/annotations", status_code=status.HTTP_201_CREATED)
def create_annotation(
    session: SessionDep, recording: str, data: AnnotationCreate
) -> AnnotationPublic:
    rec = recordings.get(session, slug=recording)
    row = service.create(session, recording=rec, data=data)
    return service.to_public_many(session, [row])[0]


@router.get("/annotations/{annotation_id}")
def get_annotation(session: SessionDep, annotation_id: AnnotationId) -> AnnotationPublic:
    return service.to_public_many(session, [service.get(session, annotation_id=annotation_id)])[0]


@router.patch("/annotations/{annotation_id}")
def update_annotation(
    session: SessionDep, annotation_id: AnnotationId, data: AnnotationUpdate
) -> AnnotationPublic:
    row = service.get(session, annotation_id=annotation_id)
    return service.to_public_many(session, [service.update(session, annotation=row, data=data)])[0]


@router.delete("/annotations/{annotation_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_annotation(session: SessionDep, annotation_id: AnnotationId) -> None:
    service.delete_annotation(session, annotation=service.get(session, annotation_id=annotation_id))
