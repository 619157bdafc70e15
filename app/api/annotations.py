from fastapi import status

from app.api.params import AnnotationPath, FromQuery, SlugQuery, ToQuery
from app.deps import PagingDep, SessionDep, SiteDep
from app.http.routing import router as make_router
from app.models import AnnotationKind
from app.schemas import AnnotationCreate, AnnotationPublic, AnnotationUpdate, Page
from app.services import annotations as service
from app.services import recordings

router = make_router(tags=["annotations"])


@router.get("/recordings/{recording}/annotations")
def list_annotations(
    session: SessionDep,
    site: SiteDep,
    paging: PagingDep,
    recording: str,
    from_: FromQuery = None,
    to: ToQuery = None,
    kind: AnnotationKind | None = None,
    speaker: SlugQuery = None,
    tag: SlugQuery = None,
) -> Page[AnnotationPublic]:
    """Public annotations in time order (unplaced quotes last). `from`/`to` keep those that
    start inside the window and leave out the unplaced."""
    rows, after = service.list_page(
        session,
        recording=recordings.get(session, slug=recording),
        start=from_,
        end=to,
        kind=kind,
        speaker=speaker,
        tag=tag,
        key=paging.key,
        limit=paging.limit,
    )
    return paging.page(service.to_public_many(session, rows, site=site), after)


@router.post("/recordings/{recording}/annotations", status_code=status.HTTP_201_CREATED)
def create_annotation(
    session: SessionDep, site: SiteDep, recording: str, data: AnnotationCreate
) -> AnnotationPublic:
    row = service.create(session, recording=recordings.get(session, slug=recording), data=data)
    return service.to_public(session, row, site=site)


@router.get("/annotations/{annotation}")
def get_annotation(
    session: SessionDep, site: SiteDep, annotation: AnnotationPath
) -> AnnotationPublic:
    return service.to_public(session, service.get(session, annotation_id=annotation), site=site)


@router.patch("/annotations/{annotation}")
def update_annotation(
    session: SessionDep, site: SiteDep, annotation: AnnotationPath, data: AnnotationUpdate
) -> AnnotationPublic:
    row = service.get(session, annotation_id=annotation)
    return service.to_public(session, service.update(session, annotation=row, data=data), site=site)


@router.delete("/annotations/{annotation}", status_code=status.HTTP_204_NO_CONTENT)
def delete_annotation(session: SessionDep, annotation: AnnotationPath) -> None:
    service.delete_annotation(session, annotation=service.get(session, annotation_id=annotation))
